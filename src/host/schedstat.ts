/**
 * The `schedstat` collector: per-CPU scheduler statistics from `/proc/schedstat`. Names, help
 * texts and labels are node_exporter 1.5's.
 */
import { type CollectContext, NoDataError, isNotFound, procPath, readText } from './context.js';
import { MetricFamily } from './family.js';

/** A `cpu<N>` line: the CPU number and nine counters (the last three are reported). */
const CPU_LINE = /cpu(\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)/;

/** Largest value a counter may have (uint64); larger lines are skipped, as node_exporter does. */
const U64_MAX = 2 ** 64;

/**
 * Reports `node_schedstat_{running,waiting}_seconds_total` and `node_schedstat_timeslices_total`
 * per `cpu`. No `/proc/schedstat` (a kernel without CONFIG_SCHEDSTATS) is NoDataError.
 */
export async function collectSchedstat(ctx: CollectContext): Promise<MetricFamily[]> {
  let text: string;
  try {
    text = await readText(procPath(ctx, 'schedstat'));
  } catch (err) {
    if (isNotFound(err)) throw new NoDataError('scheduler statistics (/proc/schedstat)');
    throw err;
  }
  const running = new MetricFamily(
    'node_schedstat_running_seconds_total',
    'Number of seconds CPU spent running a process.',
    'counter',
    ['cpu'],
  );
  const waiting = new MetricFamily(
    'node_schedstat_waiting_seconds_total',
    'Number of seconds spent by processing waiting for this CPU.',
    'counter',
    ['cpu'],
  );
  const slices = new MetricFamily(
    'node_schedstat_timeslices_total',
    'Number of timeslices executed by CPU.',
    'counter',
    ['cpu'],
  );
  for (const line of text.split('\n')) {
    const m = CPU_LINE.exec(line);
    if (m === null) continue;
    const run = Number(m[8]);
    const wait = Number(m[9]);
    const n = Number(m[10]);
    if (run >= U64_MAX || wait >= U64_MAX || n >= U64_MAX) continue;
    const cpu = m[1] ?? '';
    running.add(run / 1e9, cpu);
    waiting.add(wait / 1e9, cpu);
    slices.add(n, cpu);
  }
  return [running, waiting, slices];
}
