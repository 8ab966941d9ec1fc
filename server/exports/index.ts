// Streamed CSV exports of the firm list and of every funding round (the import's columns, so they import again).
export { exportsRouter } from './exports.routes.js';
