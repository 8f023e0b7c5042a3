/**
 * Benchmark of the result cache without HTTP: a dashboard-like range query over many counter
 * series (15 s interval, fixed data), evaluated cold (engine only), as a full hit, and as a
 * partial hit whose window slid by one step (one new step evaluated). Timings vary with the
 * machine.
 *
 * Run: `node --import tsx src/promql/cache/cache.bench.ts`
 */
import { fileURLToPath } from 'node:url';
import { Labels } from '../../model/index.js';
import { Engine } from '../engine/engine.js';
import { QueryResultCache } from './cache.js';
import { TrackedMemStorage } from './testkit.js';

/** Options of `benchQueryCache`. */
export interface QueryCacheBenchOptions {
  /** Counter series (spread over 10 jobs). */
  readonly series: number;
  /** Hours of data; the query covers the last one. */
  readonly hours: number;
  /** Timed repetitions per mode. */
  readonly rounds: number;
}

/** Figures of `benchQueryCache`: mean ms per query by mode, and the cache's size. */
export interface QueryCacheFigures {
  readonly coldMs: number;
  readonly hitMs: number;
  readonly slidMs: number;
  readonly cacheBytes: number;
}

const QUERY = 'sum by (job, instance) (rate(http_requests_total[5m]))';
const STEP = 15_000;

/** Runs the benchmark. */
export async function benchQueryCache(
  opts: Partial<QueryCacheBenchOptions> = {},
): Promise<QueryCacheFigures> {
  const o: QueryCacheBenchOptions = { series: 2000, hours: 2, rounds: 5, ...opts };
  const end = 1_700_000_000_000;
  const now = end + 20 * 60_000;
  const db = new TrackedMemStorage(() => now);
  const app = db.appender();
  for (let i = 0; i < o.series; i++) {
    const l = Labels.fromRecord({
      __name__: 'http_requests_total',
      job: `job-${i % 10}`,
      instance: `host-${i}`,
    });
    let v = 0;
    for (let t = end - o.hours * 3_600_000; t <= end; t += STEP) {
      v += (i % 7) + 1;
      app.append(0, l, t, v);
    }
  }
  await app.commit();
  const engine = new Engine();
  const cache = new QueryResultCache(db, { now: () => now });
  const req = (start: number) => ({
    query: QUERY,
    start,
    end: start + 3_600_000 - STEP,
    step: STEP,
    lookbackDeltaMs: 300_000,
    scope: '',
  });
  const start = end - 3_600_000 + STEP;
  const evalFor = (s: number, e: number) => engine.rangeQuery(db, QUERY, s, e, STEP);
  const time = async (fn: (i: number) => Promise<unknown>): Promise<number> => {
    const t0 = performance.now();
    for (let i = 0; i < o.rounds; i++) await fn(i);
    return (performance.now() - t0) / o.rounds;
  };
  await evalFor(start, start + 3_600_000 - STEP);
  const coldMs = await time(() => evalFor(start, start + 3_600_000 - STEP));
  await cache.rangeQuery(req(start), evalFor);
  const hitMs = await time(() => cache.rangeQuery(req(start), evalFor));
  // Each round moves the window one step back, so its first step is evaluated afresh.
  const slidMs = await time((i) => cache.rangeQuery(req(start - (i + 1) * STEP), evalFor));
  return { coldMs, hitMs, slidMs, cacheBytes: cache.stats().bytes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await benchQueryCache());
}
