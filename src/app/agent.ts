/**
 * `kansoku agent`: scraping and store-and-forward remote write, with no storage engine, query
 * engine or UI. Samples go to a disk-backed queue per `remote_write` destination first, so the
 * backlog survives receiver outages and agent restarts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { RemoteWriteQueue, defaultRemoteWriteOptions } from '../backends/remotewrite/index.js';
import {
  loadPrometheusConfigFile,
  parsePrometheusConfig,
  splitHostPort,
  type AgentFlags,
  type PrometheusConfig,
  type RemoteWriteConfig,
} from '../config/index.js';
import {
  HttpMetrics,
  HttpServer,
  Router,
  addHealthRoutes,
  defaultHttpServerOptions,
  sendJson,
} from '../http/index.js';
import type { Labels } from '../model/index.js';
import { ScrapeManager } from '../scrape/index.js';
import type { Appendable, Appender, SeriesRef } from '../storage/index.js';
import { Logger } from '../util/index.js';
import type { BuildInfo } from './version.js';

/** The prometheus.yml the agent uses when started with flags only. */
export function agentDefaultConfig(listen: string, flags: AgentFlags): string {
  const auth =
    flags.remoteWriteTokenFile !== undefined
      ? `\n    authorization:\n      type: ${JSON.stringify(flags.remoteWriteTokenType)}\n      credentials_file: ${JSON.stringify(flags.remoteWriteTokenFile)}`
      : '';
  return `scrape_configs:
  - job_name: kansoku-agent
    scrape_interval: 15s
    static_configs:
      - targets: [${JSON.stringify(listen)}]
remote_write:
  - url: ${JSON.stringify(flags.remoteWriteUrl ?? '')}${auth}
`;
}

/** Appends to every queue (the agent's only "storage"). */
class FanoutAppendable implements Appendable {
  constructor(private readonly targets: () => readonly Appendable[]) {}
  appender(): Appender {
    const apps = this.targets().map((t) => t.appender());
    return {
      append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
        for (const a of apps) a.append(0, labels, t, v);
        return ref;
      },
      async commit(): Promise<void> {
        await Promise.all(apps.map((a) => a.commit()));
      },
      async rollback(): Promise<void> {
        await Promise.all(apps.map((a) => a.rollback()));
      },
    };
  }
}

/** A running agent. */
export class Agent {
  private queues = new Map<string, RemoteWriteQueue>();
  private scrape: ScrapeManager | undefined;
  private http: HttpServer | undefined;
  private ready = false;
  private listen = '';
  readonly registry = new Registry();

  constructor(
    private readonly flags: AgentFlags,
    private readonly info: BuildInfo,
    private readonly logger: Logger,
  ) {}

  /** Starts HTTP, the queues and scraping. */
  async start(): Promise<void> {
    collectDefaultMetrics({ register: this.registry });
    this.registerQueueMetrics();
    const router = new Router();
    addHealthRoutes(router, () => this.ready, this.registry);
    router.get('/api/v1/status/remote-write', (ctx) => {
      const data = [...this.queues.entries()].map(([name, q]) => ({
        name,
        url: q.opts.url,
        ...q.stats(),
      }));
      sendJson(ctx.res, 200, { status: 'success', data });
    });
    router.post('/-/reload', (ctx) => {
      const ok = this.reload();
      sendJson(
        ctx.res,
        ok ? 200 : 500,
        ok ? { status: 'success' } : { status: 'error', error: 'reload failed; see the log' },
      );
    });
    this.http = new HttpServer(
      defaultHttpServerOptions(
        router,
        this.logger.child({ component: 'web' }),
        new HttpMetrics(this.registry),
      ),
    );
    const hp = splitHostPort(this.flags.listenAddress);
    const addr = await this.http.listen(hp.host, hp.port);
    this.listen =
      addr.family === 'IPv6' ? `[${addr.address}]:${addr.port}` : `${addr.address}:${addr.port}`;
    this.logger.info('agent listening', { address: this.listen });
    const cfg = this.loadConfig();
    this.applyRemoteWrite(cfg.remoteWrite, cfg);
    this.scrape = new ScrapeManager({
      appendable: new FanoutAppendable(() => [...this.queues.values()]),
      logger: this.logger.child({ component: 'scrape' }),
      userAgent: `Kansoku-agent/${this.info.version}`,
    });
    this.scrape.applyConfig(cfg);
    this.ready = true;
    this.logger.info('agent is ready', {
      remote_writes: this.queues.size,
      scrape_configs: cfg.scrapeConfigs.length,
    });
  }

  private loadConfig(): PrometheusConfig {
    if (this.flags.configFile !== undefined)
      return loadPrometheusConfigFile(this.flags.configFile, { agentMode: true });
    return parsePrometheusConfig(agentDefaultConfig(this.listen, this.flags), { agentMode: true });
  }

