/** `/api/v1/series`, `/api/v1/labels` and `/api/v1/label/<name>/values`. */
import {
  compareLabels,
  MAX_TIME,
  MIN_TIME,
  type Labels,
  type Matcher,
} from '../../../model/index.js';
import { parseSelectorParam } from '../../admin.js';
import { formParams } from '../../form.js';
import { BadParamError, parseTimeParam } from '../../params.js';
import { sendSuccess } from '../../respond.js';
import type { Router } from '../../router.js';
import { needStorage, type ApiV1Deps } from './deps.js';

/** Adds the metadata endpoints. */
export function addMetadataRoutes(router: Router, deps: ApiV1Deps): void {
  router.add(['GET', 'POST'], '/api/v1/series', async (ctx) => {
    const p = await formParams(ctx);
    const sets = selectors(p);
    if (sets.length === 0) throw new BadParamError('no match[] parameter provided');
    const { start, end } = range(p);
    const limit = parseLimit(p);
    const q = await needStorage(deps).querier(start, end);
    try {
      const seen = new Map<string, Labels>();
      const warnings: string[] = [];
      for (const matchers of sets) {
        const set = await q.select(false, { start, end, func: 'series' }, matchers, ctx.signal);
        while (set.next()) {
          const l = set.at().labels;
          const key = l.flat.join('\u0000');
          if (!seen.has(key)) seen.set(key, l);
        }
        const err = set.err();
        if (err) throw err;
        warnings.push(...set.warnings());
      }
      let out = [...seen.values()].sort(compareLabels);
      if (limit > 0 && out.length > limit) {
        out = out.slice(0, limit);
        warnings.push('results truncated due to limit');
      }
      sendSuccess(
        ctx.res,
        out.map((l) => l.toRecord()),
        warnings,
      );
    } finally {
      q.close();
    }
  });

  router.add(['GET', 'POST'], '/api/v1/labels', async (ctx) => {
    const p = await formParams(ctx);
    const { start, end } = range(p);
    const limit = parseLimit(p);
    const sets = selectors(p);
    const q = await needStorage(deps).querier(start, end);
    try {
      const names = await union(sets, (m) => q.labelNames(m));
      sendLimited(ctx.res, names, limit);
    } finally {
      q.close();
    }
  });

  router.get('/api/v1/label/:name/values', async (ctx) => {
    const name = labelNameParam(ctx.params['name'] ?? '');
    const p = ctx.url.searchParams;
    const { start, end } = range(p);
    const limit = parseLimit(p);
    const sets = selectors(p);
    const q = await needStorage(deps).querier(start, end);
    try {
      const values = await union(sets, (m) => q.labelValues(name, m));
      sendLimited(ctx.res, values, limit);
    } finally {
      q.close();
    }
  });
}

/** Parses every `match[]` parameter. */
function selectors(p: URLSearchParams): Matcher[][] {
  return p.getAll('match[]').map(parseSelectorParam);
}

function range(p: URLSearchParams): { start: number; end: number } {
  const start = parseTimeParam(p.get('start'), 'start', MIN_TIME);
  const end = parseTimeParam(p.get('end'), 'end', MAX_TIME);
  if (end < start)
    throw new BadParamError('invalid parameter "end": end timestamp must not be before start time');
  return { start, end };
}

/** `limit`: a non-negative integer, 0 (or absent) for none. */
function parseLimit(p: URLSearchParams): number {
  const v = p.get('limit');
  if (v === null || v === '') return 0;
  if (!/^\d+$/.test(v))
    throw new BadParamError(
      `invalid parameter "limit": cannot parse "${v}" to a non-negative integer`,
    );
  return Number(v);
}

/** The sorted union of a lookup run once without matchers or once per selector. */
async function union(
  sets: Matcher[][],
  lookup: (matchers: Matcher[]) => Promise<string[]>,
): Promise<string[]> {
  if (sets.length === 0) return lookup([]);
  const all = new Set<string>();
  for (const m of sets) for (const v of await lookup(m)) all.add(v);
  return [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function sendLimited(res: Parameters<typeof sendSuccess>[0], items: string[], limit: number): void {
  if (limit > 0 && items.length > limit) {
    sendSuccess(res, items.slice(0, limit), ['results truncated due to limit']);
  } else sendSuccess(res, items);
}

/**
 * The label name of `/api/v1/label/<name>/values`. Names that are not valid legacy names may be
 * sent escaped as `U__` followed by `_<hex>_` code points (Prometheus' UTF-8 escaping).
 */
function labelNameParam(raw: string): string {
  let name = raw;
  if (raw.startsWith('U__')) {
    name = raw
      .slice(3)
      .replace(/_([0-9a-fA-F]+)_|__/g, (_m, hex: string | undefined) =>
        hex === undefined ? '_' : String.fromCodePoint(parseInt(hex, 16)),
      );
  }
  if (name === '') throw new BadParamError(`invalid label name: ${JSON.stringify(raw)}`);
  return name;
}
