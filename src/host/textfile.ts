/** The `textfile` collector: metrics from `*.prom` files in a directory. */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CollectContext } from './context.js';
import { MetricFamily } from './family.js';
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
  const labelNames = [...names].sort();
  const help = parts.find((p) => p.help !== null)?.help ?? `Metric read from ${files.join(', ')}`;
  const fam = new MetricFamily(name, help, type, labelNames);
  const values: string[] = new Array<string>(labelNames.length);
  for (const p of parts) {
    for (const s of p.samples) {
      values.fill('');
      for (let j = 0; j < s.labels.length; j += 2) {
        values[labelNames.indexOf(s.labels[j] ?? '')] = s.labels[j + 1] ?? '';
      }
      if (composite) fam.addWithSuffix(s.name.slice(name.length), s.value, values);
      else fam.add(s.value, ...values);
    }
  }
  return fam;
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
