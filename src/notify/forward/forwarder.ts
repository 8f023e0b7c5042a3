/**
 * Forwards alerts to external Alertmanagers (`alerting.alertmanagers` of `prometheus.yml`), as
 * Prometheus' notifier does: external labels and `alert_relabel_configs` applied, a bounded
 * queue, batches posted to every Alertmanager's `/api/v2/alerts` concurrently with the entry's
 * TLS, proxy, redirect and OAuth2 settings, no retries (the rules resend firing alerts every
 * minute anyway).
 */
import { readFile } from 'node:fs/promises';
import type { AlertmanagerConfig, PrometheusConfig } from '../../config/index.js';
import { Labels, LabelsBuilder, relabel } from '../../model/index.js';
import { HttpClientPool, type HttpClientSettings } from '../../util/index.js';
import { deadline } from '../util/deadline.js';

/** An alert to forward. Times in ms since the epoch; 0 means unset. */
export interface ForwardAlert {
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly generatorURL: string;
}

/** Options of the forwarder. */
export interface ForwarderOptions {
  /** Most alerts queued; the oldest are dropped beyond it (Prometheus' 10 000). */
  readonly queueCapacity: number;
  /** Most alerts per request (Prometheus' 256). */
  readonly maxBatch: number;
  /** The `User-Agent` of the requests. */
  readonly userAgent: string;
  /** Reports failed sends and unsupported settings. */
  readonly warn?: (msg: string) => void;
}

/** The forwarder's defaults. */
export function defaultForwarderOptions(): ForwarderOptions {
  return { queueCapacity: 10_000, maxBatch: 256, userAgent: 'Kansoku' };
}

/** One Alertmanager set (`alertmanagers` entry) with its resolved URLs. */
interface AmSet {
  readonly cfg: AlertmanagerConfig;
  readonly urls: readonly string[];
}

/** Counters of the forwarder (for `/metrics` and tests). */
export interface ForwarderStats {
  sent: number;
  errors: number;
  dropped: number;
}

/**
 * The external-Alertmanager notifier. `apply` sets the configuration; `send` queues alerts and
 * starts a drain when none runs; `stop` waits for the running drain. Call from the event loop.
 */
export class AlertForwarder {
  private sets: AmSet[] = [];
  private relabelRules: AlertmanagerConfig['alertRelabelConfigs'] = [];
  private externalLabels = Labels.EMPTY;
  private queue: ForwardAlert[] = [];
  private draining: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly pool = new HttpClientPool();
  readonly stats: ForwarderStats = { sent: 0, errors: 0, dropped: 0 };

  constructor(private readonly options: ForwarderOptions = defaultForwarderOptions()) {}

  /** Applies `alerting` and the external labels; returns the Alertmanager URLs now in use. */
  apply(alerting: PrometheusConfig['alerting'], externalLabels: Labels): string[] {
    this.externalLabels = externalLabels;
    this.relabelRules = alerting.alertRelabelConfigs;
    this.sets = alerting.alertmanagers.map((cfg) => ({ cfg, urls: this.resolve(cfg) }));
    return this.sets.flatMap((s) => [...s.urls]);
  }

  /** Alerts waiting to be sent. */
  queueLength(): number {
    return this.queue.length;
  }

  /** The number of Alertmanager URLs in use. */
  urlCount(): number {
    return this.sets.reduce((n, s) => n + s.urls.length, 0);
  }

  /** Whether any Alertmanager is configured. */
  active(): boolean {
    return this.sets.some((s) => s.urls.length > 0);
  }

