// The investor portal (deal flow shared with investor organisations) and the staff form that shares a firm.
export { portalRouter } from './portal.routes.js';
export { sharingRouter } from './sharing.routes.js';
export { sharingPanel } from './sharing.controller.js';
