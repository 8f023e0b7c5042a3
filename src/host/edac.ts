/**
 * The `edac` collector: ECC memory error counts from `/sys/devices/system/edac/mc`. Names, help
 * texts and labels are node_exporter 1.5's.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { type CollectContext, isNotFound, parseUint, readText, sysPath } from './context.js';
import { MetricFamily } from './family.js';

/** Directories of `dir` named `<prefix><digit>…`, sorted, with the leading digits of each. */
async function numbered(dir: string, prefix: string): Promise<[name: string, num: string][]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  const re = new RegExp(`^${prefix}([0-9]+)`);
  const out: [string, string][] = [];
  for (const n of names.sort()) {
    const m = re.exec(n);
    if (m !== null) out.push([n, m[1] ?? '']);
  }
  return out;
}

async function count(file: string, what: string): Promise<number> {
  try {
    return parseUint(await readText(file), file);
  } catch (err) {
    throw new Error(`cannot read ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Reports `node_edac_{correctable,uncorrectable}_errors_total{controller}` and
 * `node_edac_csrow_{correctable,uncorrectable}_errors_total{controller,csrow}` (csrow `unknown`
 * for errors without row information). A host without EDAC succeeds with no series, as in
 * node_exporter; an unreadable count fails the collector.
 */
export async function collectEdac(ctx: CollectContext): Promise<MetricFamily[]> {
  const ce = new MetricFamily(
    'node_edac_correctable_errors_total',
    'Total correctable memory errors.',
    'counter',
    ['controller'],
  );
  const ue = new MetricFamily(
    'node_edac_uncorrectable_errors_total',
    'Total uncorrectable memory errors.',
    'counter',
    ['controller'],
  );
  const rowCe = new MetricFamily(
    'node_edac_csrow_correctable_errors_total',
    'Total correctable memory errors for this csrow.',
    'counter',
    ['controller', 'csrow'],
  );
  const rowUe = new MetricFamily(
    'node_edac_csrow_uncorrectable_errors_total',
    'Total uncorrectable memory errors for this csrow.',
    'counter',
    ['controller', 'csrow'],
  );
  const base = sysPath(ctx, 'devices', 'system', 'edac', 'mc');
  for (const [dir, mc] of await numbered(base, 'mc')) {
    const p = path.join(base, dir);
    ce.add(await count(path.join(p, 'ce_count'), `ce_count of controller ${mc}`), mc);
    rowCe.add(
      await count(path.join(p, 'ce_noinfo_count'), `ce_noinfo_count of controller ${mc}`),
      mc,
      'unknown',
    );
    ue.add(await count(path.join(p, 'ue_count'), `ue_count of controller ${mc}`), mc);
    rowUe.add(
      await count(path.join(p, 'ue_noinfo_count'), `ue_noinfo_count of controller ${mc}`),
      mc,
      'unknown',
    );
    for (const [rowDir, row] of await numbered(p, 'csrow')) {
      const r = path.join(p, rowDir);
      rowCe.add(await count(path.join(r, 'ce_count'), `ce_count of csrow ${mc}/${row}`), mc, row);
      rowUe.add(await count(path.join(r, 'ue_count'), `ue_count of csrow ${mc}/${row}`), mc, row);
    }
  }
  return [ce, ue, rowCe, rowUe];
}
