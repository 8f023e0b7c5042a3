/** Liveness, readiness and self-metrics endpoints. */
import type { Registry } from 'prom-client';
import { sendText } from './respond.js';
import type { Router } from './router.js';

/** What `/-/reload` and `/-/quit` do. */
export interface LifecycleDeps {
  /** Re-reads the configuration; resolves with the error text, or undefined on success. */
  reload(): Promise<string | undefined>;
  /** Starts a graceful shutdown. */
  quit(): void;
}

/**
 * Adds Prometheus' lifecycle endpoints, PUT or POST `/-/reload` and `/-/quit`. Without `deps`
 * (disabled by flag) they answer 403 as Prometheus does.
 */
export function addLifecycleRoutes(router: Router, deps: LifecycleDeps | undefined): void {
  router.add(['PUT', 'POST'], '/-/reload', async (ctx) => {
    if (deps === undefined) {
      sendText(ctx.res, 403, 'Lifecycle API is not enabled.\n');
      return;
    }
    const err = await deps.reload();
    if (err === undefined) sendText(ctx.res, 200, '');
    else sendText(ctx.res, 500, `failed to reload config: ${err}\n`);
  });
  router.add(['PUT', 'POST'], '/-/quit', (ctx) => {
    if (deps === undefined) {
      sendText(ctx.res, 403, 'Lifecycle API is not enabled.\n');
      return;
    }
    sendText(ctx.res, 200, 'Requesting termination... Goodbye!\n');
    ctx.res.on('finish', () => {
      deps.quit();
    });
  });
}

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
