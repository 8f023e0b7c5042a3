import {
  DuplicateSampleError,
  Labels,
  LabelsBuilder,
  OutOfBoundsError,
  STALE_NAN,
} from '../model/index.js';
import type { Logger } from '../util/index.js';
import type { Appendable, Appender, SeriesRef } from '../storage/index.js';
import type { ScrapeConfig, ScrapeProtocol } from '../config/index.js';
import {
  ExpositionError,
  formatFromContentType,
  newExpositionParser,
  type MetricType,
} from '../parsers/index.js';
import type { HTTPClient } from './client.js';
import { sampleLabels } from './labels.js';
import type { Target } from './targets.js';

/** Metadata of one metric family, as exposed by a target. */
export interface MetricMetadata {
  readonly type: MetricType;
  readonly help: string;
  readonly unit: string;
}

/** Health of a target, as on Prometheus' targets page. */
export type TargetHealth = 'up' | 'down' | 'unknown';

interface CacheEntry {
  ref: SeriesRef;
  /** Final labels, or undefined when relabeling drops the series. */
  readonly labels: Labels | undefined;
  lastIter: number;
  /** Whether the series carried its own timestamp (no staleness tracking then). */
  explicitTs: boolean;
}

/** Cache entries unseen for this many scrapes are forgotten. */
const CACHE_KEEP_ITERATIONS = 10;

const ACCEPT: Record<ScrapeProtocol, string> = {
  'OpenMetricsText1.0.0': 'application/openmetrics-text;version=1.0.0',
  'OpenMetricsText0.0.1': 'application/openmetrics-text;version=0.0.1',
  'PrometheusText1.0.0': 'text/plain;version=1.0.0',
  'PrometheusText0.0.4': 'text/plain;version=0.0.4',
  PrometheusProto:
    'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited',
};

/** Builds the Accept header for the configured protocols (Kansoku parses the text formats). */
export function acceptHeader(protocols: readonly ScrapeProtocol[]): string {
  const usable = protocols.filter((p) => p !== 'PrometheusProto');
  const parts = usable.map((p, i) => `${ACCEPT[p]};q=${(0.5 - i * 0.1).toFixed(1)}`);
  parts.push('*/*;q=0.1');
  return parts.join(',');
}

/** Dependencies of a scrape loop. */
export interface ScrapeLoopDeps {
  readonly appendable: Appendable;
  readonly client: HTTPClient;
  readonly logger: Logger;
  readonly userAgent: string;
  /** Clock in ms; replaceable in tests. */
  readonly now?: () => number;
}

/**
 * Scrapes one target on its interval: fetch, parse, label, append, report, staleness. The
 * series cache maps each series' text as written by the target to its storage reference and
 * final labels, so a known series costs a map lookup and an append — no label parsing.
 */
export class ScrapeLoop {
  health: TargetHealth = 'unknown';
  lastError = '';
  lastScrape = 0;
  lastDurationMs = 0;
  lastSamples = 0;
  readonly metadata = new Map<string, MetricMetadata>();

  private readonly cache = new Map<string, CacheEntry>();
  private prevSeen = new Set<CacheEntry>();
  private iter = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly reportLabels: Record<string, Labels> = {};
  private readonly reportRefs: Record<string, SeriesRef> = {};
  private readonly accept: string;
  private readonly now: () => number;

  constructor(
    readonly target: Target,
    private readonly cfg: ScrapeConfig,
    private readonly deps: ScrapeLoopDeps,
  ) {
    this.accept = acceptHeader(cfg.scrapeProtocols);
    this.now = deps.now ?? Date.now;
  }

  /** Starts scraping after `offsetMs`, then every interval. */
  start(offsetMs: number): void {
    const interval = this.target.intervalMs;
    let next = this.now() + offsetMs;
    const tick = (): void => {
      if (this.stopped) return;
      const at = next;
      next += interval;
      // Skip missed ticks after a stall instead of scraping in a burst.
      while (next <= this.now()) next += interval;
      this.running = this.scrapeOnce(at).finally(() => {
        this.running = undefined;
      });
      this.timer = setTimeout(tick, Math.max(0, next - this.now()));
    };
    this.timer = setTimeout(tick, Math.max(0, offsetMs));
  }

