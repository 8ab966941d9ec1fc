// First start on an empty database: the first admin, or demo data with its sign-in accounts.
export { seedIfEmpty } from './seed.js';
export { DEMO_PASSWORD } from './demo-data.js';
