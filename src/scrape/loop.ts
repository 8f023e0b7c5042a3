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
  type ExpositionFormat,
  type ExpositionParser,
} from '../parsers/index.js';
import { SeriesCache, type CacheEntry } from './cache.js';
import { BodyBuffer, type HTTPClient } from './client.js';
import { MetadataCollector, type MetricMetadata } from './metadata.js';
import { sampleLabels } from './labels.js';
import type { Target } from './targets.js';

/** Health of a target, as on Prometheus' targets page. */
export type TargetHealth = 'up' | 'down' | 'unknown';

/** What parsing and appending one scrape found. */
interface IngestOutcome {
  readonly error: string;
  readonly scraped: number;
  readonly post: number;
  readonly added: number;
}

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
 * Scrapes one target on its interval: fetch, parse, label, append, report, staleness.
 *
 * The series cache maps each series' text as written by the target (`name{a="b"}`) to its
 * storage reference and final labels (or that `metric_relabel_configs` drops it), so a known
 * series skips label parsing, relabeling, hashing and the storage's label lookup. Targets write
 * their series in the same order scrape after scrape, so the loop also keeps the cache entries
 * in the order of the last scrape and hands the parser the series expected next: when the line
 * is exactly that text, the parser skips the series text and not even the map is consulted.
 * The cache belongs to one loop, which belongs to one target and one scrape configuration (a
 * configuration change builds new loops), so relabeling results never go stale.
 */
export class ScrapeLoop {
  health: TargetHealth = 'unknown';
  lastError = '';
  lastScrape = 0;
  lastDurationMs = 0;
  lastSamples = 0;
  /** Scrapes skipped because the previous one of this target was still running. */
  missed = 0;
  readonly metadata = new Map<string, MetricMetadata>();

