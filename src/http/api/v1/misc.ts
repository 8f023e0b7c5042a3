/**
 * Endpoints Prometheus clients (Grafana, the Prometheus UI) call that have nothing to show yet
 * in Kansoku, answered with correct empty results instead of 404 so those clients keep working:
 * exemplars and Alertmanagers. Also `/api/v1/status/config`.
 */
import { formParams } from '../../form.js';
import { BadParamError } from '../../params.js';
import { sendSuccess } from '../../respond.js';
import type { Router } from '../../router.js';

/** Adds the endpoints; `configYaml` returns the configuration text shown by `status/config`. */
export function addMiscRoutes(router: Router, configYaml: () => string): void {
  router.add(['GET', 'POST'], '/api/v1/query_exemplars', async (ctx) => {
    const p = await formParams(ctx);
    const q = p.get('query');
    if (q === null || q === '') throw new BadParamError('invalid parameter "query": missing value');
    // Exemplars are not stored (remote write drops them and counts them), so none match.
    sendSuccess(ctx.res, []);
  });
  router.get('/api/v1/alertmanagers', (ctx) => {
    sendSuccess(ctx.res, { activeAlertmanagers: [], droppedAlertmanagers: [] });
  });
  router.get('/api/v1/status/config', (ctx) => {
    sendSuccess(ctx.res, { yaml: configYaml() });
  });
}
