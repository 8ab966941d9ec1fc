// The dashboard every signed-in user lands on.
export { homeRouter } from './home.routes.js';
