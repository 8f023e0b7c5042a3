import { ExpositionError, PromTextParser } from '../parsers/index.js';
import { sanitizeLabelName, sanitizeMetricName } from './naming.js';
import type { Batch, IngestPipeline, IngestResult } from './pipeline.js';

async function finish(batch: Batch): Promise<IngestResult> {
  try {
    return await batch.commit();
  } catch (e) {
    await batch.rollback().catch(() => undefined);
    throw e;
  }
}

/**
 * Imports JSON lines, one series per line, as VictoriaMetrics exports them:
 * `{"metric":{"__name__":"up","job":"a"},"values":[1,2],"timestamps":[1700000000000,…]}`.
 * Timestamps are ms. A bad line is rejected with its number; the others are stored.
 */
export async function importJSONLines(p: IngestPipeline, body: string): Promise<IngestResult> {
  const batch = p.batch();
  let line = 0;
  for (const raw of body.split('\n')) {
    line++;
    const text = raw.trim();
    if (text === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      batch.reject(line, `line ${line}: invalid JSON: ${(e as Error).message}`);
      continue;
    }
    const err = importOne(batch, obj, line);
    if (err !== '') batch.reject(line, `line ${line}: ${err}`);
  }
  return finish(batch);
}

function importOne(batch: Batch, obj: unknown, line: number): string {
  if (typeof obj !== 'object' || obj === null) return 'expected a JSON object';
  const o = obj as Record<string, unknown>;
  const metric = o['metric'];
  const values = o['values'];
  const timestamps = o['timestamps'];
  if (typeof metric !== 'object' || metric === null || Array.isArray(metric))
    return 'missing "metric" object';
  if (!Array.isArray(values)) return 'missing "values" array';
  if (!Array.isArray(timestamps)) return 'missing "timestamps" array';
  if (values.length !== timestamps.length) {
    return `"values" has ${values.length} entries but "timestamps" has ${timestamps.length}`;
  }
  const flat: string[] = [];
  for (const [k, v] of Object.entries(metric as Record<string, unknown>)) {
    if (typeof v !== 'string') return `label ${JSON.stringify(k)} must be a string`;
    flat.push(k, v);
  }
  const key = JSON.stringify(flat);
  for (let i = 0; i < values.length; i++) {
    const t: unknown = timestamps[i];
    const raw: unknown = values[i];
    const v =
      typeof raw === 'number'
        ? raw
        : raw === null
          ? NaN
          : typeof raw === 'string'
            ? parseSpecial(raw)
            : undefined;
    if (typeof t !== 'number' || !Number.isSafeInteger(t))
      return `timestamps[${i}] is not an integer in ms`;
    if (v === undefined) return `values[${i}] is not a number`;
    batch.add(key, () => flat, t, v, line);
  }
  return '';
}

