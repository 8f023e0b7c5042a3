/** The `textfile` collector: metrics from `*.prom` files in a directory. */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CollectContext } from './context.js';
import { MetricFamily, formatValue } from './family.js';
import { type ParsedFamily, parseTextfile } from './textparse.js';

/** Builds one output family from the parsed families of one name, filling missing labels with "". */
function toFamily(name: string, parts: ParsedFamily[], files: string[]): MetricFamily {
  const first = parts[0];
  const type = first?.type ?? 'untyped';
  const composite = type === 'summary' || type === 'histogram';
  const names = new Set<string>();
  for (const p of parts) {
    for (const s of p.samples)
      for (let j = 0; j < s.labels.length; j += 2) names.add(s.labels[j] ?? '');
  }
  if (type === 'histogram') names.add('le');
  if (type === 'summary') names.add('quantile');
  const labelNames = [...names].sort();
  const help = parts.find((p) => p.help !== null)?.help ?? `Metric read from ${files.join(', ')}`;
  const fam = new MetricFamily(name, help, type, labelNames);
  if (composite) {
    addComposite(fam, parts, labelNames);
    return fam;
  }
  const values: string[] = new Array<string>(labelNames.length);
  for (const p of parts) {
    for (const s of p.samples) {
      values.fill('');
      for (let j = 0; j < s.labels.length; j += 2) {
        values[labelNames.indexOf(s.labels[j] ?? '')] = s.labels[j + 1] ?? '';
      }
      fam.add(s.value, ...values);
    }
  }
  return fam;
}

/** One histogram or summary series: its other labels, buckets or quantiles, sum and count. */
interface CompositeSeries {
  readonly values: string[];
  readonly points: Map<number, number>;
  sum: number;
  count: number;
}

/**
 * Adds histogram or summary series the way node_exporter re-exports them: buckets (quantiles)
 * sorted by bound and formatted as floats, a `+Inf` bucket equal to the count when the file has
 * none, and `_sum`/`_count` defaulting to 0.
 */
function addComposite(fam: MetricFamily, parts: ParsedFamily[], labelNames: string[]): void {
  const bound = fam.type === 'histogram' ? 'le' : 'quantile';
  const boundAt = labelNames.indexOf(bound);
  const series = new Map<string, CompositeSeries>();
  for (const p of parts) {
    for (const s of p.samples) {
      const values = new Array<string>(labelNames.length).fill('');
      for (let j = 0; j < s.labels.length; j += 2) {
        values[labelNames.indexOf(s.labels[j] ?? '')] = s.labels[j + 1] ?? '';
      }
      const b = boundAt >= 0 ? (values[boundAt] ?? '') : '';
      if (boundAt >= 0) values[boundAt] = '';
      const key = values.join('\xff');
      let e = series.get(key);
      if (e === undefined) series.set(key, (e = { values, points: new Map(), sum: 0, count: 0 }));
      const suffix = s.name.slice(fam.name.length);
      if (suffix === '_sum') e.sum = s.value;
      else if (suffix === '_count') e.count = s.value;
      else e.points.set(Number(b.replace(/^([+-]?)[iI]nf$/, '$1Infinity')), s.value);
    }
  }
  for (const e of series.values()) {
    if (fam.type === 'histogram' && !e.points.has(Infinity)) e.points.set(Infinity, e.count);
    const point = fam.type === 'histogram' ? '_bucket' : '';
    for (const [b, v] of [...e.points].sort((x, y) => x[0] - y[0])) {
      const values = e.values.slice();
      values[boundAt] = formatValue(b);
      fam.addWithSuffix(point, v, values);
    }
    fam.addWithSuffix('_sum', e.sum, e.values);
    fam.addWithSuffix('_count', e.count, e.values);
  }
}

/**
 * Reads every `*.prom` file of `textfileDirectory` (in name order), parses each strictly, and
 * reports their families plus `node_textfile_mtime_seconds{file}` for the files read and
 * `node_textfile_scrape_error` (1 when the directory or any file could not be read or parsed, or
 * when files disagree on a family's type; such files are skipped whole).
 */
export async function collectTextfile(ctx: CollectContext): Promise<MetricFamily[]> {
  const dir = ctx.opts.textfileDirectory;
  let errored = false;
  const byName = new Map<string, { parts: ParsedFamily[]; files: string[] }>();
  const mtimes = new MetricFamily(
    'node_textfile_mtime_seconds',
    'Unixtime mtime of textfiles successfully read.',
    'gauge',
    ['file'],
  );
  let names: string[] = [];
  if (dir !== '') {
    try {
      names = (await readdir(dir)).filter((n) => n.endsWith('.prom')).sort();
    } catch (err) {
      errored = true;
      ctx.logger.error('cannot read textfile directory', { path: dir, err: String(err) });
    }
  }
  for (const n of names) {
    const file = path.join(dir, n);
    let fams: ParsedFamily[];
    let mtimeMs: number;
    try {
      const [text, st] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
      fams = parseTextfile(text, file);
      mtimeMs = st.mtimeMs;
    } catch (err) {
      errored = true;
      ctx.logger.error('cannot collect textfile', {
        file,
        err: err instanceof Error ? err.message : String(err),
      });
      continue;
    }
    const clash = fams.some((f) => {
      const prev = byName.get(f.name)?.parts[0];
      return prev !== undefined && prev.type !== f.type;
    });
    if (clash) {
      errored = true;
      ctx.logger.error('cannot collect textfile: a family has another type in an earlier file', {
        file,
      });
      continue;
    }
    for (const f of fams) {
      let e = byName.get(f.name);
      if (e === undefined) byName.set(f.name, (e = { parts: [], files: [] }));
      e.parts.push(f);
      e.files.push(file);
    }
    mtimes.add(Math.floor(mtimeMs / 1000), file);
  }
  const out: MetricFamily[] = [];
  for (const [name, e] of byName) out.push(toFamily(name, e.parts, e.files));
  out.push(mtimes);
  const err = new MetricFamily(
    'node_textfile_scrape_error',
    '1 if there was an error opening or reading a file, 0 otherwise',
    'gauge',
  );
  err.add(errored ? 1 : 0);
  out.push(err);
  return out;
}
