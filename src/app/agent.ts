/**
 * `kansoku agent`: scraping and store-and-forward remote write, with no storage engine, query
 * engine or UI. Samples go to a disk-backed queue per `remote_write` destination first, so the
 * backlog survives receiver outages and agent restarts.
 */
import path from 'node:path';
import { Registry, collectDefaultMetrics } from 'prom-client';
import {
  loadPrometheusConfigFile,
  parsePrometheusConfig,
  splitHostPort,
  type AgentFlags,
  type PrometheusConfig,
} from '../config/index.js';
import {
  HttpMetrics,
  HttpServer,
  Router,
  defaultHttpServerOptions,
  sendJson,
  sendText,
} from '../http/core/index.js';
import { HostCollector, defaultHostMetricsOptions } from '../host/index.js';
import { ScrapeManager } from '../scrape/index.js';
import { usePortableSnappy, type SeriesMetadataV2 } from '../parsers/index.js';
import { Logger } from '../util/index.js';
import { MemoryBudget, processMemory } from './budget.js';
import { RemoteWriteSet, TeeAppendable } from './remotewrite.js';
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

/** A running agent. */
export class Agent {
  private readonly rw: RemoteWriteSet;
  private readonly host: HostCollector;
  private scrape: ScrapeManager | undefined;
  private http: HttpServer | undefined;
  private ready = false;
  private listen = '';
  readonly registry = new Registry();
  /** No budget: only collects garbage when idle after the heap grew by 8 MiB. */
  private readonly memory: MemoryBudget;

  constructor(
    private readonly flags: AgentFlags,
    private readonly info: BuildInfo,
    private readonly logger: Logger,
  ) {
    this.memory = new MemoryBudget(
      {
        budgetBytes: 0,
        intervalMs: 1000,
        sample: processMemory,
        idleMinGrowthBytes: 8 * 1048576,
      },
      logger.child({ component: 'memory' }),
    );
    this.rw = new RemoteWriteSet(
      path.join(flags.agentPath, 'queues'),
      flags.queueBudgetBytes,
      logger,
      (name) => this.metadataOf(name),
      `Kansoku-agent/${info.version}`,
    );
    this.host = new HostCollector(
      {
        ...defaultHostMetricsOptions(),
        ...(flags.textfileDirectory !== undefined
          ? { textfileDirectory: flags.textfileDirectory }
          : {}),
      },
      logger.child({ component: 'host' }),
    );
  }

  private metadataCache = new Map<string, SeriesMetadataV2>();
  private metadataAt = 0;

  /** Metadata of a metric family from the targets' last scrapes (refreshed every 10 s). */
  private metadataOf(name: string): SeriesMetadataV2 | undefined {
    const now = Date.now();
    if (now - this.metadataAt > 10_000 && this.scrape) {
      const next = new Map<string, SeriesMetadataV2>();
      for (const t of this.scrape.activeTargets())
        for (const [family, m] of t.metadata) if (!next.has(family)) next.set(family, m);
      this.metadataCache = next;
      this.metadataAt = now;
    }
    return this.metadataCache.get(name);
  }

  /** The address the agent listens on (`host:port`), once started. */
  get address(): string {
    return this.listen;
  }

  /** Starts HTTP, the queues and scraping. */
  async start(): Promise<void> {
    collectDefaultMetrics({ register: this.registry });
    // Garbage of the scrape rounds is collected while the agent waits for the next one.
    this.memory.start();
    this.rw.registerMetrics(this.registry);
    const router = new Router();
    // /metrics serves the agent's own metrics and the host's, like node_exporter does.
    router.get('/-/healthy', (ctx) => {
      sendText(ctx.res, 200, 'Kansoku agent is Healthy.\n');
    });
    router.get('/-/ready', (ctx) => {
      sendText(
        ctx.res,
        this.ready ? 200 : 503,
        this.ready ? 'Kansoku agent is Ready.\n' : 'Service Unavailable\n',
      );
    });
    router.get('/metrics', async (ctx) => {
      const own = await this.registry.metrics();
      const host = this.flags.hostMetrics ? await this.host.collect() : '';
      sendText(ctx.res, 200, own + host, 'text/plain; version=0.0.4; charset=utf-8');
    });
    router.get('/api/v1/status/remote-write', (ctx) => {
      sendJson(ctx.res, 200, { status: 'success', data: this.rw.status() });
    });
    router.get('/', (ctx) => {
      sendText(
        ctx.res,
        200,
        statusPage(this.rw.status(), this.info.version),
        'text/html; charset=utf-8',
      );
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
    this.rw.apply(cfg.remoteWrite, cfg.global.externalLabels);
    this.scrape = new ScrapeManager({
      appendable: new TeeAppendable(undefined, this.rw, this.logger),
      logger: this.logger.child({ component: 'scrape' }),
      userAgent: `Kansoku-agent/${this.info.version}`,
    });
    this.scrape.applyConfig(cfg);
    this.ready = true;
    this.logger.info('agent is ready', {
      remote_writes: this.rw.queues.size,
      scrape_configs: cfg.scrapeConfigs.length,
    });
  }

  private loadConfig(): PrometheusConfig {
    if (this.flags.configFile !== undefined)
      return loadPrometheusConfigFile(this.flags.configFile, { agentMode: true });
    return parsePrometheusConfig(agentDefaultConfig(this.listen, this.flags), { agentMode: true });
  }

  /** Re-reads the configuration; a bad file is logged and the old one kept. */
  reload(): boolean {
    try {
      const cfg = this.loadConfig();
      this.rw.apply(cfg.remoteWrite, cfg.global.externalLabels);
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
    this.memory.stop();
    await this.scrape?.stop();
    await this.rw.stop();
    await this.http?.close(5000);
  }
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
};

/** The agent's status page: one row per remote-write queue. */
export function statusPage(queues: readonly object[], version: string): string {
  const esc = (v: unknown): string => String(v).replace(/[&<>"]/g, (c) => HTML_ESCAPES[c] ?? c);
  const cols: [string, string][] = [
    ['name', 'queue'],
    ['url', 'url'],
    ['protocol', 'protocol'],
    ['pendingSamples', 'pending samples'],
    ['pendingBytes', 'pending bytes'],
    ['oldestPendingAgeMs', 'oldest pending (ms)'],
    ['sentSamples', 'sent'],
    ['failedSamples', 'failed'],
    ['droppedSamples', 'dropped'],
    ['retries', 'retries'],
    ['lastError', 'last error'],
  ];
  const head = cols.map(([, t]) => `<th>${t}</th>`).join('');
  const rows = queues
    .map((q) => {
      const rec = new Map<string, unknown>(Object.entries(q));
      return `<tr>${cols.map(([k]) => `<td>${esc(rec.get(k) ?? '')}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Kansoku agent</title>
<style>body{font:14px sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}</style>
</head><body><h1>Kansoku agent ${esc(version)}</h1>
<h2>Remote write queues</h2>
<table><tr>${head}</tr>
${rows}
</table>
<p><a href="/metrics">/metrics</a> · <a href="/api/v1/status/remote-write">/api/v1/status/remote-write</a></p>
</body></html>
`;
}

/** Runs the agent until SIGTERM/SIGINT; resolves with the exit code. */
export async function runAgent(flags: AgentFlags, info: BuildInfo): Promise<number> {
  // The agent's volume is small: JavaScript snappy keeps the native module out of memory.
  usePortableSnappy();
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
