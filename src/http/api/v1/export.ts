/**
 * Export of raw samples, in the formats the import endpoints read back:
 *
 * - `GET|POST /api/v1/export`: JSON lines, one series per line, like VictoriaMetrics:
 *   `{"metric":{…},"values":[…],"timestamps":[…]}`; non-finite values as `"NaN"`, `"+Inf"` and
 *   `"-Inf"` (read back by `/api/v1/import`).
 * - `GET|POST /api/v1/export/csv?format=<fields>`: CSV, one sample per row; `format` lists the
 *   columns: `__name__`, `__value__`, `__timestamp__` (Unix ms) or `__timestamp__:<unix_s|unix_ms|
 *   unix_ns|rfc3339>`, and label names (empty when a series lacks the label). Read back by
 *   `/api/v1/import/csv` with the matching column spec.
 * - `GET|POST /api/v1/export/prometheus`: the Prometheus text format with a millisecond timestamp
 *   on every sample (`name{l="v"} value ts`), read back by `/api/v1/import/prometheus`.
 *
 * Every endpoint takes `match[]` (required), `start` and `end`; staleness markers are left out.
 * Series are streamed one at a time; once the answer has started, a failing series ends it early.
 */
import {
  MAX_TIME,
  MIN_TIME,
  isStaleNaN,
  isValidLegacyLabelName,
  isValidLegacyMetricName,
  type Labels,
} from '../../../model/index.js';
import { parseSelectorParam } from '../../admin.js';
import { formParams } from '../../form.js';
import { BadParamError, parseTimeParam } from '../../params.js';
import type { RequestContext, Router } from '../../router.js';
import { needStorage, type ApiV1Deps } from './deps.js';

/** Turns one series' samples into the text to send (reused arrays, valid during the call). */
type SeriesWriter = (labels: Labels, ts: readonly number[], vs: Float64Array) => string;

/** Go's text form of a float as the import parsers read it. */
function floatText(v: number): string {
  if (Number.isFinite(v)) return String(v);
  return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
}

const jsonLines: SeriesWriter = (labels, ts, vs) => {
  const values: string[] = [];
  for (let i = 0; i < ts.length; i++) {
    const v = vs[i]!;
    values.push(Number.isFinite(v) ? String(v) : `"${floatText(v)}"`);
  }
  return `{"metric":${JSON.stringify(labels.toRecord())},"values":[${values.join(',')}],"timestamps":[${ts.join(',')}]}\n`;
};

