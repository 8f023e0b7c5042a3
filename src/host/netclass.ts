/**
 * The netclass collector: network interface properties from `/sys/class/net/<iface>`, in
 * node_exporter 1.5's shape (`node_network_info`, `node_network_up` and one family per numeric
 * attribute). Attributes the kernel refuses to report for an interface (EINVAL for a link that
 * is down, for example) are left out for that interface, as node_exporter does.
 */
import { readdir } from 'node:fs/promises';
import { type CollectContext, NoDataError, isNotFound, readOptional, sysPath } from './context.js';
import { MetricFamily } from './family.js';

/** Numeric attributes: sysfs file, metric suffix, type. */
const ATTRIBUTES: readonly [string, string, 'gauge' | 'counter'][] = [
  ['addr_assign_type', 'address_assign_type', 'gauge'],
  ['carrier', 'carrier', 'gauge'],
  ['carrier_changes', 'carrier_changes_total', 'counter'],
  ['carrier_up_count', 'carrier_up_changes_total', 'counter'],
  ['carrier_down_count', 'carrier_down_changes_total', 'counter'],
  ['dev_id', 'device_id', 'gauge'],
  ['dormant', 'dormant', 'gauge'],
  ['flags', 'flags', 'gauge'],
  ['ifindex', 'iface_id', 'gauge'],
  ['iflink', 'iface_link', 'gauge'],
  ['link_mode', 'iface_link_mode', 'gauge'],
  ['mtu', 'mtu_bytes', 'gauge'],
  ['name_assign_type', 'name_assign_type', 'gauge'],
  ['netdev_group', 'net_dev_group', 'gauge'],
  ['speed', 'speed_bytes', 'gauge'],
  ['tx_queue_len', 'transmit_queue_length', 'gauge'],
  ['type', 'protocol_type', 'gauge'],
];

/** An integer the way Go's `strconv.ParseInt(s, 0, 64)` reads it (0x… hex, 0… octal). */
function parseInt0(s: string): number | undefined {
  const t = s.trim();
  if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(t)) return Number.parseInt(t, 16);
  if (/^[-+]?0[0-7]+$/.test(t)) return Number.parseInt(t, 8);
  if (/^[-+]?\d+$/.test(t)) return Number.parseInt(t, 10);
  return undefined;
}

/** Reports the properties of every network interface. */
export async function collectNetclass(ctx: CollectContext): Promise<MetricFamily[]> {
  const dir = sysPath(ctx, 'class', 'net');
  let ifaces: string[];
  try {
    ifaces = (await readdir(dir)).sort();
  } catch (e) {
    if (isNotFound(e)) throw new NoDataError('netclass (no /sys/class/net)');
    throw e;
  }
  const info = new MetricFamily(
    'node_network_info',
    'Non-numeric data from /sys/class/net/<iface>, value is always 1.',
    'gauge',
    ['address', 'broadcast', 'device', 'duplex', 'ifalias', 'operstate'],
  );
  const up = new MetricFamily(
    'node_network_up',
    "Value is 1 if operstate is 'up', 0 otherwise.",
    'gauge',
    ['device'],
  );
  const fams = ATTRIBUTES.map(
    ([, name, type]) =>
      new MetricFamily(`node_network_${name}`, `Network device property: ${name}`, type, [
        'device',
      ]),
  );
  await Promise.all(
    ifaces.map(async (iface) => {
      const read = async (f: string): Promise<string | null> =>
        readOptional(sysPath(ctx, 'class', 'net', iface, f)).then((v) =>
          v === null ? null : v.trim(),
        );
      const [operstate, address, broadcast, duplex, ifalias, ...values] = await Promise.all([
        read('operstate'),
        read('address'),
        read('broadcast'),
        read('duplex'),
        read('ifalias'),
        ...ATTRIBUTES.map(([file]) => read(file)),
      ]);
      // Added after all reads so that the families' sample order does not depend on timing.
      return { iface, operstate, address, broadcast, duplex, ifalias, values };
    }),
  ).then((rows) => {
    for (const r of rows) {
      const op = r.operstate ?? '';
      info.add(1, r.address ?? '', r.broadcast ?? '', r.iface, r.duplex ?? '', r.ifalias ?? '', op);
      up.add(op === 'up' ? 1 : 0, r.iface);
      ATTRIBUTES.forEach(([file], i) => {
        const raw = r.values[i];
        const v = raw === null || raw === undefined ? undefined : parseInt0(raw);
        if (v === undefined) return;
        // speed is in Mbit/s; node_exporter reports bytes per second.
        fams[i]?.add(file === 'speed' ? Math.trunc((v * 1000 * 1000) / 8) : v, r.iface);
      });
    }
  });
  return [info, up, ...fams.filter((f) => f.length > 0)];
}
