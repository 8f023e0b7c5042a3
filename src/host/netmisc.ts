/**
 * Small node_exporter collectors over `/proc/net`, `/proc/sys/net` and `os-release`: conntrack,
 * arp, softnet, udp_queues and os. Names, help texts, labels and types are node_exporter 1.5's.
 */
import path from 'node:path';
import {
  type CollectContext,
  NoDataError,
  isNotFound,
  parseNum,
  procPath,
  readOptional,
  readText,
} from './context.js';
import { MetricFamily } from './family.js';

function gauge(name: string, help: string, v: number): MetricFamily {
  const f = new MetricFamily(name, help, 'gauge');
  f.add(v);
  return f;
}

function hex(s: string | undefined, what: string): number {
  const v = s === undefined || !/^[0-9a-fA-F]+$/.test(s) ? NaN : parseInt(s, 16);
  if (Number.isNaN(v)) throw new Error(`cannot parse ${what}: invalid hex ${JSON.stringify(s)}`);
  return v;
}

/** Conntrack statistics columns of `/proc/net/stat/nf_conntrack`, by position, with help. */
const CONNTRACK_STATS: readonly [string, number, string][] = [
  ['found', 2, 'Number of searched entries which were successful.'],
  ['invalid', 4, 'Number of packets seen which can not be tracked.'],
  ['ignore', 5, 'Number of packets seen which are already connected to a conntrack entry.'],
  ['insert', 8, 'Number of entries inserted into the list.'],
  ['insert_failed', 9, 'Number of entries for which list insertion was attempted but failed.'],
  ['drop', 10, 'Number of packets dropped due to conntrack failure.'],
  [
    'early_drop',
    11,
    'Number of dropped conntrack entries to make room for new ones, if maximum table size was reached.',
  ],
  [
    'search_restart',
    16,
    'Number of conntrack table lookups which had to be restarted due to hashtable resizes.',
  ],
];

/** `node_nf_conntrack_*`: table size, limit and the per-CPU statistics summed. */
export async function collectConntrack(ctx: CollectContext): Promise<MetricFamily[]> {
  const read = async (file: string): Promise<string> => {
    try {
      return await readText(procPath(ctx, 'sys', 'net', 'netfilter', file));
    } catch (e) {
      if (isNotFound(e)) throw new NoDataError('conntrack (no nf_conntrack module)');
      throw e;
    }
  };
  const out = [
    gauge(
      'node_nf_conntrack_entries',
      'Number of currently allocated flow entries for connection tracking.',
      parseNum((await read('nf_conntrack_count')).trim(), 'nf_conntrack_count'),
    ),
    gauge(
      'node_nf_conntrack_entries_limit',
      'Maximum size of connection tracking table.',
      parseNum((await read('nf_conntrack_max')).trim(), 'nf_conntrack_max'),
    ),
  ];
  const stat = await readOptional(procPath(ctx, 'net', 'stat', 'nf_conntrack'));
  if (stat === null) throw new NoDataError('conntrack statistics');
  const sums = new Float64Array(CONNTRACK_STATS.length);
  for (const line of stat.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 17) continue;
    CONNTRACK_STATS.forEach(([name, col], i) => {
      sums[i] = (sums[i] ?? 0) + hex(f[col], `nf_conntrack ${name}`);
    });
  }
  CONNTRACK_STATS.forEach(([name, , help], i) => {
    out.push(gauge(`node_nf_conntrack_stat_${name}`, help, sums[i] ?? 0));
  });
  return out;
}

/** `node_arp_entries{device}` from `/proc/net/arp`. */
export async function collectArp(ctx: CollectContext): Promise<MetricFamily[]> {
  const text = await readText(procPath(ctx, 'net', 'arp'));
  const counts = new Map<string, number>();
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const dev = f[5];
    if (f.length < 6 || dev === undefined) continue;
    counts.set(dev, (counts.get(dev) ?? 0) + 1);
  }
  const fam = new MetricFamily('node_arp_entries', 'ARP entries by device', 'gauge', ['device']);
  for (const [dev, n] of counts) fam.add(n, dev);
  return [fam];
}

