/** Assembles every route of the HTTP server from the program's parts. */
import type { Registry } from 'prom-client';
import type { AuthService } from '../auth/index.js';
import type { IngestPipeline, PushStore } from '../ingest/index.js';
import type { MetaStore } from '../meta/index.js';
import type { Storage } from '../storage/index.js';
import type { Logger } from '../util/index.js';
import { addAdminRoutes, type AdminDeps } from './admin.js';
import { addBackupRoute, type BackupRouteDeps } from './admin-backup.js';
import { AuthGuard, addAuthRoutes, localWhenRestricted, restrictedStorage } from './auth/index.js';
import { addAlertmanagerRoutes, type AlertmanagerApiDeps } from './alertmanager/v2.js';
import { addApiV1Routes, type ApiV1Deps } from './api/v1/index.js';
import { addDashboardRoutes, type DashboardService } from './dashboards/index.js';
import {
  addHealthRoutes,
  addLifecycleRoutes,
  type LifecycleDeps,
  type ReadinessFn,
} from './health.js';
import { addRemoteReadRoute } from './read/remote-read.js';
import { Router } from './router.js';
import { addUiRoutes, defaultUiDir } from './ui/index.js';
import { IngestCounters, RemoteWriteMetrics } from './write/metrics.js';
import { addPushRoutes } from './write/push.js';
import { addPushgatewayRoutes } from './write/pushgateway.js';
import { addOTLPRoute } from './write/otlp.js';
import { RemoteWriteHandler, type RemoteWriteOptions } from './write/remote-write.js';

/** What the HTTP routes need from the rest of the program; built by the composition root. */
export interface HttpDeps {
  readonly logger: Logger;
  /** The registry served on `/metrics`; HTTP and ingestion metrics are registered on it. */
  readonly registry: Registry;
  /** Whether the storage is open and replayed (`/-/ready`). */
  readonly ready: ReadinessFn;
  /** `/-/reload` and `/-/quit` (absent: they answer 403, `--no-web.enable-lifecycle`). */
  readonly lifecycle?: LifecycleDeps;
  /** The storage once open, undefined before (endpoints that need it answer 503). */
  readonly storage: () => Storage | undefined;
  /** The ingest pipeline for push formats once storage is open, undefined before. */
  readonly pipeline: () => IngestPipeline | undefined;
  /** The Pushgateway-compatible push store once storage is open (none: pushes answer 503). */
  readonly pushStore?: () => PushStore | undefined;
  /** The metadata store (dashboards, users, tokens, share links). */
  readonly meta: MetaStore;
  readonly admin: AdminDeps;
  /** Online backups (absent: no backup route). */
  readonly backup?: BackupRouteDeps;
  readonly remoteWrite: RemoteWriteOptions;
  /** The built-in Alertmanager's API (absent: no `/api/v2` routes). */
  readonly alertmanager?: AlertmanagerApiDeps;
  /** The built web UI (default `<project root>/ui/dist`). */
  readonly uiDir?: string;
  /** Dashboards and folders (absent: no dashboard, folder or cardinality routes). */
  readonly dashboards?: DashboardService;
  /** Authentication and authorization; absent: every request is allowed (loopback default). */
  readonly auth?: AuthService;
  /** The query, metadata and status endpoints' needs (the same `storage` function as above). */
  readonly apiV1: Omit<ApiV1Deps, 'storage'>;
}

/** Builds the router with every endpoint implemented so far. */
export function buildRouter(deps: HttpDeps): Router {
  const router = new Router();
  const guard = deps.auth
    ? new AuthGuard(deps.auth, deps.logger.child({ component: 'auth' }))
    : undefined;
  router.guard = guard;
  // Reads of tokens limited to label matchers see only the matching series.
  const storage = guard ? restrictedStorage(deps.storage, () => guard.principal()) : deps.storage;
  // … and their queries are never pushed down to a remote engine, which would bypass that.
  const forwarder = deps.apiV1.queryForwarder;
  const apiV1 =
    guard && forwarder
      ? { ...deps.apiV1, queryForwarder: localWhenRestricted(forwarder, () => guard.principal()) }
      : deps.apiV1;
  addHealthRoutes(router, deps.ready, deps.registry);
  addLifecycleRoutes(router, deps.lifecycle);
  const counters = new IngestCounters(deps.registry);
  const rw = new RemoteWriteHandler(
    deps.pipeline,
    deps.remoteWrite,
    new RemoteWriteMetrics(deps.registry, counters),
    deps.logger.child({ component: 'remote_write' }),
  );
  router.post('/api/v1/write', rw.handle);
  addPushRoutes(router, {
    pipeline: deps.pipeline,
    maxBodyBytes: deps.remoteWrite.maxBodyBytes,
    maxBodySetting: deps.remoteWrite.maxBodySetting,
    counters,
  });
  addOTLPRoute(router, {
    pipeline: deps.pipeline,
    maxBodyBytes: deps.remoteWrite.maxBodyBytes,
    maxBodySetting: deps.remoteWrite.maxBodySetting,
    counters,
    options: { lookbackDeltaMs: deps.apiV1.engine.opts.lookbackDeltaMs },
  });
  addPushgatewayRoutes(router, {
    store: deps.pushStore ?? (() => undefined),
    maxBodyBytes: deps.remoteWrite.maxBodyBytes,
    maxBodySetting: deps.remoteWrite.maxBodySetting,
  });
  addRemoteReadRoute(router, {
    storage,
    maxBodyBytes: deps.remoteWrite.maxBodyBytes,
    maxSamples: deps.apiV1.engine.opts.maxSamples,
  });
  addAdminRoutes(router, deps.admin);
  if (deps.backup) addBackupRoute(router, deps.backup);
  addApiV1Routes(router, { ...apiV1, storage });
  if (deps.alertmanager) addAlertmanagerRoutes(router, deps.alertmanager);
  addAuthRoutes(router, guard, deps.dashboards);
  if (deps.dashboards)
    addDashboardRoutes(router, deps.dashboards, { ...apiV1, storage }, () => guard?.principal());
  addUiRoutes(router, deps.uiDir ?? defaultUiDir());
  return router;
}
