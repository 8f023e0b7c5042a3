/** The `cpu` and `stat` collectors: `/proc/stat`. */
import { type CollectContext, parseNum, procPath, readText } from './context.js';
import { MetricFamily } from './family.js';

/** Kernel clock ticks per second of `/proc/stat` (USER_HZ, 100 on every Linux ABI). */
const USER_HZ = 100;

/** Counters that may step back by more than this many seconds are taken as a reset. */
const JUMP_BACK_SECONDS = 3;

/** Modes of the `cpuN` lines in column order (after the name). */
const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

/**
 * Reports `node_cpu_seconds_total{cpu,mode}` and `node_cpu_guest_seconds_total{cpu,mode}`.
 * Like node_exporter, a counter that steps back a little (iowait and idle do on some kernels) keeps
 * its previous value; a large step back is taken as a reset.
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
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu') || line.startsWith('cpu ')) continue;
    const f = line.trim().split(/\s+/);
    const cpu = (f[0] ?? '').slice(3);
    if (!/^\d+$/.test(cpu)) throw new Error(`cannot parse /proc/stat: bad cpu line ${line}`);
    for (let m = 0; m < CPU_MODES.length; m++) {
      const mode = CPU_MODES[m] ?? '';
      const raw = f[m + 1];
      if (raw === undefined) continue;
      let v = parseNum(raw, `/proc/stat cpu${cpu} ${mode}`) / USER_HZ;
      const key = `${cpu}/${mode}`;
      const old = prev.get(key);
      if (old !== undefined && v < old && old - v <= JUMP_BACK_SECONDS) v = old;
      prev.set(key, v);
      seconds.add(v, cpu, mode);
    }
    if (f[9] !== undefined) guest.add(parseNum(f[9], 'guest') / USER_HZ, cpu, 'user');
    if (f[10] !== undefined) guest.add(parseNum(f[10], 'guest_nice') / USER_HZ, cpu, 'nice');
  }
  return [seconds, guest];
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
