/**
 * The `cpufreq` collector: CPU frequencies from `/sys/devices/system/cpu/cpu<N>/cpufreq/`, in
 * hertz (the kernel writes kHz). Names, help texts and labels are node_exporter 1.5's.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  type CollectContext,
  isNotFound,
  isPermission,
  parseUint,
  readText,
  sysPath,
} from './context.js';
import { MetricFamily } from './family.js';

/** The frequency files, their metric names and help texts, in node_exporter's order. */
const FREQS = [
  ['cpuinfo_cur_freq', 'node_cpu_frequency_hertz', 'Current cpu thread frequency in hertz.'],
  ['cpuinfo_min_freq', 'node_cpu_frequency_min_hertz', 'Minimum cpu thread frequency in hertz.'],
  ['cpuinfo_max_freq', 'node_cpu_frequency_max_hertz', 'Maximum cpu thread frequency in hertz.'],
  [
    'scaling_cur_freq',
    'node_cpu_scaling_frequency_hertz',
    'Current scaled CPU thread frequency in hertz.',
  ],
  [
    'scaling_min_freq',
    'node_cpu_scaling_frequency_min_hertz',
    'Minimum scaled CPU thread frequency in hertz.',
  ],
  [
    'scaling_max_freq',
    'node_cpu_scaling_frequency_max_hertz',
    'Maximum scaled CPU thread frequency in hertz.',
  ],
] as const;

/**
 * Text files every cpufreq policy has; node_exporter reads them too (without reporting them), so
 * a policy that lacks one fails the collector there and here.
 */
const REQUIRED = [
  'scaling_available_governors',
  'scaling_driver',
  'scaling_governor',
  'related_cpus',
  'scaling_setspeed',
] as const;

/** Reads a kHz value; null when the file is missing or not readable (cpuinfo_cur_freq is 0400). */
async function readKhz(file: string): Promise<number | null> {
  try {
    return parseUint(await readText(file), file);
  } catch (err) {
    if (isNotFound(err) || isPermission(err)) return null;
    throw err;
  }
}

/** Whether a path exists (following symlinks, as cpu<N>/cpufreq is a link to a policy). */
async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/**
 * Reports `node_cpu_frequency_{,min_,max_}hertz` and `node_cpu_scaling_frequency_{,min_,max_}hertz`
 * per `cpu`. CPUs without a cpufreq directory are skipped; a host without any reports nothing
 * and succeeds, as node_exporter does.
 */
export async function collectCpufreq(ctx: CollectContext): Promise<MetricFamily[]> {
  const base = sysPath(ctx, 'devices', 'system', 'cpu');
  const families = FREQS.map(([, name, help]) => new MetricFamily(name, help, 'gauge', ['cpu']));
  let entries: string[] = [];
  try {
    entries = await readdir(base);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const cpus = entries.filter((n) => /^cpu[0-9]/.test(n)).sort();
  const per = await Promise.all(
    cpus.map(async (cpu): Promise<(number | null)[] | null> => {
      const dir = path.join(base, cpu, 'cpufreq');
      if (!(await exists(dir))) return null;
      const values = await Promise.all(FREQS.map(([file]) => readKhz(path.join(dir, file))));
      await Promise.all(REQUIRED.map((file) => readText(path.join(dir, file))));
      return values;
    }),
  );
  per.forEach((values, i) => {
    const cpu = (cpus[i] ?? '').slice('cpu'.length);
    values?.forEach((khz, j) => {
      if (khz !== null) families[j]?.add(khz * 1000, cpu);
    });
  });
  return families;
}
