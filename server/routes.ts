import type { Router } from 'express';
import { homeRouter } from './home/home.routes.js';
import { usersRouter } from './users/index.js';

// Feature routers, mounted in this order after the auth routes (more specific paths first where they overlap).
export const featureRouters: Router[] = [homeRouter, usersRouter];
