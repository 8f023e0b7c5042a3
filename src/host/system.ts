/**
 * Small system collectors: `loadavg`, `uname`, `time`, `filefd`, `entropy` and `pressure`.
 */
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import {
  type CollectContext,
  NoDataError,
  isNotFound,
  parseNum,
  procPath,
  readOptional,
  readText,
  sysPath,
} from './context.js';
import { MetricFamily } from './family.js';

function single(name: string, help: string, type: 'gauge' | 'counter', v: number): MetricFamily {
  const f = new MetricFamily(name, help, type);
  f.add(v);
  return f;
}

/** Reports `node_load1`, `node_load5` and `node_load15` from `/proc/loadavg`. */
export async function collectLoadavg(ctx: CollectContext): Promise<MetricFamily[]> {
  const f = (await readText(procPath(ctx, 'loadavg'))).trim().split(/\s+/);
  return [
    single('node_load1', '1m load average.', 'gauge', parseNum(f[0], 'load1')),
    single('node_load5', '5m load average.', 'gauge', parseNum(f[1], 'load5')),
    single('node_load15', '15m load average.', 'gauge', parseNum(f[2], 'load15')),
  ];
}

/**
 * Reports `node_uname_info` from `<procfs>/sys/kernel/{ostype,hostname,osrelease,version,
 * domainname}` (what uname(2) returns) and the machine architecture of the running kernel.
 */
export async function collectUname(ctx: CollectContext): Promise<MetricFamily[]> {
  const read = async (name: string): Promise<string> =>
    (await readText(procPath(ctx, 'sys', 'kernel', name))).replace(/\n$/, '');
  const [sysname, nodename, release, version, domainname] = await Promise.all([
    read('ostype'),
    read('hostname'),
    read('osrelease'),
    read('version'),
    read('domainname'),
  ]);
  const f = new MetricFamily(
    'node_uname_info',
    'Labeled system information as provided by the uname system call.',
    'gauge',
    ['domainname', 'machine', 'nodename', 'release', 'sysname', 'version'],
  );
  f.add(1, domainname, os.machine(), nodename, release, sysname, version);
  return [f];
}

/**
 * Formats the short zone name; built once, as building it costs more than a whole collector, and
 * on first use, as creating any Intl formatter pages in ICU data (about 8 MB of resident memory)
 * that a process collecting no time metrics should not pay.
 */
let zoneFormat: Intl.DateTimeFormat | undefined;

/** The short name of the local time zone ("UTC", "CET", or "GMT+9" where none exists). */
function zoneName(d: Date): string {
  zoneFormat ??= new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' });
  const part = zoneFormat.formatToParts(d).find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'UTC';
}

/** Reports the system time, the time zone offset and the clock sources. */
export async function collectTime(ctx: CollectContext): Promise<MetricFamily[]> {
  const now = new Date();
  const time = single(
    'node_time_seconds',
    'System time in seconds since epoch (1970).',
    'gauge',
    now.getTime() / 1000,
  );
  const zone = new MetricFamily(
    'node_time_zone_offset_seconds',
    'System time zone offset in seconds.',
    'gauge',
    ['time_zone'],
  );
  const offset = -now.getTimezoneOffset() * 60;
  zone.add(offset === 0 ? 0 : offset, zoneName(now));
  const avail = new MetricFamily(
    'node_time_clocksource_available_info',
    "Available clocksources read from '/sys/devices/system/clocksource'.",
    'gauge',
    ['clocksource', 'device'],
  );
  const current = new MetricFamily(
    'node_time_clocksource_current_info',
    "Current clocksource read from '/sys/devices/system/clocksource'.",
    'gauge',
    ['clocksource', 'device'],
  );
  const base = sysPath(ctx, 'devices', 'system', 'clocksource');
  let names: string[] = [];
  try {
    names = (await readdir(base)).filter((n) => /^clocksource\d+$/.test(n));
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  for (const n of names) {
    const device = n.slice('clocksource'.length);
    const a = await readOptional(`${base}/${n}/available_clocksource`);
    const c = await readOptional(`${base}/${n}/current_clocksource`);
    for (const s of (a ?? '').trim().split(/\s+/)) if (s !== '') avail.add(1, s, device);
    if (c !== null && c.trim() !== '') current.add(1, c.trim(), device);
  }
  return [time, zone, avail, current];
}

/** Reports `node_filefd_allocated` and `node_filefd_maximum` from `/proc/sys/fs/file-nr`. */
export async function collectFilefd(ctx: CollectContext): Promise<MetricFamily[]> {
  const f = (await readText(procPath(ctx, 'sys', 'fs', 'file-nr'))).trim().split(/\s+/);
  return [
    single(
      'node_filefd_allocated',
      'File descriptor statistics: allocated.',
      'gauge',
      parseNum(f[0], 'file-nr allocated'),
    ),
    single(
      'node_filefd_maximum',
      'File descriptor statistics: maximum.',
      'gauge',
      parseNum(f[2], 'file-nr maximum'),
    ),
  ];
}

/** Reports the available entropy and the pool size from `/proc/sys/kernel/random`. */
export async function collectEntropy(ctx: CollectContext): Promise<MetricFamily[]> {
  const avail = await readText(procPath(ctx, 'sys', 'kernel', 'random', 'entropy_avail'));
  const out = [
    single(
      'node_entropy_available_bits',
      'Bits of available entropy.',
      'gauge',
      parseNum(avail.trim(), 'entropy_avail'),
    ),
  ];
  const pool = await readOptional(procPath(ctx, 'sys', 'kernel', 'random', 'poolsize'));
  if (pool !== null) {
    out.push(
      single(
        'node_entropy_pool_size_bits',
        'Bits of entropy pool.',
        'gauge',
        parseNum(pool.trim(), 'poolsize'),
      ),
    );
  }
  return out;
}

/** The PSI metrics node_exporter reports: resource, line kind, name suffix, help. */
const PSI = [
  ['cpu', 'some', 'cpu_waiting', 'Total time in seconds that processes have waited for CPU time'],
  [
    'io',
    'some',
    'io_waiting',
    'Total time in seconds that processes have waited due to IO congestion',
  ],
  [
    'io',
    'full',
    'io_stalled',
    'Total time in seconds no process could make progress due to IO congestion',
  ],
  [
    'memory',
    'some',
    'memory_waiting',
    'Total time in seconds that processes have waited for memory',
  ],
  [
    'memory',
    'full',
    'memory_stalled',
    'Total time in seconds no process could make progress due to memory congestion',
  ],
] as const;

/** Reports pressure stall totals from `/proc/pressure/{cpu,io,memory}` in seconds. */
export async function collectPressure(ctx: CollectContext): Promise<MetricFamily[]> {
  const texts = new Map<string, string>();
  for (const res of ['cpu', 'io', 'memory']) {
    const t = await readOptional(procPath(ctx, 'pressure', res));
    if (t === null) throw new NoDataError(`pressure stall information (/proc/pressure/${res})`);
    texts.set(res, t);
  }
  const out: MetricFamily[] = [];
  for (const [res, kind, name, help] of PSI) {
    const text = texts.get(res) ?? '';
    const m = new RegExp(`^${kind} .*total=(\\d+)`, 'm').exec(text);
    if (m === null) continue;
    out.push(
      single(
        `node_pressure_${name}_seconds_total`,
        help,
        'counter',
        parseNum(m[1], `/proc/pressure/${res} ${kind}`) / 1e6,
      ),
    );
  }
  return out;
}
