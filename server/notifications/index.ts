// In-app notifications: the bell's count (kept on the user) and the list at /notifications.
export { notify, staffToNotify, notificationsOf, countUnread } from './notifications.service.js';
export { notificationsRouter } from './notifications.routes.js';
