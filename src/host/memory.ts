/** The `meminfo` and `vmstat` collectors: `/proc/meminfo` and `/proc/vmstat`. */
import { type CollectContext, parseNum, procPath, readText } from './context.js';
import { MetricFamily } from './family.js';

/**
 * Reports one gauge per `/proc/meminfo` field: `node_memory_<Field>_bytes` for fields in kB
 * (converted to bytes), `node_memory_<Field>` for counts such as `HugePages_Total`. Parentheses in
 * field names become underscores (`Active(anon)` → `Active_anon`).
 */
export async function collectMeminfo(ctx: CollectContext): Promise<MetricFamily[]> {
  const text = await readText(procPath(ctx, 'meminfo'));
  const out: MetricFamily[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon < 0) throw new Error(`cannot parse /proc/meminfo: bad line ${JSON.stringify(line)}`);
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    let value = parseNum(fields[0], `/proc/meminfo ${line.slice(0, colon)}`);
    let key = line.slice(0, colon).replace(/\((.*)\)/, '_$1');
    if (fields[1] === 'kB') {
      value *= 1024;
      key += '_bytes';
    }
    const fam = new MetricFamily(`node_memory_${key}`, `Memory information field ${key}.`, 'gauge');
    fam.add(value);
    out.push(fam);
  }
  return out;
}

/** Reports the `/proc/vmstat` fields matching `vmstatFields` as untyped `node_vmstat_<field>`. */
export async function collectVmstat(ctx: CollectContext): Promise<MetricFamily[]> {
  const text = await readText(procPath(ctx, 'vmstat'));
  const out: MetricFamily[] = [];
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp < 0) continue;
    const key = line.slice(0, sp);
    if (!ctx.opts.vmstatFields.test(key)) continue;
    const fam = new MetricFamily(
      `node_vmstat_${key}`,
      `/proc/vmstat information field ${key}.`,
      'untyped',
    );
    fam.add(parseNum(line.slice(sp + 1).trim(), `/proc/vmstat ${key}`));
    out.push(fam);
  }
  return out;
}
