/**
 * The self-monitoring loop: every interval it appends Kansoku's own prom-client metrics into
 * storage as if Kansoku had scraped itself (`job="kansoku"`, `instance=<listen address>`, plus
 * `up`, `scrape_duration_seconds` and `scrape_samples_scraped`). The scrape manager replaces this
 * once it exists.
 */
import type { Registry } from 'prom-client';
import { LabelsBuilder, METRIC_NAME } from '../model/index.js';
import type { Appendable } from '../storage/index.js';
import type { Logger } from '../util/index.js';

/** Options of `SelfMonitor`. */
export interface SelfMonitorOptions {
  /** Time between two self-scrapes in ms (15 s, Prometheus' default scrape interval). */
  readonly intervalMs: number;
  readonly job: string;
  readonly instance: string;
}

/** Appends the registry's metrics into storage periodically. */
export class SelfMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly storage: Appendable,
    private readonly opts: SelfMonitorOptions,
    private readonly logger: Logger,
  ) {}

  /** Scrapes once right away, then every interval. */
  start(): void {
    const tick = (): void => {
      if (this.running) return; // the previous scrape is still writing
      this.running = this.scrapeOnce()
        .then(() => undefined)
        .catch((err: unknown) => {
          this.logger.warn('cannot store self-metrics', { err });
        })
        .finally(() => {
          this.running = undefined;
        });
    };
    tick();
    this.timer = setInterval(tick, this.opts.intervalMs);
  }

  /** Stops the loop and waits for a scrape in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Collects the registry and appends every value with one appender. Returns the sample count. */
  async scrapeOnce(now = Date.now()): Promise<number> {
    const start = performance.now();
    const families = await this.registry.getMetricsAsJSON();
    const app = this.storage.appender();
    const b = new LabelsBuilder();
    let n = 0;
    const add = (
      name: string,
      labels: Readonly<Partial<Record<string, string | number>>>,
      v: number,
    ): void => {
      b.reset();
      for (const [k, val] of Object.entries(labels)) {
        if (val !== undefined) b.set(k, formatLabelValue(val));
      }
      b.set(METRIC_NAME, name);
      b.set('job', this.opts.job);
      b.set('instance', this.opts.instance);
      app.append(0, b.labels(), now, v);
      n++;
    };
    try {
      for (const fam of families) {
        for (const v of fam.values) {
          const name = (v as { metricName?: string }).metricName ?? fam.name;
          add(name, v.labels, v.value);
        }
      }
      const scraped = n;
      add('up', {}, 1);
      add('scrape_samples_scraped', {}, scraped);
      add('scrape_duration_seconds', {}, (performance.now() - start) / 1000);
    } catch (err) {
      await app.rollback();
      throw err;
    }
    await app.commit();
    return n;
  }
}

/** Formats a label value like the text exposition (`+Inf` for the last bucket's `le`). */
function formatLabelValue(v: string | number): string {
  if (typeof v === 'string') return v;
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
