/** The `cpu` and `stat` collectors: `/proc/stat`. */
import {
  type CollectContext,
  parseNum,
  procPath,
  readOptional,
  readText,
  sysPath,
} from './context.js';
import { MetricFamily } from './family.js';

/** Kernel clock ticks per second of `/proc/stat` (USER_HZ, 100 on every Linux ABI). */
const USER_HZ = 100;

/** An idle counter that steps back by at least this many seconds means a hotplugged CPU. */
const JUMP_BACK_SECONDS = 3;

/** Modes of the `cpuN` lines in column order (after the name), then the two guest columns. */
const CPU_COLUMNS = [
  'user',
  'nice',
  'system',
  'idle',
  'iowait',
  'irq',
  'softirq',
  'steal',
  'guest',
  'guest_nice',
] as const;

/** Index of `idle` in CPU_COLUMNS. */
const IDLE = 3;

/**
 * Reports `node_cpu_seconds_total{cpu,mode}`, `node_cpu_guest_seconds_total{cpu,mode}`, the
 * thermal throttle counters and isolated CPUs. Like node_exporter, counters never go backwards
 * between scrapes of one collector: a smaller reading keeps the previous value, except that an
 * idle counter falling by 3 s or more (a hotplugged CPU) resets that CPU.
 */
export async function collectCpu(ctx: CollectContext): Promise<MetricFamily[]> {
  const text = await readText(procPath(ctx, 'stat'));
  const seconds = new MetricFamily(
    'node_cpu_seconds_total',
    'Seconds the CPUs spent in each mode.',
    'counter',
    ['cpu', 'mode'],
  );
  const guest = new MetricFamily(
    'node_cpu_guest_seconds_total',
    'Seconds the CPUs spent in guests (VMs) for each mode.',
    'counter',
    ['cpu', 'mode'],
  );
  const prev = ctx.state.cpuPrevious;
  // Rows by CPU number. Like node_exporter, CPUs missing below the highest one (offline after
  // hotplug) are reported with zeros, and absent guest columns count as zero.
  const rows: (string[] | undefined)[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu') || line.startsWith('cpu ')) continue;
    const f = line.trim().split(/\s+/);
    const cpu = (f[0] ?? '').slice(3);
    if (!/^\d+$/.test(cpu)) throw new Error(`cannot parse /proc/stat: bad cpu line ${line}`);
    rows[Number(cpu)] = f;
  }
  const cpus: string[] = [];
  for (let n = 0; n < rows.length; n++) {
    const f = rows[n] ?? [];
    const cpu = String(n);
    cpus.push(cpu);
    const idleRaw = f[IDLE + 1];
    const oldIdle = prev.get(`${cpu}/idle`);
    if (idleRaw !== undefined && oldIdle !== undefined) {
      if (oldIdle - parseNum(idleRaw, 'idle') / USER_HZ >= JUMP_BACK_SECONDS) {
        for (const m of CPU_COLUMNS) prev.delete(`${cpu}/${m}`);
      }
    }
    for (let m = 0; m < CPU_COLUMNS.length; m++) {
      const mode = CPU_COLUMNS[m] ?? '';
      const raw = f[m + 1] ?? '0';
      const key = `${cpu}/${mode}`;
      const v = Math.max(
        parseNum(raw, `/proc/stat cpu${cpu} ${mode}`) / USER_HZ,
        prev.get(key) ?? 0,
      );
      prev.set(key, v);
      if (mode === 'guest') guest.add(v, cpu, 'user');
      else if (mode === 'guest_nice') guest.add(v, cpu, 'nice');
      else seconds.add(v, cpu, mode);
    }
  }
  return [seconds, guest, ...(await throttles(ctx, cpus)), await isolated(ctx)];
}

/** Parses a CPU list such as `0-2,5` into CPU numbers. */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (m === null) throw new Error(`cannot parse cpu list: bad range ${JSON.stringify(part)}`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    for (let c = lo; c <= hi; c++) out.push(c);
  }
  return out;
}

