/**
 * The composition root: builds every part from the flags, starts them bottom-up and stops them
 * top-down.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import { formatBytes, formatDuration, splitHostPort, type ServerFlags } from '../config/index.js';
import {
  HttpMetrics,
  HttpServer,
  buildRouter,
  defaultHttpServerOptions,
  defaultRemoteWriteOptions,
  type TsdbAdmin,
} from '../http/index.js';
import { Engine } from '../promql/index.js';
import type { Storage } from '../storage/index.js';
import type { Logger } from '../util/index.js';
import { SelfMonitor } from './selfmon.js';
import type { BuildInfo } from './version.js';
import { openStorage } from './storage.js';

/** How long shutdown waits for in-flight HTTP requests before closing their connections. */
const SHUTDOWN_GRACE_MS = 10_000;
/** Self-scrape interval: Prometheus' default scrape interval. */
const SELF_SCRAPE_INTERVAL_MS = 15_000;

/** One running Kansoku server. */
export class Kansoku {
  readonly registry = new Registry();
  private storage: Storage | undefined;
  private admin: TsdbAdmin | undefined;
  private http: HttpServer | undefined;
  private selfmon: SelfMonitor | undefined;
  private ready = false;
  private readonly engine: Engine;
  private readonly startTime = new Date();
  /** The address the server listens on, as `host:port` (known after `start()`). */
  listenAddress = '';

  constructor(
    private readonly flags: ServerFlags,
    private readonly logger: Logger,
    private readonly build: BuildInfo,
  ) {
    collectDefaultMetrics({ register: this.registry });
    this.engine = new Engine({
      lookbackDeltaMs: flags.lookbackDeltaMs,
      timeoutMs: flags.queryTimeoutMs,
      maxSamples: flags.queryMaxSamples,
      maxConcurrent: flags.queryMaxConcurrency,
    });
  }

  /**
   * Starts everything. The HTTP listener opens first so that `/-/healthy` answers and
   * `/-/ready` says 503 while the storage replays its write-ahead log; endpoints that need the
   * storage answer 503 until it is open. Then storage, then the loops that write into it.
   */
  async start(): Promise<void> {
    const { host, port } = splitHostPort(this.flags.listenAddress);
    const router = buildRouter({
      logger: this.logger.child({ component: 'web' }),
      registry: this.registry,
      ready: () => this.ready,
      storage: () => (this.ready ? this.storage : undefined),
      admin: {
        enabled: this.flags.enableAdminApi,
        admin: () => (this.ready ? this.admin : undefined),
      },
      remoteWrite: { ...defaultRemoteWriteOptions(), maxBodyBytes: this.flags.remoteWriteMaxBytes },
      apiV1: {
        engine: this.engine,
        buildInfo: { ...this.build },
        flags: this.flags.asText,
        runtime: () => ({
          startTime: this.startTime,
          reloadConfigSuccess: true,
          lastConfigTime: this.startTime,
          corruptionCount: 0,
          storageRetention: retentionText(this.flags),
        }),
        queryTimeoutMs: this.flags.queryTimeoutMs,
      },
    });
    const webLogger = this.logger.child({ component: 'web' });
    this.http = new HttpServer(
      defaultHttpServerOptions(router, webLogger, new HttpMetrics(this.registry)),
    );
    const addr = await this.http.listen(host, port);
    this.listenAddress =
      addr.family === 'IPv6' ? `[${addr.address}]:${addr.port}` : `${addr.address}:${addr.port}`;
    this.logger.info('listening', { address: this.listenAddress });

    const t0 = performance.now();
    const opened = await openStorage(this.flags, this.logger.child({ component: 'tsdb' }));
    this.storage = opened.storage;
    this.admin = opened.admin;
    this.logger.info('storage opened', {
      path: this.flags.tsdbPath,
      duration_ms: Math.round(performance.now() - t0),
    });

    this.selfmon = new SelfMonitor(
      this.registry,
      opened.storage,
      { intervalMs: SELF_SCRAPE_INTERVAL_MS, job: 'kansoku', instance: this.listenAddress },
      this.logger.child({ component: 'selfmon' }),
    );
    this.selfmon.start();
    this.ready = true;
    this.logger.info('server is ready to receive requests');
  }

  /** Stops everything top-down: HTTP (draining in-flight requests), loops, then storage. */
  async stop(): Promise<void> {
    this.ready = false;
    if (this.http) {
      const drained = await this.http.close(SHUTDOWN_GRACE_MS);
      if (!drained)
        this.logger.warn('closed connections with requests still in flight', {
          grace_ms: SHUTDOWN_GRACE_MS,
        });
      this.http = undefined;
    }
    if (this.selfmon) {
      await this.selfmon.stop();
      this.selfmon = undefined;
    }
    if (this.storage) {
      await this.storage.close();
      this.storage = undefined;
      this.logger.info('storage closed');
    }
    this.registry.clear();
  }
}

/** Retention as runtimeinfo shows it: `15d`, `512MB`, `15d or 512MB`, or `unlimited`. */
function retentionText(flags: ServerFlags): string {
  const parts: string[] = [];
  if (flags.retentionTimeMs > 0) parts.push(formatDuration(flags.retentionTimeMs));
  if (flags.retentionSizeBytes > 0) parts.push(formatBytes(flags.retentionSizeBytes));
  return parts.length === 0 ? 'unlimited' : parts.join(' or ');
}
