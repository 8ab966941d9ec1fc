// GET /healthz for load balancers, and the routes only tests of the real process use.
export { healthRouter } from './health.routes.js';
export { mountTestRoutes } from './test-routes.js';
export { mountBenchBaseline } from './bench-baseline.js';
