/** The `netdev`, `sockstat` and `netstat` collectors: `/proc/net/*`. */
import { open } from 'node:fs/promises';
import {
  type CollectContext,
  parseNum,
  procPath,
  readOptional,
  readText,
  sysPath,
} from './context.js';
import { MetricFamily } from './family.js';
import { deviceAllowed } from './options.js';

/** Column names of `/proc/net/dev`, receive then transmit. */
const NETDEV_FIELDS = [
  'receive_bytes',
  'receive_packets',
  'receive_errs',
  'receive_drop',
  'receive_fifo',
  'receive_frame',
  'receive_compressed',
  'receive_multicast',
  'transmit_bytes',
  'transmit_packets',
  'transmit_errs',
  'transmit_drop',
  'transmit_fifo',
  'transmit_colls',
  'transmit_carrier',
  'transmit_compressed',
] as const;

/**
 * Reports `node_network_<field>_total{device}` for every device of `/proc/net/dev` that passes the
 * device filter, plus `receive_nohandler` from sysfs (node_exporter reads it over netlink).
 */
export async function collectNetdev(ctx: CollectContext): Promise<MetricFamily[]> {
  const text = await readText(procPath(ctx, 'net', 'dev'));
  const fams = NETDEV_FIELDS.map(
    (k) =>
      new MetricFamily(`node_network_${k}_total`, `Network device statistic ${k}.`, 'counter', [
        'device',
      ]),
  );
  const nohandler = new MetricFamily(
    'node_network_receive_nohandler_total',
    'Network device statistic receive_nohandler.',
    'counter',
    ['device'],
  );
  const { netdevDeviceInclude: inc, netdevDeviceExclude: exc } = ctx.opts;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const dev = line.slice(0, colon).trim();
    if (dev === '' || dev.includes('|') || !deviceAllowed(dev, inc, exc)) continue;
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    if (f.length < NETDEV_FIELDS.length) {
      throw new Error(`cannot parse /proc/net/dev: short line for ${dev}`);
    }
    for (let i = 0; i < fams.length; i++) fams[i]?.add(parseNum(f[i], `${dev} field ${i}`), dev);
    const nh = await readOptional(sysPath(ctx, 'class', 'net', dev, 'statistics', 'rx_nohandler'));
    if (nh !== null && nh.trim() !== '') nohandler.add(parseNum(nh.trim(), 'rx_nohandler'), dev);
  }
  fams.push(nohandler);
  return fams;
}

/** Reads the kernel page size from the first mapping in `/proc/self/smaps`; 4096 if unknown. */
async function pageSize(ctx: CollectContext): Promise<number> {
  if (ctx.state.pageSize !== null) return ctx.state.pageSize;
  let size = 4096;
  try {
    const fh = await open(procPath(ctx, 'self', 'smaps'), 'r');
    try {
      const buf = Buffer.alloc(4096);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      const m = /KernelPageSize:\s+(\d+) kB/.exec(buf.toString('latin1', 0, bytesRead));
      if (m !== null) size = Number(m[1]) * 1024;
    } finally {
      await fh.close();
    }
  } catch {
    // keep the default
  }
  ctx.state.pageSize = size;
  return size;
}

/** Reports `/proc/net/sockstat` and `/proc/net/sockstat6` as `node_sockstat_<PROTO>_<state>`. */
export async function collectSockstat(ctx: CollectContext): Promise<MetricFamily[]> {
  const v4 = await readText(procPath(ctx, 'net', 'sockstat'));
  const v6 = await readOptional(procPath(ctx, 'net', 'sockstat6'));
  const page = await pageSize(ctx);
  const out: MetricFamily[] = [];
  const gauge = (name: string, help: string, v: number): void => {
    const f = new MetricFamily(name, help, 'gauge');
    f.add(v);
    out.push(f);
  };
  for (const line of `${v4}\n${v6 ?? ''}`.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const proto = line.slice(0, colon);
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    for (let i = 0; i + 1 < f.length; i += 2) {
      const key = f[i] ?? '';
      const v = parseNum(f[i + 1], `sockstat ${proto} ${key}`);
      if (proto === 'sockets' && key === 'used') {
        gauge('node_sockstat_sockets_used', 'Number of IPv4 sockets in use.', v);
        continue;
      }
      gauge(`node_sockstat_${proto}_${key}`, `Number of ${proto} sockets in state ${key}.`, v);
      if (key === 'mem') {
        gauge(
          `node_sockstat_${proto}_mem_bytes`,
          `Number of ${proto} sockets in state mem_bytes.`,
          v * page,
        );
      }
    }
  }
  return out;
}

/** Adds `Proto_Field` values from a header/value line-pair file (`/proc/net/netstat`, `snmp`). */
function parsePairs(text: string, into: Map<string, number>, file: string): void {
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const names = (lines[i] ?? '').trim().split(/\s+/);
    const values = (lines[i + 1] ?? '').trim().split(/\s+/);
    const proto = (names[0] ?? '').replace(/:$/, '');
    if (proto === '' || names.length !== values.length) {
      if (proto === '') continue;
      throw new Error(`cannot parse ${file}: ${proto} has mismatched header and values`);
    }
    for (let j = 1; j < names.length; j++) {
      into.set(`${proto}_${names[j] ?? ''}`, parseNum(values[j], `${file} ${proto}`));
    }
  }
}

/** Reports the `/proc/net/{netstat,snmp,snmp6}` counters matching `netstatFields` (untyped). */
export async function collectNetstat(ctx: CollectContext): Promise<MetricFamily[]> {
  const stats = new Map<string, number>();
  parsePairs(await readText(procPath(ctx, 'net', 'netstat')), stats, '/proc/net/netstat');
  parsePairs(await readText(procPath(ctx, 'net', 'snmp')), stats, '/proc/net/snmp');
  const snmp6 = await readOptional(procPath(ctx, 'net', 'snmp6'));
  for (const line of (snmp6 ?? '').split('\n')) {
    const f = line.trim().split(/\s+/);
    const name = f[0] ?? '';
    const six = name.indexOf('6');
    if (six < 0 || f.length < 2) continue;
    stats.set(`${name.slice(0, six + 1)}_${name.slice(six + 1)}`, parseNum(f[1], name));
  }
  const out: MetricFamily[] = [];
  for (const [key, v] of stats) {
    if (!ctx.opts.netstatFields.test(key)) continue;
    const f = new MetricFamily(
      `node_netstat_${key}`,
      `Statistic ${key.replace('_', '')}.`,
      'untyped',
    );
    f.add(v);
    out.push(f);
  }
  return out;
}
