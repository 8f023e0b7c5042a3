/** Adds every `/api/v1` query, metadata and status endpoint. */
import type { Router } from '../../router.js';
import type { ApiV1Deps } from './deps.js';
import { addFormatRoutes } from './format.js';
import { addExportRoutes } from './export.js';
import { addMetadataRoutes } from './metadata.js';
import { addMiscRoutes } from './misc.js';
import { addQueryRoutes } from './query.js';
import { addRuleRoutes } from './rules.js';
import { addStatusRoutes } from './status.js';
import { NO_TARGETS, addTargetRoutes } from './targets.js';

export type {
  ApiV1Deps,
  ForwardedQueryAnswer,
  HeadStats,
  QueryForwarder,
  RuntimeFacts,
} from './deps.js';
export { astToJson } from './ast-json.js';
export { NO_TARGETS, type TargetsView } from './targets.js';

/** Adds the Prometheus-compatible `/api/v1` read endpoints to the router. */
export function addApiV1Routes(router: Router, deps: ApiV1Deps): void {
  addQueryRoutes(router, deps);
  addMetadataRoutes(router, deps);
  addStatusRoutes(router, deps);
  addFormatRoutes(router);
  addTargetRoutes(router, deps.targets ?? (() => NO_TARGETS));
  addRuleRoutes(router, deps.ruleGroups ?? (() => []));
  addMiscRoutes(router, deps.configYaml ?? (() => ''));
  addExportRoutes(router, deps);
}
