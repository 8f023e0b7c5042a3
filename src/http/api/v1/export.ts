/**
 * `GET|POST /api/v1/export`: raw samples of the series matching `match[]` within [start, end], as
 * JSON lines in the format `/api/v1/import` reads (one series per line, like VictoriaMetrics):
 * `{"metric":{…},"values":[…],"timestamps":[…]}`. Non-finite values are written as the strings
 * `"NaN"`, `"+Inf"` and `"-Inf"`; staleness markers are left out. Streams series by series.
 */
import { MAX_TIME, MIN_TIME, isStaleNaN } from '../../../model/index.js';
import { parseSelectorParam } from '../../admin.js';
import { formParams } from '../../form.js';
import { BadParamError, parseTimeParam } from '../../params.js';
import type { Router } from '../../router.js';
import { needStorage, type ApiV1Deps } from './deps.js';

function jsonValue(v: number): string {
  if (Number.isFinite(v)) return String(v);
  return Number.isNaN(v) ? '"NaN"' : v > 0 ? '"+Inf"' : '"-Inf"';
}

/** Adds the export endpoint. */
export function addExportRoutes(router: Router, deps: ApiV1Deps): void {
  router.add(['GET', 'POST'], '/api/v1/export', async (ctx) => {
    const p = await formParams(ctx);
    const sets = p.getAll('match[]').map(parseSelectorParam);
    if (sets.length === 0) throw new BadParamError('no match[] parameter provided');
    const start = parseTimeParam(p.get('start'), 'start', MIN_TIME);
    const end = parseTimeParam(p.get('end'), 'end', MAX_TIME);
    if (end < start)
      throw new BadParamError(
        'invalid parameter "end": end timestamp must not be before start time',
      );
    const q = await needStorage(deps).querier(start, end);
    try {
      // Select everything first, so a failing select still answers with a proper error.
      const sets2 = [];
      for (const matchers of sets)
        sets2.push(await q.select(true, { start, end }, matchers, ctx.signal));
      const res = ctx.res;
      res.writeHead(200, { 'Content-Type': 'application/stream+json' });
      const seen = new Set<string>();
      for (const set of sets2) {
        while (set.next()) {
          const s = set.at();
          const key = s.labels.flat.join('\u0000');
          if (seen.has(key)) continue;
          seen.add(key);
          const it = s.iterator();
          const ts: number[] = [];
          const vs: string[] = [];
          while (it.next() !== 'none') {
            const v = it.atF();
            if (isStaleNaN(v)) continue;
            ts.push(it.atT());
            vs.push(jsonValue(v));
          }
          // The answer has started: a failing series ends the stream early (seen as truncated).
          if (it.err() || ts.length === 0) continue;
          const line = `{"metric":${JSON.stringify(s.labels.toRecord())},"values":[${vs.join(',')}],"timestamps":[${ts.join(',')}]}\n`;
          if (!res.write(line)) await new Promise((r) => res.once('drain', r));
        }
      }
      res.end();
    } finally {
      q.close();
    }
  });
}
