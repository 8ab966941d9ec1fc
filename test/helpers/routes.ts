import type { Express } from 'express';

export type AppRoute = { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; path: string };

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };

// Every route the app answers, read from its router (feature routers are mounted at the root), so a new route shows up
// in the tests that walk this list without anyone adding it by hand.
export function listRoutes(app: Express): AppRoute[] {
  const out: AppRoute[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [m, on] of Object.entries(layer.route.methods)) {
          if (on && m !== '_all') out.push({ method: m.toUpperCase() as AppRoute['method'], path: layer.route.path });
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  // Express's types leave out what a layer holds at run time (a route's methods, a mounted router's stack).
  walk(app.router.stack as Layer[]);
  return out;
}

export const routeKey = (r: AppRoute) => `${r.method} ${r.path}`;
export const isStateChanging = (r: AppRoute) => r.method !== 'GET';
