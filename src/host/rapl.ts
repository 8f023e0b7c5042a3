/**
 * The `rapl` collector: Intel/AMD Running Average Power Limit energy counters from
 * `/sys/class/powercap`. Names, help texts and labels are node_exporter 1.5's (without
 * `--collector.rapl.enable-zone-label`).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  type CollectContext,
  NoDataError,
  isNotFound,
  isPermission,
  parseUint,
  readText,
  sysPath,
} from './context.js';
import { MetricFamily } from './family.js';

/** A powercap zone that has a name. */
interface Zone {
  readonly name: string;
  readonly index: number;
  readonly path: string;
}

/** node_exporter's metric-name sanitising: runs of other characters (with adjacent `_`) → `_`. */
function sanitize(name: string): string {
  return name.replace(/_*[^0-9A-Za-z_]+_*/g, '_');
}

/** Lists the zones: `package-1` is name `package`, index 1; repeated plain names count up. */
async function zones(base: string): Promise<Zone[]> {
  const out: Zone[] = [];
  const used = new Map<string, number>();
  for (const dir of (await readdir(base)).sort()) {
    const zonePath = path.join(base, dir);
    let raw: string;
    try {
      raw = await readText(path.join(zonePath, 'name'));
    } catch {
      continue; // the control type directory (intel-rapl) has no name
    }
    let name = raw.trim();
    let index: number;
    const parts = name.split('-');
    if (parts.length === 2 && /^[+-]?\d+$/.test(parts[1] ?? '')) {
      index = Number(parts[1]);
      name = parts[0] ?? '';
    } else {
      index = used.get(name) ?? 0;
    }
    // node_exporter requires a readable range file even though it does not report it.
    parseUint(await readText(path.join(zonePath, 'max_energy_range_uj')), 'max_energy_range_uj');
    out.push({ name, index, path: zonePath });
    used.set(name, index + 1);
  }
  return out;
}

/**
 * Reports `node_rapl_<zone>_joules_total{index,path}` per powercap zone. No
 * `/sys/class/powercap`, or files the process may not read (`energy_uj` is root-only on current
 * kernels), is NoDataError, as in node_exporter.
 */
export async function collectRapl(ctx: CollectContext): Promise<MetricFamily[]> {
  const base = sysPath(ctx, 'class', 'powercap');
  let list: Zone[];
  try {
    list = await zones(base);
  } catch (err) {
    if (isNotFound(err) || isPermission(err)) {
      throw new NoDataError('RAPL energy counters (/sys/class/powercap)');
    }
    throw err;
  }
  const families = new Map<string, MetricFamily>();
  for (const z of list) {
    let uj: number;
    try {
      uj = parseUint(await readText(path.join(z.path, 'energy_uj')), 'energy_uj');
    } catch (err) {
      if (isPermission(err)) throw new NoDataError('RAPL energy counters (energy_uj not readable)');
      throw err;
    }
    const metric = `node_rapl_${sanitize(z.name)}_joules_total`;
    let f = families.get(metric);
    if (f === undefined) {
      f = new MetricFamily(metric, `Current RAPL ${z.name} value in joules`, 'counter', [
        'index',
        'path',
      ]);
      families.set(metric, f);
    }
    f.add(uj / 1e6, String(z.index), z.path);
  }
  return [...families.values()];
}
