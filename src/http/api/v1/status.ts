/** `/api/v1/status/*`: build information, flags, runtime information and TSDB statistics. */
import os from 'node:os';
import { MAX_TIME, METRIC_NAME, MIN_TIME, Matcher } from '../../../model/index.js';
import { BadParamError } from '../../params.js';
import { sendSuccess } from '../../respond.js';
import type { Router } from '../../router.js';
import { needStorage, type ApiV1Deps } from './deps.js';

/** Default and maximum number of entries per list of `/api/v1/status/tsdb`. */
const TSDB_STATS_DEFAULT_LIMIT = 10;
const TSDB_STATS_MAX_LIMIT = 10_000;

/** Adds the status endpoints. */
export function addStatusRoutes(router: Router, deps: ApiV1Deps): void {
  router.get('/api/v1/status/buildinfo', (ctx) => {
    sendSuccess(ctx.res, deps.buildInfo);
  });
  router.get('/api/v1/status/flags', (ctx) => {
    sendSuccess(ctx.res, deps.flags);
  });
  router.get('/api/v1/status/runtimeinfo', async (ctx) => {
    const r = deps.runtime();
    const storage = deps.storage();
    let timeSeriesCount = deps.headStats?.()?.numSeries;
    if (timeSeriesCount === undefined && storage)
      timeSeriesCount = (await seriesStats(deps, 0)).numSeries;
    sendSuccess(ctx.res, {
      startTime: r.startTime.toISOString(),
      CWD: process.cwd(),
      hostname: os.hostname(),
      serverTime: new Date().toISOString(),
      reloadConfigSuccess: r.reloadConfigSuccess,
      lastConfigTime: r.lastConfigTime.toISOString(),
      timeSeriesCount: timeSeriesCount ?? 0,
      corruptionCount: r.corruptionCount,
      goroutineCount: 0,
      GOMAXPROCS: os.availableParallelism(),
      GOMEMLIMIT: 0,
      GOGC: '',
      GODEBUG: '',
      storageRetention: r.storageRetention,
    });
  });
  router.get('/api/v1/status/tsdb', async (ctx) => {
    const raw = ctx.url.searchParams.get('limit');
    let limit = TSDB_STATS_DEFAULT_LIMIT;
    if (raw !== null && raw !== '') {
      limit = Number(raw);
      if (!/^\d+$/.test(raw) || limit < 1 || limit > TSDB_STATS_MAX_LIMIT) {
        throw new BadParamError(`limit must be a positive number <= ${TSDB_STATS_MAX_LIMIT}`);
      }
    }
    const s = await seriesStats(deps, limit);
    const head = deps.headStats?.() ?? {
      numSeries: s.numSeries,
      chunkCount: 0,
      minTime: s.minTime,
      maxTime: s.maxTime,
    };
    sendSuccess(ctx.res, {
      headStats: {
        numSeries: head.numSeries,
        numLabelPairs: s.numLabelPairs,
        chunkCount: head.chunkCount,
        minTime: head.minTime,
        maxTime: head.maxTime,
      },
      seriesCountByMetricName: s.seriesCountByMetricName,
      labelValueCountByLabelName: s.labelValueCountByLabelName,
      memoryInBytesByLabelName: s.memoryInBytesByLabelName,
      seriesCountByLabelValuePair: s.seriesCountByLabelValuePair,
    });
  });
}

interface NameValue {
  readonly name: string;
  readonly value: number;
}

interface SeriesStats {
  numSeries: number;
  numLabelPairs: number;
  minTime: number;
  maxTime: number;
  seriesCountByMetricName: NameValue[];
  labelValueCountByLabelName: NameValue[];
  memoryInBytesByLabelName: NameValue[];
  seriesCountByLabelValuePair: NameValue[];
}

/**
 * Cardinality statistics computed through the storage seam (every series over all time), so
 * they work with any backend. Lists are sorted by value, largest first, and cut to `limit`.
 */
async function seriesStats(deps: ApiV1Deps, limit: number): Promise<SeriesStats> {
  const q = await needStorage(deps).querier(MIN_TIME, MAX_TIME);
  const byName = new Map<string, number>();
  const valuesByLabel = new Map<string, Set<string>>();
  const bytesByLabel = new Map<string, number>();
  const byPair = new Map<string, number>();
  let numSeries = 0;
  try {
    const set = await q.select(false, { start: MIN_TIME, end: MAX_TIME, func: 'series' }, [
      new Matcher('=~', METRIC_NAME, '.+'),
    ]);
    while (set.next()) {
      numSeries++;
      set.at().labels.forEach((n, v) => {
        if (n === METRIC_NAME) byName.set(v, (byName.get(v) ?? 0) + 1);
        let vals = valuesByLabel.get(n);
        if (!vals) valuesByLabel.set(n, (vals = new Set()));
        if (!vals.has(v)) {
          vals.add(v);
          bytesByLabel.set(n, (bytesByLabel.get(n) ?? 0) + Buffer.byteLength(v));
        }
        const pair = `${n}=${v}`;
        byPair.set(pair, (byPair.get(pair) ?? 0) + 1);
      });
    }
    const err = set.err();
    if (err) throw err;
  } finally {
    q.close();
  }
  const top = (m: Map<string, number>): NameValue[] =>
    [...m.entries()]
      .map(([name, value]) => ({ name, value }))
      .sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : 1))
      .slice(0, limit);
  const valueCounts = new Map([...valuesByLabel.entries()].map(([k, v]) => [k, v.size]));
  const storage = needStorage(deps);
  return {
    numSeries,
    numLabelPairs: byPair.size,
    minTime: storage.startTime() ?? 0,
    maxTime: Date.now(),
    seriesCountByMetricName: top(byName),
    labelValueCountByLabelName: top(valueCounts),
    memoryInBytesByLabelName: top(bytesByLabel),
    seriesCountByLabelValuePair: top(byPair),
  };
}
