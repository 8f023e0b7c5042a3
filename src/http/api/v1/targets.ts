/**
 * `/api/v1/targets`, `/api/v1/scrape_pools`, `/api/v1/targets/metadata` and `/api/v1/metadata`,
 * over a read-only view of the scrape manager.
 */
import type { Labels, Matcher } from '../../../model/index.js';
import type { ActiveTargetInfo, DroppedTargetInfo } from '../../../scrape/index.js';
import { parseSelectorParam } from '../../admin.js';
import { BadParamError } from '../../params.js';
import { sendSuccess } from '../../respond.js';
import type { Router } from '../../router.js';

/** The read-only view of scraping the API needs. */
export interface TargetsView {
  activeTargets(): readonly ActiveTargetInfo[];
  droppedTargets(): readonly DroppedTargetInfo[];
  /** Sorted names of the configured scrape pools. */
  poolNames(): readonly string[];
}

/** An empty view, for when scraping is not running. */
export const NO_TARGETS: TargetsView = {
  activeTargets: () => [],
  droppedTargets: () => [],
  poolNames: () => [],
};

/** Go's zero time, which Prometheus shows for targets not scraped yet. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Adds the target and metadata endpoints. */
export function addTargetRoutes(router: Router, view: () => TargetsView): void {
  router.get('/api/v1/scrape_pools', (ctx) => {
    sendSuccess(ctx.res, { scrapePools: [...view().poolNames()] });
  });

  router.get('/api/v1/targets', (ctx) => {
    const p = ctx.url.searchParams;
    const state = (p.get('state') ?? '').toLowerCase();
    const pool = p.get('scrapePool') ?? '';
    const inPool = (name: string): boolean => pool === '' || name === pool;
    const v = view();
    const showActive = state === '' || state === 'any' || state === 'active';
    const showDropped = state === '' || state === 'any' || state === 'dropped';
    sendSuccess(ctx.res, {
      activeTargets: showActive
        ? v
            .activeTargets()
            .filter((t) => inPool(t.scrapePool))
            .map((t) => ({
              discoveredLabels: t.discoveredLabels.toRecord(),
              labels: t.labels.toRecord(),
              scrapePool: t.scrapePool,
              scrapeUrl: t.scrapeUrl,
              globalUrl: t.scrapeUrl,
              lastError: t.lastError,
              lastScrape: t.lastScrape === 0 ? ZERO_TIME : new Date(t.lastScrape).toISOString(),
              lastScrapeDuration: t.lastScrapeDurationMs / 1000,
              health: t.health,
              scrapeInterval: t.scrapeInterval,
              scrapeTimeout: t.scrapeTimeout,
            }))
        : [],
      droppedTargets: showDropped
        ? v
            .droppedTargets()
            .filter((t) => inPool(t.scrapePool))
            .map((t) => ({
              discoveredLabels: t.discoveredLabels.toRecord(),
              scrapePool: t.scrapePool,
            }))
        : [],
      droppedTargetCounts: countBy(v.droppedTargets(), (t) => t.scrapePool),
    });
  });

  router.get('/api/v1/targets/metadata', (ctx) => {
    const p = ctx.url.searchParams;
    const metric = p.get('metric') ?? '';
    const limit = optionalLimit(p.get('limit'), 'limit');
    const sel = p.get('match_target') ?? '';
    const matchers = sel === '' ? [] : parseTargetSelector(sel);
    const out: Record<string, unknown>[] = [];
    let targets = 0;
    for (const t of view().activeTargets()) {
      if (limit >= 0 && targets >= limit) break;
      if (!matchesAll(t.labels, matchers)) continue;
      targets++;
      const target = t.labels.toRecord();
      if (metric !== '') {
        const md = t.metadata.get(metric);
        if (md) out.push({ target, type: md.type, help: md.help, unit: md.unit });
        continue;
      }
      for (const [name, md] of t.metadata)
        out.push({ target, metric: name, type: md.type, help: md.help, unit: md.unit });
    }
    sendSuccess(ctx.res, out);
  });

  router.get('/api/v1/metadata', (ctx) => {
    const p = ctx.url.searchParams;
    const metric = p.get('metric') ?? '';
    const limit = optionalLimit(p.get('limit'), 'limit');
    const perMetric = optionalLimit(p.get('limit_per_metric'), 'limit_per_metric');
    type Meta = { type: string; help: string; unit: string };
    const byName = new Map<string, Map<string, Meta>>();
    for (const t of view().activeTargets()) {
      for (const [name, md] of t.metadata) {
        if (metric !== '' && name !== metric) continue;
        let set = byName.get(name);
        if (!set) byName.set(name, (set = new Map<string, Meta>()));
        set.set(`${md.type}\u0000${md.help}\u0000${md.unit}`, {
          type: md.type,
          help: md.help,
          unit: md.unit,
        });
      }
    }
    const data: Record<string, unknown[]> = {};
    let n = 0;
    for (const name of [...byName.keys()].sort()) {
      if (limit >= 0 && n >= limit) break;
      const list = [...byName.get(name)!.values()];
      data[name] = perMetric >= 0 ? list.slice(0, perMetric) : list;
      n++;
    }
    sendSuccess(ctx.res, data);
  });
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const it of items) out[key(it)] = (out[key(it)] ?? 0) + 1;
  return out;
}

/** A `limit` parameter: -1 when absent (no limit), else a non-negative integer. */
function optionalLimit(v: string | null, name: string): number {
  if (v === null || v === '') return -1;
  if (!/^-?\d+$/.test(v))
    throw new BadParamError(`invalid parameter "${name}": cannot parse "${v}" to an integer`);
  const n = Number(v);
  return n < 0 ? -1 : n;
}

function parseTargetSelector(sel: string): Matcher[] {
  try {
    return parseSelectorParam(sel);
  } catch (err) {
    throw new BadParamError(
      `invalid parameter "match_target": ${err instanceof Error ? err.message.replace(/^invalid parameter "match\[\]": /, '') : String(err)}`,
    );
  }
}

function matchesAll(l: Labels, matchers: readonly Matcher[]): boolean {
  return matchers.every((m) => m.matches(l.get(m.name)));
}