  private readonly cache = new SeriesCache();
  /** Series appended by the last scrape (each once), for staleness markers. */
  private prevSeen: CacheEntry[] = [];
  /** The buffer the running scrape fills; swapped with `prevSeen` once stored. */
  private nextSeen: CacheEntry[] = [];
  /** Cache entries of the series lines of the last parsed scrape, in order. */
  private order: CacheEntry[] = [];
  /**
   * The series texts of those lines as written then (the parser's hints). Not the entries'
   * keys: texts that share an entry may differ, and only these were checked in `format`.
   */
  private orderKeys: string[] = [];
  /** The buffers the running scrape fills; swapped with `order` and `orderKeys` once parsed. */
  private nextOrder: CacheEntry[] = [];
  private nextOrderKeys: string[] = [];
  /** Format of the last parsed scrape; hints are only valid within one format. */
  private format: ExpositionFormat | undefined;
  private readonly meta = new MetadataCollector(this.metadata);
  /** Every body of this target is read into this buffer. */
  private readonly bodyBuffer = new BodyBuffer();
  /** Scratch for the labels of a new series. */
  private readonly flat: string[] = [];
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
      // Never two scrapes of one target at once (the series cache and the staleness tracking
      // belong to one scrape at a time): a scrape still running when the next is due makes
      // this tick a missed one, as in Prometheus.
      if (this.running === undefined) {
        this.running = this.scrapeOnce(at).finally(() => {
          this.running = undefined;
        });
      } else this.missed++;
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
    if (writeStale) {
      const app = this.deps.appendable.appender();
      const n = this.appendStale(app, this.prevSeen, -1, this.now(), true);
      await this.finish(app, n > 0);
    }
    this.deps.client.close();
  }

  /** Scrapes once with the scrape timestamp `ts` (ms). Never throws; outcome goes to `health`. */
  async scrapeOnce(ts: number): Promise<void> {
    const started = performance.now();
    let body: Buffer | undefined;
    let contentType = '';
    let error = '';
    try {
      const res = await this.deps.client.getBytes(this.target.url, {
        accept: this.accept,
        timeoutMs: this.target.timeoutMs,
        bodySizeLimit: this.cfg.bodySizeLimitBytes,
        acceptGzip: this.cfg.enableCompression,
        signal: this.abort.signal,
        userAgent: this.deps.userAgent,
        into: this.bodyBuffer,
      });
      body = res.bytes;
      contentType = res.contentType;
    } catch (e) {
      error = (e as Error).message;
    }
    if (this.stopped) return;
    // One appender and one commit per scrape: samples, staleness markers and the report.
    let app = this.deps.appendable.appender();
    const iter = ++this.iter;
    const result =
      body !== undefined ? this.ingest(app, body, contentType, ts, iter) : failed(error, 0);
    if (result.error === '') {
      this.appendStale(app, this.prevSeen, iter, ts, false);
      this.cache.sweep(iter);
    } else {
      this.deps.logger.debug('scrape failed', { target: this.target.url, err: result.error });
      await app.rollback().catch(() => undefined);
      app = this.deps.appendable.appender();
      this.appendStale(app, this.prevSeen, -1, ts, false);
    }
    const durationS = (performance.now() - started) / 1000;
    this.appendReport(
      app,
      ts,
      result.error === '' ? 1 : 0,
      durationS,
      result.scraped,
      result.post,
      result.added,
    );
    const committed = await this.finish(app, true);
    this.lastScrape = ts;
    this.lastDurationMs = durationS * 1000;
    this.lastSamples = result.scraped;
    if (committed !== '' && result.error === '') {
      // The samples are not stored: keep the previous series for staleness.
      this.health = 'down';
      this.lastError = committed;
      return;
    }
    this.health = result.error === '' ? 'up' : 'down';
    this.lastError = result.error;
    if (result.error === '') {
      const prev = this.prevSeen;
      this.prevSeen = this.nextSeen;
      this.nextSeen = prev;
    } else this.prevSeen.length = 0;
  }

  /** Commits (or, with nothing appended, rolls back); returns the commit error, or ''. */
  private async finish(app: Appender, appended: boolean): Promise<string> {
    if (!appended) {
      await app.rollback().catch(() => undefined);
      return '';
    }
    try {
      await app.commit();
      return '';
    } catch (e) {
      this.deps.logger.warn('cannot store scrape', { target: this.target.url, err: e });
      await app.rollback().catch(() => undefined);
      return (e as Error).message;
    }
  }

  /**
   * Parses a scrape and appends its samples to `app` (the caller commits, or rolls back when
   * the outcome has an error). Fills `nextSeen` with the series appended and, when the whole
   * body parses, makes `order` the series lines of this scrape.
   */
  private ingest(
    app: Appender,
    body: Uint8Array,
    contentType: string,
    ts: number,
    iter: number,
  ): IngestOutcome {
    const seen = this.nextSeen;
    seen.length = 0;
    const format = formatFromContentType(contentType);
    if (format !== this.format) {
      // Hints must be series texts checked in the format being parsed.
      this.format = format;
      this.order.length = 0;
      this.orderKeys.length = 0;
    }
    const prev = this.order;
    const prevKeys = this.orderKeys;
    const next = this.nextOrder;
    const nextKeys = this.nextOrderKeys;
    const cfg = this.cfg;
    const sampleLimit = cfg.sampleLimit;
    const honorTs = cfg.honorTimestamps;
    const meta = this.meta;
    meta.begin();
    let scraped = 0;
    let post = 0;
    let added = 0;
    /** Index in `prev` of the series expected next. */
    let h = 0;
    try {
      const p = newExpositionParser(body, format);
      for (;;) {
        const hint = h < prevKeys.length ? prevKeys[h] : undefined;
        const kind = p.next(hint);
        if (kind === 'end') break;
        if (kind !== 'series') {
          meta.line(kind, p);
          continue;
        }
        const n = scraped++;
        let e = p.matchedKnown() ? prev[h] : undefined;
        if (e !== undefined && hint !== undefined) {
          nextKeys[n] = hint;
          h++;
        } else {
          const key = p.seriesKey();
          nextKeys[n] = key;
          e = this.cache.get(key);
          if (e === undefined) {
            const l = this.newSeriesLabels(p, key);
            if (typeof l === 'string') return failed(l, scraped);
            const [entry, isNew] = this.cache.add(key, l, iter);
            e = entry;
            if (isNew) added++;
          } else if (e.pos >= 0 && e.pos < prev.length && prev[e.pos] === e) {
            // Lines went missing or moved: expect the ones that followed this one last time.
            h = e.pos + 1;
          }
        }
        next[n] = e;
        e.pos = n;
        e.lastIter = iter;
        if (!e.labels) continue;
        post++;
        if (sampleLimit > 0 && post > sampleLimit) {
          return failed(`sample_limit exceeded (${post} > ${sampleLimit})`, scraped);
        }
        const own = p.timestampMs();
        const t = own !== undefined && honorTs ? own : ts;
        e.explicitTs = own !== undefined && honorTs && !cfg.trackTimestampsStaleness;
        try {
          e.ref = app.append(e.ref, e.labels, t, p.value());
        } catch (err) {
          if (err instanceof DuplicateSampleError || err instanceof OutOfBoundsError) continue;
          throw err;
        }
        if (e.seenIter !== iter) {
          e.seenIter = iter;
          seen.push(e);
        }
      }
      meta.flush();
    } catch (err) {
      const msg =
        err instanceof ExpositionError ? `parse error: ${err.message}` : (err as Error).message;
      return failed(msg, scraped);
    }
    next.length = scraped;
    nextKeys.length = scraped;
    this.order = next;
    this.nextOrder = prev;
    this.orderKeys = nextKeys;
    this.nextOrderKeys = prevKeys;
    return { error: '', scraped, post, added };
  }

  /** Final labels of a series not in the cache (see `sampleLabels`). */
  private newSeriesLabels(p: ExpositionParser, key: string): Labels | undefined | string {
    const flat = this.flat;
    flat.length = 0;
    flat.push('__name__', p.metricName());
    p.labels(flat);
    const scrapedLabels = Labels.fromFlatUnsorted(flat);
    if (scrapedLabels.size !== flat.length / 2) {
      throw new ExpositionError(`duplicate label names in ${key}`, p.lineNumber, 1);
    }
    return sampleLabels(
      scrapedLabels,
      this.target.labels,
      this.cfg.honorLabels,
      this.cfg.metricRelabelConfigs,
      this.cfg,
    );
  }

  /**
   * Appends staleness markers for the series in `prev` not appended in scrape `iter` (-1: all of
   * them), and with `final` for the report series too. Returns how many it appended.
   */
  private appendStale(
    app: Appender,
    prev: readonly CacheEntry[],
    iter: number,
    ts: number,
    final: boolean,
  ): number {
    let n = 0;
    for (const e of prev) {
      if (e.seenIter === iter || !e.labels || e.explicitTs) continue;
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
    return n;
  }

  /** Appends the synthetic series of one scrape (`up`, `scrape_duration_seconds`, …). */
  private appendReport(
    app: Appender,
    ts: number,
    up: number,
    duration: number,
    scraped: number,
    post: number,
    added: number,
  ): void {
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
  }
}

/** The outcome of a failed scrape. */
function failed(error: string, scraped: number): IngestOutcome {
  return { error, scraped, post: 0, added: 0 };
}
