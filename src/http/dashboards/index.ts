/** The dashboard, folder and cardinality endpoints, Kansoku's own and Grafana-compatible. */
import type { Principal } from '../../auth/index.js';
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
export function addDashboardRoutes(
  router: Router,
  svc: DashboardService,
  api: ApiV1Deps,
  principal: () => Principal | undefined = () => undefined,
): void {
  const author = (): string => authorOf(principal());
  addDashboardApiRoutes(router, svc, author);
  addGrafanaDashboardRoutes(router, svc, author);
  addCardinalityRoute(router, svc, api);
}

/** The name recorded as a version's author: the user, or the user owning the API token. */
export function authorOf(p: Principal | undefined): string {
  if (!p) return '';
  switch (p.kind) {
    case 'session':
      return p.user;
    case 'token':
      return p.user !== '' ? p.user : `token ${p.tokenId}`;
    case 'share':
    case 'anonymous':
      return '';
  }
}