  /**
   * Stops the loop. With `writeStale`, appends staleness markers for every series of the last
   * scrape (the target is gone); without, the series are left for a successor loop.
   */
  async stop(writeStale: boolean): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    await this.running?.catch(() => undefined);
    if (writeStale) await this.writeStale(this.prevSeen, new Set(), this.now(), true);
    this.deps.client.close();
  }

  /** Scrapes once with the scrape timestamp `ts` (ms). Never throws; outcome goes to `health`. */
  async scrapeOnce(ts: number): Promise<void> {
    const started = performance.now();
    let body = '';
    let contentType = '';
    let error = '';
    try {
      const res = await this.deps.client.get(this.target.url, {
        accept: this.accept,
        timeoutMs: this.target.timeoutMs,
        bodySizeLimit: this.cfg.bodySizeLimitBytes,
        acceptGzip: this.cfg.enableCompression,
        signal: this.abort.signal,
        userAgent: this.deps.userAgent,
      });
      body = res.body;
      contentType = res.contentType;
    } catch (e) {
      error = (e as Error).message;
    }
    if (this.stopped) return;
    const result =
      error === ''
        ? await this.ingest(body, contentType, ts)
        : { error, scraped: 0, post: 0, added: 0 };
    const durationS = (performance.now() - started) / 1000;
    this.lastScrape = ts;
    this.lastDurationMs = durationS * 1000;
    this.lastSamples = result.scraped;
    this.health = result.error === '' ? 'up' : 'down';
    this.lastError = result.error;
    if (result.error !== '') {
      this.deps.logger.debug('scrape failed', { target: this.target.url, err: result.error });
      await this.writeStale(this.prevSeen, new Set(), ts, false);
      this.prevSeen = new Set();
    }
    await this.report(
      ts,
      result.error === '' ? 1 : 0,
      durationS,
      result.scraped,
      result.post,
      result.added,
    );
  }

  private async ingest(
    body: string,
    contentType: string,
    ts: number,
  ): Promise<{ error: string; scraped: number; post: number; added: number }> {
    const app = this.deps.appendable.appender();
    const seen = new Set<CacheEntry>();
    let scraped = 0;
    let post = 0;
    let added = 0;
    const iter = ++this.iter;
    const limits = this.cfg;
    try {
      const p = newExpositionParser(body, formatFromContentType(contentType));
      const flat: string[] = [];
      let pending: { name: string; type?: MetricType; help?: string; unit?: string } | undefined;
      for (;;) {
        const kind = p.next();
        if (kind === 'end') break;
        if (kind !== 'series') {
          const name = p.metricName();
          if (pending?.name !== name) {
            if (pending) this.setMeta(pending);
            pending = { name };
          }
          if (kind === 'type') pending.type = p.metricType();
          else if (kind === 'help') pending.help = p.text();
          else pending.unit = p.text();
          continue;
        }
        scraped++;
        const key = p.seriesKey();
        let e = this.cache.get(key);
        if (!e) {
          flat.length = 0;
          flat.push('__name__', p.metricName());
          p.labels(flat);
          const scrapedLabels = Labels.fromFlatUnsorted(flat);
          if (scrapedLabels.size !== flat.length / 2) {
            throw new ExpositionError(`duplicate label names in ${key}`, p.lineNumber, 1);
          }
          const l = sampleLabels(
            scrapedLabels,
            this.target.labels,
            this.cfg.honorLabels,
            this.cfg.metricRelabelConfigs,
            limits,
          );
          if (typeof l === 'string') return await this.fail(app, l, scraped);
          e = { ref: 0, labels: l, lastIter: iter, explicitTs: false };
          this.cache.set(key, e);
          if (l) added++;
        }
        e.lastIter = iter;
        if (!e.labels) continue;
        post++;
        if (this.cfg.sampleLimit > 0 && post > this.cfg.sampleLimit) {
          return await this.fail(
            app,
            `sample_limit exceeded (${post} > ${this.cfg.sampleLimit})`,
            scraped,
          );
        }
        const own = p.timestampMs();
        const t = own !== undefined && this.cfg.honorTimestamps ? own : ts;
        e.explicitTs =
          own !== undefined && this.cfg.honorTimestamps && !this.cfg.trackTimestampsStaleness;
        try {
          e.ref = app.append(e.ref, e.labels, t, p.value());
        } catch (err) {
          if (err instanceof DuplicateSampleError || err instanceof OutOfBoundsError) continue;
          throw err;
        }
        seen.add(e);
      }
      if (pending) this.setMeta(pending);
      await app.commit();
    } catch (err) {
      await app.rollback().catch(() => undefined);
      const msg =
        err instanceof ExpositionError ? `parse error: ${err.message}` : (err as Error).message;
      return { error: msg, scraped, post: 0, added: 0 };
    }
    await this.writeStale(this.prevSeen, seen, ts, false);
    this.prevSeen = seen;
    for (const [k, e] of this.cache)
      if (iter - e.lastIter > CACHE_KEEP_ITERATIONS) this.cache.delete(k);
    return { error: '', scraped, post, added };
  }

  private async fail(
    app: Appender,
    msg: string,
    scraped: number,
  ): Promise<{ error: string; scraped: number; post: number; added: number }> {
    await app.rollback();
    return { error: msg, scraped, post: 0, added: 0 };
  }

  private setMeta(m: { name: string; type?: MetricType; help?: string; unit?: string }): void {
    this.metadata.set(m.name, {
      type: m.type ?? 'unknown',
      help: m.help ?? '',
      unit: m.unit ?? '',
    });
  }

  /** Appends staleness markers for series in `prev` that are not in `cur`. */
  private async writeStale(
    prev: Set<CacheEntry>,
    cur: Set<CacheEntry>,
    ts: number,
    final: boolean,
  ): Promise<void> {
    const app = this.deps.appendable.appender();
    let n = 0;
    for (const e of prev) {
      if (cur.has(e) || !e.labels || e.explicitTs) continue;
      try {
        e.ref = app.append(e.ref, e.labels, ts, STALE_NAN);
        n++;
      } catch {
        // A newer sample already exists; no marker needed.
      }
    }
    if (final) {
      for (const name of Object.keys(this.reportLabels)) {
        try {
          app.append(this.reportRefs[name] ?? 0, this.reportLabels[name]!, ts, STALE_NAN);
          n++;
        } catch {
          // As above.
        }
      }
    }
    if (n === 0) {
      await app.rollback();
      return;
    }
    await app.commit().catch((e: unknown) => {
      this.deps.logger.warn('cannot write staleness markers', { target: this.target.url, err: e });
    });
  }

  private async report(
    ts: number,
    up: number,
    duration: number,
    scraped: number,
    post: number,
    added: number,
  ): Promise<void> {
    const app = this.deps.appendable.appender();
    const put = (name: string, v: number): void => {
      let l = this.reportLabels[name];
      if (!l) {
        l = new LabelsBuilder(this.target.labels).set('__name__', name).labels();
        this.reportLabels[name] = l;
      }
      try {
        this.reportRefs[name] = app.append(this.reportRefs[name] ?? 0, l, ts, v);
      } catch {
        // A report sample for this timestamp exists already (a clock step backwards).
      }
    };
    put('up', up);
    put('scrape_duration_seconds', duration);
    put('scrape_samples_scraped', scraped);
    put('scrape_samples_post_metric_relabeling', post);
    put('scrape_series_added', added);
    await app.commit().catch((e: unknown) => {
      this.deps.logger.warn('cannot write scrape report', { target: this.target.url, err: e });
    });
  }
}
