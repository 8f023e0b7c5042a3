/**
 * Test support: a server with every route on an OS-assigned loopback port, over a given storage,
 * with defaults for everything else. Used by this area's tests only.
 */
import { Registry } from 'prom-client';
import { IngestPipeline } from '../ingest/index.js';
import { MemMetaStore } from '../meta/index.js';
import { Engine } from '../promql/index.js';
import type { Storage } from '../storage/index.js';
import { Logger } from '../util/index.js';
import { HttpMetrics } from './metrics.js';
import { buildRouter, type HttpDeps } from './routes.js';
import { HttpServer, defaultHttpServerOptions } from './server.js';
import { defaultRemoteWriteOptions } from './write/remote-write.js';

/** A running test server. */
export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  readonly registry: Registry;
  /** Closes the server (not the storage). */
  close(): Promise<void>;
}

/** Starts a server over `storage`; `overrides` replace any dependency. */
export async function startTestServer(
  storage: Storage,
  overrides: Partial<HttpDeps> = {},
): Promise<TestServer> {
  const registry = overrides.registry ?? new Registry();
  const pipeline = new IngestPipeline(storage);
  const deps: HttpDeps = {
    logger: Logger.nop(),
    registry,
    ready: () => true,
    storage: () => storage,
    pipeline: () => pipeline,
    admin: { enabled: true, admin: () => undefined },
    remoteWrite: defaultRemoteWriteOptions(),
    apiV1: {
      engine: new Engine(),
      buildInfo: {},
      flags: {},
      runtime: () => ({
        startTime: new Date(0),
        reloadConfigSuccess: true,
        lastConfigTime: new Date(0),
        corruptionCount: 0,
        storageRetention: '15d',
      }),
      queryTimeoutMs: 5000,
    },
    ...overrides,
    meta: overrides.meta ?? new MemMetaStore(),
  };
  const server = new HttpServer(
    defaultHttpServerOptions(buildRouter(deps), Logger.nop(), new HttpMetrics(registry)),
  );
  const addr = await server.listen('127.0.0.1', 0);
  return {
    base: `http://127.0.0.1:${addr.port}`,
    registry,
    close: async () => {
      await server.close(1000);
    },
  };
}
