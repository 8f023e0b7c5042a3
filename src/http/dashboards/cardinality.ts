/**
 * `GET /api/kansoku/cardinality?limit=`: the cardinality explorer. Top metrics, label names and
 * label pairs by series count (computed like `/api/v1/status/tsdb`, through the storage seam), and
 * the metric names that no dashboard query and no loaded rule selects.
 */
import {
  DashboardService,
  MetricUsage,
  dashboardExprs,
  intervalVariables,
  substituteVariables,
} from '../../dashboards/index.js';
import { MAX_TIME, METRIC_NAME, MIN_TIME, Matcher } from '../../model/index.js';
import { needStorage, type ApiV1Deps } from '../api/v1/deps.js';
import { BadParamError } from '../params.js';
import { sendSuccess } from '../respond.js';
import type { Router } from '../router.js';
import { kansokuHandler } from './errors.js';

/** Default and largest number of entries per list. */
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 10_000;

/** A name and a count. */
interface NameValue {
  readonly name: string;
  readonly value: number;
}

/** An expression that did not parse, so its metric names could not be counted as used. */
interface Unparsed {
  readonly source: string;
  readonly expr: string;
  readonly error: string;
}

/** Adds the cardinality route. */
export function addCardinalityRoute(router: Router, svc: DashboardService, api: ApiV1Deps): void {
  router.get(
    '/api/kansoku/cardinality',
    kansokuHandler(async (ctx) => {
      const raw = ctx.url.searchParams.get('limit');
      let limit = DEFAULT_LIMIT;
      if (raw !== null && raw !== '') {
        limit = Number(raw);
        if (!/^\d+$/.test(raw) || limit < 1 || limit > MAX_LIMIT)
          throw new BadParamError(
            `invalid parameter "limit": must be a whole number from 1 to ${MAX_LIMIT}`,
          );
      }
      const stats = await seriesStats(api);
      const { usage, unparsed, dashboards, rules } = await collectUsage(svc, api);
      const unused = [...stats.byName.entries()]
        .filter(([name]) => !usage.uses(name))
        .map(([name, value]) => ({ name, value }));
      sendSuccess(ctx.res, {
        numSeries: stats.numSeries,
        numMetrics: stats.byName.size,
        seriesCountByMetricName: top(stats.byName, limit),
        seriesCountByLabelName: top(stats.byLabel, limit),
        labelValueCountByLabelName: top(
          new Map([...stats.valuesByLabel].map(([k, v]) => [k, v.size])),
          limit,
        ),
        seriesCountByLabelValuePair: top(stats.byPair, limit),
        unused: sortDesc(unused).slice(0, limit),
        unusedCount: unused.length,
        unusedSeries: unused.reduce((n, u) => n + u.value, 0),
        dashboardsScanned: dashboards,
        rulesScanned: rules,
        unparsed: unparsed.slice(0, limit),
      });
    }),
  );
}

interface Stats {
  numSeries: number;
  byName: Map<string, number>;
  byLabel: Map<string, number>;
  valuesByLabel: Map<string, Set<string>>;
  byPair: Map<string, number>;
}

async function seriesStats(api: ApiV1Deps): Promise<Stats> {
  const s: Stats = {
    numSeries: 0,
    byName: new Map(),
    byLabel: new Map(),
    valuesByLabel: new Map(),
    byPair: new Map(),
  };
  const q = await needStorage(api).querier(MIN_TIME, MAX_TIME);
  try {
    const set = await q.select(false, { start: MIN_TIME, end: MAX_TIME, func: 'series' }, [
      new Matcher('=~', METRIC_NAME, '.+'),
    ]);
    while (set.next()) {
      s.numSeries++;
      set.at().labels.forEach((n, v) => {
        if (n === METRIC_NAME) s.byName.set(v, (s.byName.get(v) ?? 0) + 1);
        s.byLabel.set(n, (s.byLabel.get(n) ?? 0) + 1);
        let vals = s.valuesByLabel.get(n);
        if (!vals) s.valuesByLabel.set(n, (vals = new Set()));
        vals.add(v);
        const pair = `${n}=${v}`;
        s.byPair.set(pair, (s.byPair.get(pair) ?? 0) + 1);
      });
    }
    const err = set.err();
    if (err) throw err;
  } finally {
    q.close();
  }
  return s;
}

async function collectUsage(
  svc: DashboardService,
  api: ApiV1Deps,
): Promise<{ usage: MetricUsage; unparsed: Unparsed[]; dashboards: number; rules: number }> {
  const usage = new MetricUsage();
  const unparsed: Unparsed[] = [];
  const list = await svc.list();
  for (const summary of list) {
    const { dashboard } = await svc.get(summary.uid);
    const intervals = intervalVariables(dashboard);
    for (const e of dashboardExprs(dashboard)) {
      const error = usage.add(substituteVariables(e.expr, intervals));
      if (error !== undefined)
        unparsed.push({ source: `dashboard ${summary.uid} ${e.path}`, expr: e.expr, error });
    }
  }
  let rules = 0;
  for (const g of api.ruleGroups?.() ?? []) {
    for (const r of g.rules) {
      rules++;
      const error = usage.add(r.spec.expr);
      if (error !== undefined)
        unparsed.push({ source: `rule ${g.name}/${r.spec.name}`, expr: r.spec.expr, error });
    }
  }
  return { usage, unparsed, dashboards: list.length, rules };
}

function top(m: Map<string, number>, limit: number): NameValue[] {
  return sortDesc([...m.entries()].map(([name, value]) => ({ name, value }))).slice(0, limit);
}

function sortDesc(list: NameValue[]): NameValue[] {
  return list.sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
