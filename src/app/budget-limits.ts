/**
 * The server's limits in one place, built from the flags: series limits at series creation,
 * the memory budget watcher, per-client request rates and memory back-pressure in front of the
 * HTTP handlers, and the self-metrics that count what they refused.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ServerFlags } from '../config/index.js';
import { RequestLimits } from '../http/index.js';
import { SERIES_LIMIT_NAMES, SeriesLimiter, type SeriesCounts } from '../ingest/index.js';
import type { Labels } from '../model/index.js';
import type { Engine } from '../promql/index.js';
import type { Logger } from '../util/index.js';
import { MemoryBudget, autoMemoryBudget, processMemory } from './budget.js';

/** How often the memory budget is checked, ms. */
const BUDGET_INTERVAL_MS = 1000;
/** Admission samples memory again when the last sample is older than this, ms. */
const BUDGET_MAX_AGE_MS = 100;
/** Seconds clients are asked to wait while memory is short. */
const MEMORY_RETRY_AFTER_SECONDS = 5;

/** Limits of one server. Start with `start()` once storage is open; `stop()` at shutdown. */
export class ServerLimits {
  /** Series limits, asked by the head before it creates a series. */
  readonly series: SeriesLimiter;
  /** The memory budget watcher. */
  readonly memory: MemoryBudget;
  /** The HTTP admission check (rate limits, memory back-pressure). */
  readonly requests: RequestLimits;

  constructor(flags: ServerFlags, registry: Registry, logger: Logger) {
    const rejected = new Counter({
      name: 'kansoku_series_limit_rejections_total',
      help: 'New series refused by a series limit (--storage.max-series, --storage.max-series-per-metric, --storage.max-new-series-per-hour), by limit.',
      labelNames: ['limit'],
      registers: [registry],
    });
    for (const limit of SERIES_LIMIT_NAMES) rejected.inc({ limit }, 0);
    this.series = new SeriesLimiter(
      {
        maxSeries: flags.storageMaxSeries,
        maxSeriesPerMetric: flags.storageMaxSeriesPerMetric,
        maxNewSeriesPerHour: flags.storageMaxNewSeriesPerHour,
      },
      (limit) => {
        rejected.inc({ limit });
      },
    );
    const series = this.series;
    new Gauge({
      name: 'kansoku_series_created_last_hour',
      help: 'Series created in the last hour (compare with --storage.max-new-series-per-hour).',
      registers: [registry],
      collect() {
        this.set(series.newSeriesLastHour());
      },
    });
    const budget = flags.memoryBudget === 'auto' ? autoMemoryBudget() : flags.memoryBudget;
    this.memory = new MemoryBudget(
      { budgetBytes: budget, intervalMs: BUDGET_INTERVAL_MS, sample: processMemory },
      logger.child({ component: 'memory' }),
    );
    this.memory.registerMetrics(registry);
    this.requests = new RequestLimits(
      {
        memoryState: () => this.memory.fresh(BUDGET_MAX_AGE_MS),
        rate: flags.tokenRateLimit,
        burst: flags.tokenRateBurst,
        memoryRetryAfterSeconds: MEMORY_RETRY_AFTER_SECONDS,
      },
      registry,
    );
  }

  /** The head's admission hook (pass as the database's `admitSeries`). */
  readonly admitSeries = (labels: Labels, head: SeriesCounts): Error | undefined =>
    this.series.admit(labels, head);

  /** Counts the queries the engine refused because its queue was full. */
  watchEngine(engine: Engine, registry: Registry): void {
    new Gauge({
      name: 'kansoku_query_refused',
      help: 'Queries refused since start because no slot came free within --query.max-queue-wait (503).',
      registers: [registry],
      collect() {
        this.set(engine.refusedQueries);
      },
    });
  }

  /** Starts the memory watcher; `relieve` drops caches when memory runs short. */
  start(relieve: () => void): void {
    this.memory.onPressure(relieve);
    this.memory.start();
  }

  /** Stops the memory watcher. */
  stop(): void {
    this.memory.stop();
  }
}