  private applyRemoteWrite(list: readonly RemoteWriteConfig[], cfg: PrometheusConfig): void {
    const next = new Map<string, RemoteWriteConfig>();
    list.forEach((rw, i) =>
      next.set(rw.name !== '' ? rw.name : `queue-${i}-${hashUrl(rw.url)}`, rw),
    );
    for (const [name, q] of this.queues) {
      if (!next.has(name)) {
        void q.stop();
        this.queues.delete(name);
      }
    }
    for (const [name, rw] of next) {
      if (this.queues.has(name)) continue;
      const base = defaultRemoteWriteOptions(
        rw.url,
        path.join(this.flags.agentPath, 'queues', name),
        this.logger.child({ component: 'remote_write', queue: name }),
      );
      const q = new RemoteWriteQueue({
        ...base,
        budgetBytes: this.flags.queueBudgetBytes,
        maxSamplesPerSend: rw.queueConfig.maxSamplesPerSend,
        batchSendDeadlineMs: rw.queueConfig.batchSendDeadlineMs,
        minBackoffMs: rw.queueConfig.minBackoffMs,
        maxBackoffMs: rw.queueConfig.maxBackoffMs,
        retryOnHttp429: rw.queueConfig.retryOnHttp429,
        remoteTimeoutMs: rw.remoteTimeoutMs,
        headers: rw.http.headers,
        ...(rw.http.authorization ? { authorization: rw.http.authorization } : {}),
        ...(rw.http.basicAuth
          ? {
              basicAuth: {
                username:
                  rw.http.basicAuth.usernameFile !== ''
                    ? readFileSync(rw.http.basicAuth.usernameFile, 'utf8').trim()
                    : rw.http.basicAuth.username,
                password: rw.http.basicAuth.password,
                passwordFile: rw.http.basicAuth.passwordFile,
              },
            }
          : {}),
        externalLabels: cfg.global.externalLabels,
        writeRelabel: rw.writeRelabelConfigs,
      });
      q.start();
      this.queues.set(name, q);
    }
  }

  private registerQueueMetrics(): void {
    const gauge = (
      name: string,
      help: string,
      pick: (s: ReturnType<RemoteWriteQueue['stats']>) => number,
    ): void => {
      const agent = this.queues;
      new Gauge({
        name,
        help,
        labelNames: ['queue'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const [q, queue] of agent) this.set({ queue: q }, pick(queue.stats()));
        },
      });
    };
    gauge(
      'kansoku_remote_write_pending_samples',
      'Samples queued on disk and not yet acknowledged by the receiver.',
      (s) => s.pendingSamples,
    );
    gauge(
      'kansoku_remote_write_pending_bytes',
      'Bytes of the on-disk queue.',
      (s) => s.pendingBytes,
    );
    gauge(
      'kansoku_remote_write_oldest_pending_age_seconds',
      'Age of the oldest unsent batch.',
      (s) => s.oldestPendingAgeMs / 1000,
    );
    gauge(
      'kansoku_remote_write_sent_samples',
      'Samples acknowledged by the receiver since start.',
      (s) => s.sentSamples,
    );
    gauge(
      'kansoku_remote_write_failed_samples',
      'Samples the receiver rejected for good since start.',
      (s) => s.failedSamples,
    );
    gauge(
      'kansoku_remote_write_dropped_samples',
      'Samples dropped because the queue exceeded its disk budget (--storage.agent.retention.size).',
      (s) => s.droppedSamples,
    );
    gauge('kansoku_remote_write_retries', 'Send attempts retried since start.', (s) => s.retries);
  }

  /** Re-reads the configuration; a bad file is logged and the old one kept. */
  reload(): boolean {
    try {
      const cfg = this.loadConfig();
      this.applyRemoteWrite(cfg.remoteWrite, cfg);
      this.scrape?.applyConfig(cfg);
      this.logger.info('configuration reloaded');
      return true;
    } catch (e) {
      this.logger.error('cannot reload configuration', { err: e });
      return false;
    }
  }

  /** Stops scraping, then the queues (their backlog stays on disk), then HTTP. */
  async stop(): Promise<void> {
    this.ready = false;
    await this.scrape?.stop();
    await Promise.all([...this.queues.values()].map((q) => q.stop()));
    await this.http?.close(5000);
  }
}

function hashUrl(url: string): string {
  let h = 2166136261;
  for (let i = 0; i < url.length; i++) h = Math.imul(h ^ url.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16);
}

/** Runs the agent until SIGTERM/SIGINT; resolves with the exit code. */
export async function runAgent(flags: AgentFlags, info: BuildInfo): Promise<number> {
  const logger = new Logger({
    level: flags.logLevel,
    format: flags.logFormat,
    sink: process.stderr,
  });
  const agent = new Agent(flags, info, logger);
  try {
    await agent.start();
  } catch (e) {
    logger.error('cannot start the agent', { err: e });
    await agent.stop().catch(() => undefined);
    return 1;
  }
  process.on('SIGHUP', () => agent.reload());
  await new Promise<void>((resolve) => {
    const done = (): void => {
      resolve();
    };
    process.once('SIGTERM', done);
    process.once('SIGINT', done);
  });
  logger.info('stopping the agent');
  await agent.stop();
  return 0;
}