/** `node_softnet_*_total{cpu}` from `/proc/net/softnet_stat` (one line per CPU, hex). */
export async function collectSoftnet(ctx: CollectContext): Promise<MetricFamily[]> {
  const text = await readText(procPath(ctx, 'net', 'softnet_stat'));
  const processed = new MetricFamily(
    'node_softnet_processed_total',
    'Number of processed packets',
    'counter',
    ['cpu'],
  );
  const dropped = new MetricFamily(
    'node_softnet_dropped_total',
    'Number of dropped packets',
    'counter',
    ['cpu'],
  );
  const squeezed = new MetricFamily(
    'node_softnet_times_squeezed_total',
    'Number of times processing packets ran out of quota',
    'counter',
    ['cpu'],
  );
  let cpu = 0;
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 9) continue;
    const c = String(cpu++);
    processed.add(hex(f[0], 'softnet processed'), c);
    dropped.add(hex(f[1], 'softnet dropped'), c);
    squeezed.add(hex(f[2], 'softnet time_squeeze'), c);
  }
  return [dropped, processed, squeezed];
}

/** Sums the `tx_queue:rx_queue` column of `/proc/net/udp{,6}`; null when the file is missing. */
async function udpQueues(file: string): Promise<[number, number] | null> {
  const text = await readOptional(file);
  if (text === null) return null;
  let tx = 0;
  let rx = 0;
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const q = f[4];
    if (q === undefined) continue;
    const [t, r] = q.split(':');
    tx += hex(t, 'udp tx_queue');
    rx += hex(r, 'udp rx_queue');
  }
  return [tx, rx];
}

/** `node_udp_queues{ip,queue}`: bytes queued in UDP sockets, IPv4 and IPv6. */
export async function collectUdpQueues(ctx: CollectContext): Promise<MetricFamily[]> {
  const fam = new MetricFamily(
    'node_udp_queues',
    'Number of allocated memory in the kernel for UDP datagrams in bytes.',
    'gauge',
    ['queue', 'ip'],
  );
  const v4 = await udpQueues(procPath(ctx, 'net', 'udp'));
  const v6 = await udpQueues(procPath(ctx, 'net', 'udp6'));
  if (v4 === null && v6 === null) throw new NoDataError('udp_queues');
  for (const [ip, q] of [
    ['v4', v4],
    ['v6', v6],
  ] as const) {
    if (q === null) continue;
    fam.add(q[0], 'tx', ip);
    fam.add(q[1], 'rx', ip);
  }
  return [fam];
}

/** The labels of `node_os_info`, in node_exporter's order, with their os-release keys. */
const OS_INFO_LABELS: readonly [string, string][] = [
  ['build_id', 'BUILD_ID'],
  ['id', 'ID'],
  ['id_like', 'ID_LIKE'],
  ['image_id', 'IMAGE_ID'],
  ['image_version', 'IMAGE_VERSION'],
  ['name', 'NAME'],
  ['pretty_name', 'PRETTY_NAME'],
  ['variant', 'VARIANT'],
  ['variant_id', 'VARIANT_ID'],
  ['version', 'VERSION'],
  ['version_codename', 'VERSION_CODENAME'],
  ['version_id', 'VERSION_ID'],
];

/** Parses `os-release` (shell-style `KEY=value`, values optionally quoted). */
export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    let v = line.slice(eq + 1);
    const q = v[0];
    if ((q === '"' || q === "'") && v.endsWith(q) && v.length >= 2) {
      v = v.slice(1, -1);
      if (q === '"') v = v.replace(/\\(["\\$`])/g, '$1');
    }
    out.set(line.slice(0, eq), v);
  }
  return out;
}

/** `node_os_info` and `node_os_version` from `/etc/os-release` (or `/usr/lib/os-release`). */
export async function collectOs(ctx: CollectContext): Promise<MetricFamily[]> {
  let text: string | null = null;
  for (const f of ['etc/os-release', 'usr/lib/os-release']) {
    text = await readOptional(path.join(ctx.opts.rootfs, f));
    if (text !== null) break;
  }
  if (text === null) throw new NoDataError('os-release');
  const kv = parseOsRelease(text);
  const info = new MetricFamily(
    'node_os_info',
    `A metric with a constant '1' value labeled by ${OS_INFO_LABELS.map(([l]) => l).join(', ')}.`,
    'gauge',
    OS_INFO_LABELS.map(([l]) => l),
  );
  info.add(1, ...OS_INFO_LABELS.map(([, k]) => kv.get(k) ?? ''));
  const out = [info];
  const m = /^[0-9]+\.?[0-9]*/.exec(kv.get('VERSION_ID') ?? '');
  if (m) {
    const version = new MetricFamily(
      'node_os_version',
      'Metric containing the major.minor part of the OS version.',
      'gauge',
      ['id', 'id_like', 'name'],
    );
    version.add(Number(m[0]), kv.get('ID') ?? '', kv.get('ID_LIKE') ?? '', kv.get('NAME') ?? '');
    out.push(version);
  }
  return out;
}