function parseSpecial(s: string): number | undefined {
  if (s === 'NaN') return NaN;
  if (s === 'Inf' || s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  const n = Number(s);
  return s.trim() !== '' && !Number.isNaN(n) ? n : undefined;
}

/** One column of a CSV import spec (`<column>:<type>:<context>`, 1-based columns). */
export type CSVColumn =
  | {
      readonly col: number;
      readonly kind: 'time';
      readonly format: 'unix_s' | 'unix_ms' | 'unix_ns' | 'rfc3339';
    }
  | { readonly col: number; readonly kind: 'label'; readonly name: string }
  | { readonly col: number; readonly kind: 'metric'; readonly name: string };

/** Thrown for an invalid CSV column spec (the `format` parameter). */
export class CSVFormatError extends Error {
  override readonly name = 'CSVFormatError';
}

/**
 * Parses a VictoriaMetrics-style CSV format spec, for example
 * `1:time:unix_s,2:label:host,3:metric:cpu_usage`.
 */
export function parseCSVFormat(spec: string): CSVColumn[] {
  const cols: CSVColumn[] = [];
  for (const part of spec.split(',')) {
    const m = /^(\d+):(time|label|metric):(.+)$/.exec(part.trim());
    if (!m)
      throw new CSVFormatError(
        `invalid column spec ${JSON.stringify(part)}; want <column>:<time|label|metric>:<context>`,
      );
    const col = Number(m[1]);
    if (col < 1) throw new CSVFormatError(`column numbers start at 1, got ${col}`);
    const ctx = m[3]!;
    if (m[2] === 'time') {
      if (ctx !== 'unix_s' && ctx !== 'unix_ms' && ctx !== 'unix_ns' && ctx !== 'rfc3339') {
        throw new CSVFormatError(
          `unknown time format ${JSON.stringify(ctx)}; want unix_s, unix_ms, unix_ns or rfc3339`,
        );
      }
      cols.push({ col, kind: 'time', format: ctx });
    } else cols.push({ col, kind: m[2] === 'label' ? 'label' : 'metric', name: ctx });
  }
  if (!cols.some((c) => c.kind === 'metric'))
    throw new CSVFormatError('the format needs at least one metric column');
  if (cols.filter((c) => c.kind === 'time').length > 1)
    throw new CSVFormatError('the format has more than one time column');
  return cols;
}

/** Imports CSV rows by a column spec; rows without a time column get `now`. */
export async function importCSV(
  p: IngestPipeline,
  body: string,
  cols: readonly CSVColumn[],
  now: number,
): Promise<IngestResult> {
  const batch = p.batch();
  const timeCol = cols.find((c) => c.kind === 'time');
  let line = 0;
  for (const raw of body.split('\n')) {
    line++;
    const text = raw.replace(/\r$/, '');
    if (text.trim() === '') continue;
    const fields = splitCSV(text);
    let t = now;
    if (timeCol) {
      const tv = fields[timeCol.col - 1];
      const parsed = tv === undefined ? undefined : parseTime(tv, timeCol.format);
      if (parsed === undefined) {
        batch.reject(
          line,
          `line ${line}: invalid time ${JSON.stringify(tv ?? '')} in column ${timeCol.col}`,
          cols.length,
        );
        continue;
      }
      t = parsed;
    }
    const labels: string[] = [];
    for (const c of cols)
      if (c.kind === 'label') labels.push(sanitizeLabelName(c.name), fields[c.col - 1] ?? '');
    const key = labels.join('\u0000');
    for (const c of cols) {
      if (c.kind !== 'metric') continue;
      const raw = fields[c.col - 1];
      const v = raw === undefined || raw.trim() === '' ? undefined : parseSpecial(raw.trim());
      if (v === undefined) {
        batch.reject(
          line,
          `line ${line}: invalid value ${JSON.stringify(raw ?? '')} in column ${c.col}`,
        );
        continue;
      }
      const name = sanitizeMetricName(c.name);
      batch.add(`${name}\u0001${key}`, () => ['__name__', name, ...labels], t, v, line);
    }
  }
  return finish(batch);
}

function parseTime(s: string, f: 'unix_s' | 'unix_ms' | 'unix_ns' | 'rfc3339'): number | undefined {
  const v = s.trim();
  switch (f) {
    case 'unix_s': {
      const n = Number(v);
      return v !== '' && Number.isFinite(n) ? Math.round(n * 1000) : undefined;
    }
    case 'unix_ms': {
      const n = Number(v);
      return v !== '' && Number.isFinite(n) ? Math.round(n) : undefined;
    }
    case 'unix_ns':
      return /^-?\d+$/.test(v) ? Number(BigInt(v) / 1_000_000n) : undefined;
    case 'rfc3339': {
      const n = Date.parse(v);
      return Number.isNaN(n) ? undefined : n;
    }
  }
}

/** Splits one CSV line (RFC 4180 quoting). */
export function splitCSV(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * Imports the Prometheus text format with optional timestamps (ms); samples without one get
 * `now`. A syntax error stops at that line: what came before it is stored and the error names
 * the line.
 */
export async function importPrometheusText(
  p: IngestPipeline,
  body: string,
  now: number,
): Promise<IngestResult> {
  const batch = p.batch();
  const parser = new PromTextParser(body);
  try {
    for (;;) {
      const k = parser.next();
      if (k === 'end') break;
      if (k !== 'series') continue;
      const ts = parser.timestampMs() ?? now;
      batch.add(
        parser.seriesKey(),
        () => ['__name__', parser.metricName(), ...parser.labels([])],
        ts,
        parser.value(),
        parser.lineNumber,
      );
    }
  } catch (e) {
    if (!(e instanceof ExpositionError)) throw e;
    batch.reject(e.line, e.message);
  }
  return finish(batch);
}