/** Quotes a Prometheus text label value (or a name that needs quoting). */
function quoted(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`;
}

const promText: SeriesWriter = (labels, ts, vs) => {
  const name = labels.metricName();
  const parts: string[] = [];
  labels.forEach((n, v) => {
    if (n === '__name__') return;
    parts.push(`${isValidLegacyLabelName(n) ? n : quoted(n)}=${quoted(v)}`);
  });
  let series: string;
  if (isValidLegacyMetricName(name))
    series = parts.length === 0 ? name : `${name}{${parts.join(',')}}`;
  else series = `{${[quoted(name), ...parts].join(',')}}`;
  let out = '';
  for (let i = 0; i < ts.length; i++) out += `${series} ${floatText(vs[i]!)} ${ts[i]!}\n`;
  return out;
};

/** One CSV column of an export `format`. */
type CsvField =
  | { readonly kind: 'name' }
  | { readonly kind: 'value' }
  | { readonly kind: 'time'; readonly unit: 'unix_s' | 'unix_ms' | 'unix_ns' | 'rfc3339' }
  | { readonly kind: 'label'; readonly name: string };

function parseCsvFields(spec: string | null): CsvField[] {
  if (spec === null || spec.trim() === '')
    throw new BadParamError(
      'invalid parameter "format": missing value (for example __name__,__value__,__timestamp__:unix_ms,job)',
    );
  return spec.split(',').map((raw): CsvField => {
    const f = raw.trim();
    if (f === '__name__') return { kind: 'name' };
    if (f === '__value__') return { kind: 'value' };
    if (f === '__timestamp__') return { kind: 'time', unit: 'unix_ms' };
    if (f.startsWith('__timestamp__:')) {
      const unit = f.slice('__timestamp__:'.length);
      if (unit === 'unix_s' || unit === 'unix_ms' || unit === 'unix_ns' || unit === 'rfc3339')
        return { kind: 'time', unit };
      throw new BadParamError(
        `invalid parameter "format": unknown time format ${JSON.stringify(unit)}; want unix_s, unix_ms, unix_ns or rfc3339`,
      );
    }
    if (f === '') throw new BadParamError('invalid parameter "format": empty column');
    return { kind: 'label', name: f };
  });
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function timeText(t: number, unit: 'unix_s' | 'unix_ms' | 'unix_ns' | 'rfc3339'): string {
  switch (unit) {
    case 'unix_s':
      return String(t / 1000);
    case 'unix_ms':
      return String(t);
    case 'unix_ns':
      return `${t}000000`;
    case 'rfc3339':
      return new Date(t).toISOString();
  }
}

function csvWriter(fields: readonly CsvField[]): SeriesWriter {
  return (labels, ts, vs) => {
    let out = '';
    for (let i = 0; i < ts.length; i++) {
      const row = fields.map((f) => {
        switch (f.kind) {
          case 'name':
            return csvCell(labels.metricName());
          case 'value':
            return floatText(vs[i]!);
          case 'time':
            return timeText(ts[i]!, f.unit);
          case 'label':
            return csvCell(labels.get(f.name));
        }
      });
      out += `${row.join(',')}\n`;
    }
    return out;
  };
}

/** Streams every matching series through `writer`. */
async function exportSeries(
  ctx: RequestContext,
  deps: ApiV1Deps,
  p: URLSearchParams,
  contentType: string,
  writer: SeriesWriter,
): Promise<void> {
  const sets = p.getAll('match[]').map(parseSelectorParam);
  if (sets.length === 0) throw new BadParamError('no match[] parameter provided');
  const start = parseTimeParam(p.get('start'), 'start', MIN_TIME);
  const end = parseTimeParam(p.get('end'), 'end', MAX_TIME);
  if (end < start)
    throw new BadParamError('invalid parameter "end": end timestamp must not be before start time');
  const q = await needStorage(deps).querier(start, end);
  try {
    // Select everything first, so a failing select still answers with a proper error.
    const selected = [];
    for (const matchers of sets)
      selected.push(await q.select(true, { start, end }, matchers, ctx.signal));
    const res = ctx.res;
    res.writeHead(200, { 'Content-Type': contentType });
    const seen = new Set<string>();
    const ts: number[] = [];
    let vs = new Float64Array(1024);
    for (const set of selected) {
      while (set.next()) {
        const s = set.at();
        const key = s.labels.flat.join('\u0000');
        if (seen.has(key)) continue;
        seen.add(key);
        const it = s.iterator();
        ts.length = 0;
        while (it.next() !== 'none') {
          const v = it.atF();
          if (isStaleNaN(v)) continue;
          if (ts.length === vs.length) {
            const bigger = new Float64Array(vs.length * 2);
            bigger.set(vs);
            vs = bigger;
          }
          vs[ts.length] = v;
          ts.push(it.atT());
        }
        if (it.err() || ts.length === 0) continue;
        if (!res.write(writer(s.labels, ts, vs.subarray(0, ts.length))))
          await new Promise((r) => res.once('drain', r));
      }
    }
    res.end();
  } finally {
    q.close();
  }
}

/** Adds the export endpoints. */
export function addExportRoutes(router: Router, deps: ApiV1Deps): void {
  router.add(['GET', 'POST'], '/api/v1/export', async (ctx) => {
    const p = await formParams(ctx);
    await exportSeries(ctx, deps, p, 'application/stream+json', jsonLines);
  });
  router.add(['GET', 'POST'], '/api/v1/export/csv', async (ctx) => {
    const p = await formParams(ctx);
    const writer = csvWriter(parseCsvFields(p.get('format')));
    await exportSeries(ctx, deps, p, 'text/csv; charset=utf-8', writer);
  });
  router.add(['GET', 'POST'], '/api/v1/export/prometheus', async (ctx) => {
    const p = await formParams(ctx);
    await exportSeries(ctx, deps, p, 'text/plain; version=0.0.4; charset=utf-8', promText);
  });
}
