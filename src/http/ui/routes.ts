/** Registers the web UI's paths on the HTTP router. */
import type { Handler, Router } from '../router.js';
import { ASSETS_PREFIX, serveUI, UI_PREFIXES, UI_ROUTES, UiFiles } from './static.js';

/**
 * Adds GET routes for the UI: its client-side routes (`/`, `/explore`, …), `/assets/:file`
 * and `/favicon.svg`. `distDir` is the built UI (see `defaultUiDir()`).
 */
export function addUiRoutes(router: Router, distDir: string): void {
  const files = new UiFiles(distDir);
  const handler: Handler = async ({ req, res }) => {
    if (!(await serveUI(req, res, files))) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
    }
  };
  for (const route of UI_ROUTES) router.get(route, handler);
  for (const prefix of UI_PREFIXES) router.get(`${prefix}*`, handler);
  router.get(`${ASSETS_PREFIX}:file`, handler);
  router.get('/favicon.svg', handler);
}