/** `node_cpu_isolated{cpu}` from `/sys/devices/system/cpu/isolated`. */
async function isolated(ctx: CollectContext): Promise<MetricFamily> {
  const f = new MetricFamily(
    'node_cpu_isolated',
    'Whether each core is isolated, information from /sys/devices/system/cpu/isolated.',
    'gauge',
    ['cpu'],
  );
  const text = await readOptional(sysPath(ctx, 'devices', 'system', 'cpu', 'isolated'));
  for (const c of parseCpuList(text ?? '')) f.add(1, String(c));
  return f;
}

/** Core and package thermal throttle counters (x86 `thermal_throttle` in sysfs). */
async function throttles(ctx: CollectContext, cpus: readonly string[]): Promise<MetricFamily[]> {
  const core = new MetricFamily(
    'node_cpu_core_throttles_total',
    'Number of times this CPU core has been throttled.',
    'counter',
    ['core', 'package'],
  );
  const pkg = new MetricFamily(
    'node_cpu_package_throttles_total',
    'Number of times this CPU package has been throttled.',
    'counter',
    ['package'],
  );
  const seenCore = new Set<string>();
  const seenPkg = new Set<string>();
  for (const cpu of cpus) {
    const dir = sysPath(ctx, 'devices', 'system', 'cpu', `cpu${cpu}`);
    const [p, c] = await Promise.all([
      readOptional(`${dir}/topology/physical_package_id`),
      readOptional(`${dir}/topology/core_id`),
    ]);
    if (p === null || c === null) continue;
    const pid = p.trim();
    const cid = c.trim();
    if (!seenCore.has(`${pid}/${cid}`)) {
      seenCore.add(`${pid}/${cid}`);
      const n = await readOptional(`${dir}/thermal_throttle/core_throttle_count`);
      if (n !== null) core.add(parseNum(n.trim(), 'core_throttle_count'), cid, pid);
    }
    if (!seenPkg.has(pid)) {
      seenPkg.add(pid);
      const n = await readOptional(`${dir}/thermal_throttle/package_throttle_count`);
      if (n !== null) pkg.add(parseNum(n.trim(), 'package_throttle_count'), pid);
    }
  }
  return [core, pkg];
}

/**
 * Reports boot time, context switches, forks, interrupts and running/blocked processes from
 * `/proc/stat`.
 */
export async function collectStat(ctx: CollectContext): Promise<MetricFamily[]> {
  const text = await readText(procPath(ctx, 'stat'));
  const boot = new MetricFamily('node_boot_time_seconds', 'Node boot time, in unixtime.', 'gauge');
  const ctxt = new MetricFamily(
    'node_context_switches_total',
    'Total number of context switches.',
    'counter',
  );
  const forks = new MetricFamily('node_forks_total', 'Total number of forks.', 'counter');
  const intr = new MetricFamily(
    'node_intr_total',
    'Total number of interrupts serviced.',
    'counter',
  );
  const running = new MetricFamily(
    'node_procs_running',
    'Number of processes in runnable state.',
    'gauge',
  );
  const blocked = new MetricFamily(
    'node_procs_blocked',
    'Number of processes blocked waiting for I/O to complete.',
    'gauge',
  );
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp < 0) continue;
    const key = line.slice(0, sp);
    const rest = line.slice(sp + 1).trimStart();
    const first = rest.slice(0, rest.indexOf(' ') < 0 ? rest.length : rest.indexOf(' '));
    switch (key) {
      case 'btime':
        boot.add(parseNum(first, '/proc/stat btime'));
        break;
      case 'ctxt':
        ctxt.add(parseNum(first, '/proc/stat ctxt'));
        break;
      case 'processes':
        forks.add(parseNum(first, '/proc/stat processes'));
        break;
      case 'intr':
        intr.add(parseNum(first, '/proc/stat intr'));
        break;
      case 'procs_running':
        running.add(parseNum(first, '/proc/stat procs_running'));
        break;
      case 'procs_blocked':
        blocked.add(parseNum(first, '/proc/stat procs_blocked'));
        break;
      default:
        break;
    }
  }
  return [boot, ctxt, forks, intr, running, blocked];
}
