export { checkCredentials, findActiveUserById, createUser, recordLogin } from './users.service.js';
export { usersRouter } from './users.routes.js';