  /** Queues alerts (external labels and global alert relabeling applied) and starts sending. */
  send(alerts: readonly ForwardAlert[]): void {
    if (!this.active()) return;
    for (const a of alerts) {
      const b = new LabelsBuilder(a.labels);
      this.externalLabels.forEach((n, v) => {
        if (a.labels.get(n) === '') b.set(n, v);
      });
      const labels = relabel(b.labels(), this.relabelRules);
      if (labels === undefined || labels.size === 0) continue;
      this.queue.push({ ...a, labels });
    }
    const over = this.queue.length - this.options.queueCapacity;
    if (over > 0) {
      this.queue.splice(0, over);
      this.stats.dropped += over;
      this.options.warn?.(`alert queue full: dropped ${over} alerts`);
    }
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  /** Cancels requests in flight and waits for the drain to end; queued alerts are dropped. */
  async stop(): Promise<void> {
    this.queue = [];
    this.abort.abort();
    await this.draining;
    this.pool.close();
  }

  /** Waits until the queue is empty (tests). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.abort.signal.aborted) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      await Promise.all(this.sets.map((s) => this.sendSet(s, batch)));
    }
  }

  private async sendSet(s: AmSet, batch: readonly ForwardAlert[]): Promise<void> {
    const payload: unknown[] = [];
    for (const a of batch) {
      const labels = relabel(a.labels, s.cfg.alertRelabelConfigs);
      if (labels === undefined || labels.size === 0) continue;
      payload.push({
        labels: labels.toRecord(),
        annotations: a.annotations,
        ...(a.startsAtMs > 0 ? { startsAt: new Date(a.startsAtMs).toISOString() } : {}),
        ...(a.endsAtMs > 0 ? { endsAt: new Date(a.endsAtMs).toISOString() } : {}),
        generatorURL: a.generatorURL,
      });
    }
    if (payload.length === 0) return;
    const body = JSON.stringify(payload);
    const headers = await this.headers(s.cfg);
    await Promise.all(
      s.urls.map(async (url) => {
        const d = deadline(this.abort.signal, s.cfg.timeoutMs);
        try {
          const res = await this.pool.send(
            { url, method: 'POST', body, headers, signal: d.signal },
            clientSettings(s.cfg),
          );
          if (res.status < 200 || res.status > 299)
            throw new Error(`bad response status ${res.status}`);
          this.stats.sent += payload.length;
        } catch (e) {
          this.stats.errors++;
          this.options.warn?.(
            `cannot send ${payload.length} alerts to Alertmanager ${url}: ${(e as Error).message}`,
          );
        } finally {
          d.done();
        }
      }),
    );
  }

  /** The URLs of one `alertmanagers` entry: its static targets after `relabel_configs`. */
  private resolve(cfg: AlertmanagerConfig): string[] {
    const urls: string[] = [];
    for (const sd of cfg.sd) {
      if (sd.kind !== 'static') {
        this.options.warn?.(
          `alerting.alertmanagers: ${sd.kind}_sd_configs is not supported for Alertmanagers yet; use static_configs`,
        );
        continue;
      }
      for (const g of sd.groups) {
        for (const target of g.targets) {
          const b = new LabelsBuilder(g.labels)
            .set('__address__', target)
            .set('__scheme__', cfg.scheme)
            .set('__alerts_path__', alertsPath(cfg.pathPrefix));
          const l = relabel(b.labels(), cfg.relabelConfigs);
          if (l === undefined) continue;
          const addr = l.get('__address__');
          if (addr === '') continue;
          urls.push(`${l.get('__scheme__') || 'http'}://${addr}${l.get('__alerts_path__')}`);
        }
      }
    }
    return urls;
  }

  private async headers(cfg: AlertmanagerConfig): Promise<Record<string, string>> {
    const h: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': this.options.userAgent,
      ...cfg.http.headers,
    };
    const ba = cfg.http.basicAuth;
    if (ba !== undefined) {
      const user = ba.usernameFile === '' ? ba.username : await secretFile(ba.usernameFile);
      const pw = ba.passwordFile === '' ? ba.password : await secretFile(ba.passwordFile);
      h['authorization'] = `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
    }
    const az = cfg.http.authorization;
    if (az !== undefined) {
      const cred =
        az.credentialsFile === '' ? az.credentials : await secretFile(az.credentialsFile);
      h['authorization'] = `${az.type || 'Bearer'} ${cred}`;
    }
    return h;
  }
}

/** The transport settings of an `alertmanagers` entry (TLS, proxy, redirects, OAuth2). */
function clientSettings(cfg: AlertmanagerConfig): HttpClientSettings {
  const h = cfg.http;
  return {
    tls: h.tlsConfig,
    proxyUrl: h.proxyUrl,
    noProxy: h.noProxy,
    proxyFromEnvironment: h.proxyFromEnvironment,
    followRedirects: h.followRedirects,
    oauth2: h.oauth2,
  };
}

/** `<path_prefix>/api/v2/alerts` with exactly one slash between the parts. */
export function alertsPath(prefix: string): string {
  return `${prefix.replace(/\/+$/, '')}/api/v2/alerts`;
}

async function secretFile(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    return '';
  }
}
