/** The dashboard, folder and cardinality endpoints, Kansoku's own and Grafana-compatible. */
import type { DashboardService } from '../../dashboards/index.js';
import type { ApiV1Deps } from '../api/v1/index.js';
import type { Router } from '../router.js';
import { addCardinalityRoute } from './cardinality.js';
import { addGrafanaDashboardRoutes } from './grafana-api.js';
import { addDashboardApiRoutes } from './routes.js';

export { addDashboardApiRoutes } from './routes.js';
export { addGrafanaDashboardRoutes, numericId } from './grafana-api.js';
/** Re-exported so the route assembly needs one import. */
export type { DashboardService };

/**
 * Adds every dashboard route: Kansoku's API, the Grafana-compatible aliases and the cardinality
 * explorer (which reads series through `api.storage` and rules through `api.ruleGroups`).
 */
export function addDashboardRoutes(router: Router, svc: DashboardService, api: ApiV1Deps): void {
  addDashboardApiRoutes(router, svc);
  addGrafanaDashboardRoutes(router, svc);
  addCardinalityRoute(router, svc, api);
}
