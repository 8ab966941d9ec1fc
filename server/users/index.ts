export { checkCredentials, findActiveUserById, createUser } from './users.service.js';
export { usersRouter } from './users.routes.js';
