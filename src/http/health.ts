/** Liveness, readiness and self-metrics endpoints. */
import type { Registry } from 'prom-client';
import { sendText } from './respond.js';
import type { Router } from './router.js';

/** Whether the program is ready to serve (storage open and replayed). */
export type ReadinessFn = () => boolean;

/**
 * Adds `/-/healthy` (always 200 while the process serves), `/-/ready` (503 until `ready()` is
 * true) and `/metrics` (the registry in the Prometheus text format).
 */
export function addHealthRoutes(router: Router, ready: ReadinessFn, registry: Registry): void {
  router.add(['GET'], '/-/healthy', (ctx) => {
    sendText(ctx.res, 200, 'Kansoku is Healthy.\n');
  });
  router.add(['GET'], '/-/ready', (ctx) => {
    if (ready()) sendText(ctx.res, 200, 'Kansoku is Ready.\n');
    else sendText(ctx.res, 503, 'Service Unavailable\n');
  });
  router.get('/metrics', async (ctx) => {
    const text = await registry.metrics();
    sendText(ctx.res, 200, text, registry.contentType);
  });
}
