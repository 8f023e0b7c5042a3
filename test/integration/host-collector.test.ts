/**
 * Differential test of the host collectors against node_exporter on this machine: both expose the
 * same collectors, and for every collector both report successfully, the metric names, types,
 * help texts, label names and stable label values must be equal, and values must agree (exact for
 * constants such as boot time and memory totals, bracketed between two node_exporter scrapes for
 * counters, within a tolerance for gauges).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Peer, findBinary, freePort, waitHTTP } from '../support/process.js';
import {
  HOST_COLLECTORS,
  HostCollector,
  type HostCollectorName,
  type ParsedFamily,
  defaultHostCollectors,
  parseTextfile,
} from '../../src/host/index.js';

const NODE_EXPORTER = findBinary('/usr/bin/prometheus-node-exporter', '/usr/bin/node_exporter');
const SKIP = NODE_EXPORTER
  ? false
  : 'node_exporter not found (install Debian prometheus-node-exporter)';

/** Which collector a metric family belongs to, by name. */
function collectorOf(name: string): HostCollectorName | 'scrape' | null {
  const prefixes: [string | RegExp, HostCollectorName | 'scrape'][] = [
    ['node_scrape_collector_', 'scrape'],
    ['node_cpu_', 'cpu'],
    ['node_memory_', 'meminfo'],
    ['node_load', 'loadavg'],
    ['node_boot_time_seconds', 'stat'],
    ['node_context_switches_total', 'stat'],
    ['node_forks_total', 'stat'],
    ['node_intr_total', 'stat'],
    ['node_procs_', 'stat'],
    ['node_uname_info', 'uname'],
    ['node_time_', 'time'],
    [NETCLASS_FAMILIES, 'netclass'],
    ['node_network_', 'netdev'],
    ['node_filesystem_', 'filesystem'],
    ['node_disk_', 'diskstats'],
    ['node_pressure_', 'pressure'],
    ['node_thermal_zone_', 'thermal_zone'],
    ['node_cooling_device_', 'thermal_zone'],
    ['node_hwmon_', 'hwmon'],
    ['node_sockstat_', 'sockstat'],
    ['node_vmstat_', 'vmstat'],
    ['node_filefd_', 'filefd'],
    ['node_entropy_', 'entropy'],
    ['node_netstat_', 'netstat'],
    ['node_nf_conntrack_', 'conntrack'],
    ['node_arp_', 'arp'],
    ['node_softnet_', 'softnet'],
    ['node_udp_queues', 'udp_queues'],
    ['node_os_', 'os'],
    ['node_textfile_', 'textfile'],
    ['kansoku_host_test_', 'textfile'],
  ];
  for (const [p, c] of prefixes)
    if (typeof p === 'string' ? name.startsWith(p) : p.test(name)) return c;
  return null;
}

/** The netclass collector's families (the others named node_network_* are netdev's). */
const NETCLASS_FAMILIES =
  /^node_network_(info|up|address_assign_type|carrier|carrier_(up_|down_)?changes_total|device_id|dormant|flags|iface_id|iface_link|iface_link_mode|mtu_bytes|name_assign_type|net_dev_group|protocol_type|speed_bytes|transmit_queue_length)$/;

/** Families by name, keeping only those of the given collectors. */
function byName(text: string, keep: ReadonlySet<string>): Map<string, ParsedFamily> {
  const out = new Map<string, ParsedFamily>();
  for (const f of parseTextfile(text, 'exposition')) {
    const c = collectorOf(f.name);
    if (c !== null && keep.has(c)) out.set(f.name, f);
  }
  return out;
}

/** A series key: the sample name and its label pairs, sorted. */
function seriesKey(name: string, labels: readonly string[]): string {
  const pairs: string[] = [];
  for (let i = 0; i < labels.length; i += 2) pairs.push(`${labels[i]}="${labels[i + 1]}"`);
  return `${name}{${pairs.sort().join(',')}}`;
}

function values(f: ParsedFamily): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of f.samples) m.set(seriesKey(s.name, s.labels), s.value);
  return m;
}

function labelNames(f: ParsedFamily): string[] {
  const names = new Set<string>();
  for (const s of f.samples)
    for (let i = 0; i < s.labels.length; i += 2) names.add(s.labels[i] ?? '');
  return [...names].sort();
}

/** Metrics whose values must be identical. */
const EXACT =
  /^(node_boot_time_seconds|node_memory_(MemTotal|SwapTotal|Hugepagesize|HugePages_Total|VmallocTotal)_?\w*|node_filesystem_(size_bytes|files|readonly|device_error)|node_uname_info|node_entropy_pool_size_bits|node_filefd_maximum|node_time_zone_offset_seconds|node_time_clocksource_\w+|node_disk_info|node_textfile_\w+|kansoku_host_test_\w+|node_netstat_Ip_Forwarding|node_cpu_guest_seconds_total|node_os_info|node_os_version|node_nf_conntrack_entries_limit)$/;

/** Gauges compared within an absolute tolerance, as a function of the first scrape's families. */
function gaugeTolerance(name: string, ne: Map<string, ParsedFamily>): number | null {
  if (name.startsWith('node_memory_') && name.endsWith('_bytes')) {
    return 0.1 * (ne.get('node_memory_MemTotal_bytes')?.samples[0]?.value ?? 0);
  }
  if (name === 'node_filesystem_avail_bytes' || name === 'node_filesystem_free_bytes') {
    return 1e9;
  }
  if (name === 'node_filesystem_files_free') return 1e5;
  if (name.startsWith('node_load')) return 8;
  if (name === 'node_time_seconds') return 10;
  if (name === 'node_thermal_zone_temp' || name.startsWith('node_hwmon_temp')) return 5;
  if (name === 'node_entropy_available_bits') return 256;
  return null;
}

describe('host collectors against node_exporter', { skip: SKIP }, () => {
  let ne: Peer | undefined;
  let url = '';
  let textDir = '';
  const enabled = new Set<string>([...HOST_COLLECTORS, 'scrape']);
  const netdevExclude = /^lo$/;

  before(async () => {
    textDir = mkdtempSync(path.join(os.tmpdir(), 'kansoku-host-it-'));
    writeFileSync(
      path.join(textDir, 'a.prom'),
      '# HELP kansoku_host_test_info A test metric.\n# TYPE kansoku_host_test_info gauge\n' +
        'kansoku_host_test_info{a="x"} 1\nkansoku_host_test_info{b="y\\"z"} 2\n',
    );
    writeFileSync(path.join(textDir, 'b.prom'), 'kansoku_host_test_untyped 3.5\n');
    writeFileSync(
      path.join(textDir, 'c.prom'),
      '# TYPE kansoku_host_test_seconds histogram\n' +
        'kansoku_host_test_seconds_bucket{job="x",le="0.5"} 1\n' +
        'kansoku_host_test_seconds_bucket{job="x",le="1"} 2\n' +
        'kansoku_host_test_seconds_bucket{job="x",le="+Inf"} 3\n' +
        'kansoku_host_test_seconds_sum{job="x"} 2.5\nkansoku_host_test_seconds_count{job="x"} 3\n' +
        '# HELP kansoku_host_test_quantiles Quantiles.\n# TYPE kansoku_host_test_quantiles summary\n' +
        'kansoku_host_test_quantiles{quantile="0.5"} 0.2\nkansoku_host_test_quantiles{quantile="0.9"} 0.7\n' +
        'kansoku_host_test_quantiles_sum 9\nkansoku_host_test_quantiles_count 20\n' +
        '# TYPE kansoku_host_test_partial histogram\n' +
        'kansoku_host_test_partial_bucket{le="10.0"} 4\nkansoku_host_test_partial_bucket{le="2.50"} 1\n' +
        'kansoku_host_test_partial_count 6\n' +
        '# TYPE kansoku_host_test_bare histogram\nkansoku_host_test_bare_sum 1\nkansoku_host_test_bare_count 2\n' +
        '# TYPE kansoku_host_test_q2 summary\nkansoku_host_test_q2{quantile="0.99",a="b"} 3\n',
    );
    writeFileSync(path.join(textDir, 'd.prom'), 'kansoku_host_test_stamped 1 1700000000000\n');
    const port = await freePort();
    url = `http://127.0.0.1:${port}/metrics`;
    ne = new Peer(NODE_EXPORTER ?? '', [
      `--web.listen-address=127.0.0.1:${port}`,
      '--collector.disable-defaults',
      ...HOST_COLLECTORS.map((c) => `--collector.${c}`),
      `--collector.textfile.directory=${textDir}`,
      `--collector.netdev.device-exclude=${netdevExclude.source}`,
    ]);
    await waitHTTP(url);
  });

  after(async () => {
    await ne?.stop();
    rmSync(textDir, { recursive: true, force: true });
  });

  it('exposes the same metrics, labels, types, help and values', async () => {
    const get = async (): Promise<string> => (await fetch(url)).text();
    const ours = new HostCollector({
      textfileDirectory: textDir,
      netdevDeviceExclude: netdevExclude,
      collectors: defaultHostCollectors(),
    });
    await ours.collect(); // warm up (page size, CPU state)
    const before = byName(await get(), enabled);
    const mine = byName(await ours.collect(), enabled);
    const later = byName(await get(), enabled);

    // Compare only collectors both ran successfully.
    const ok = (m: Map<string, ParsedFamily>): Set<string> => {
      const s = new Set<string>();
      for (const sm of m.get('node_scrape_collector_success')?.samples ?? []) {
        if (sm.value === 1) s.add(sm.labels[1] ?? '');
      }
      return s;
    };
    const okNe = ok(before);
    const okMine = ok(mine);
    assert.deepEqual([...okMine].sort(), [...okNe].sort(), 'the same collectors succeed');
    assert.ok(okNe.has('cpu') && okNe.has('meminfo') && okNe.has('filesystem'));
    const both = (n: string): boolean => {
      const c = collectorOf(n);
      return c === 'scrape' || (c !== null && okNe.has(c) && okMine.has(c));
    };

    for (const n of ['seconds', 'quantiles', 'partial', 'bare', 'q2', 'info', 'untyped']) {
      assert.ok(before.has(`kansoku_host_test_${n}`), `node_exporter read kansoku_host_test_${n}`);
    }
    const namesNe = [...before.keys()].filter(both).sort();
    const namesMine = [...mine.keys()].filter(both).sort();
    assert.deepEqual(namesMine, namesNe, 'metric names');
    assert.ok(namesNe.length > 100, `only ${namesNe.length} families compared`);
    if (process.env['HOST_IT_DEBUG'] !== undefined)
      console.log(namesNe.length, [...okNe].sort().join(' '));

    const problems: string[] = [];
    for (const name of namesNe) {
      const a = before.get(name);
      const b = mine.get(name);
      const c = later.get(name);
      if (a === undefined || b === undefined || c === undefined) continue;
      if (a.type !== b.type) problems.push(`${name}: type ${b.type}, node_exporter ${a.type}`);
      if (a.help !== b.help) problems.push(`${name}: help ${b.help}, node_exporter ${a.help}`);
      const ln = labelNames(b).join(',');
      if (ln !== labelNames(a).join(','))
        problems.push(`${name}: labels ${ln} vs ${labelNames(a).join(',')}`);
      if (name.startsWith('node_scrape_collector_')) continue;
      const va = values(a);
      const vb = values(b);
      const vc = values(c);
      const keysA = [...va.keys()].sort().join(' ');
      const keysB = [...vb.keys()].sort().join(' ');
      if (keysA !== keysB) {
        problems.push(`${name}: series\n  ours ${keysB}\n  node_exporter ${keysA}`);
        continue;
      }
      for (const [key, x] of vb) {
        const lo = va.get(key) ?? NaN;
        const hi = vc.get(key) ?? NaN;
        if (EXACT.test(name)) {
          if (!Object.is(x, lo)) problems.push(`${key}: ${x}, node_exporter ${lo}`);
        } else if (
          a.type === 'counter' ||
          (a.type === 'untyped' && name !== 'node_netstat_Tcp_CurrEstab')
        ) {
          // Counters: ours was read between the two node_exporter scrapes.
          const slack = 1e-9 * Math.abs(hi) + (name.includes('seconds') ? 0.05 : 0);
          if (x < lo - slack || x > hi + slack)
            problems.push(`${key}: ${x} outside [${lo}, ${hi}]`);
        } else {
          const tol = gaugeTolerance(name, before);
          if (tol !== null && Math.abs(x - lo) > tol) {
            problems.push(`${key}: ${x}, node_exporter ${lo} (tolerance ${tol})`);
          }
        }
      }
    }
    assert.deepEqual(problems, []);
  });
});

/** Writes files (relative path → content) under root. */
function tree(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

describe(
  'thermal_zone and hwmon against node_exporter on a Raspberry Pi shaped sysfs',
  { skip: SKIP },
  () => {
    let ne: Peer | undefined;
    let url = '';
    let sysfs = '';

    before(async () => {
      sysfs = mkdtempSync(path.join(os.tmpdir(), 'kansoku-host-sysfs-'));
      const volt = 'devices/platform/soc/soc:firmware/raspberrypi-hwmon/hwmon/hwmon1';
      tree(sysfs, {
        'class/thermal/thermal_zone0/type': 'cpu-thermal\n',
        'class/thermal/thermal_zone0/temp': '48312\n',
        'class/thermal/thermal_zone0/policy': 'step_wise\n',
        'class/thermal/cooling_device0/type': 'pwm-fan\n',
        'class/thermal/cooling_device0/cur_state': '2\n',
        'class/thermal/cooling_device0/max_state': '4\n',
        'devices/virtual/thermal/thermal_zone0/hwmon0/name': 'cpu_thermal\n',
        'devices/virtual/thermal/thermal_zone0/hwmon0/temp1_input': '48312\n',
        'devices/virtual/thermal/thermal_zone0/hwmon0/temp1_crit': '110000\n',
        [`${volt}/name`]: 'rpi_volt\n',
        [`${volt}/in0_lcrit_alarm`]: '0\n',
        [`${volt}/in0_label`]: 'under-voltage\n',
        'devices/platform/cooling_fan/hwmon/hwmon2/name': 'pwmfan\n',
        'devices/platform/cooling_fan/hwmon/hwmon2/fan1_input': '2950\n',
        'devices/platform/cooling_fan/hwmon/hwmon2/pwm1': '100\n',
        'devices/platform/cooling_fan/hwmon/hwmon2/power1_input': '1500000\n',
        'devices/platform/cooling_fan/hwmon/hwmon2/energy1_input': '2000000\n',
        'devices/platform/cooling_fan/hwmon/hwmon2/curr1_input': '250\n',
      });
      mkdirSync(path.join(sysfs, 'class/hwmon'), { recursive: true });
      symlinkSync(
        '../../devices/virtual/thermal/thermal_zone0/hwmon0',
        path.join(sysfs, 'class/hwmon/hwmon0'),
      );
      symlinkSync(`../../${volt}`, path.join(sysfs, 'class/hwmon/hwmon1'));
      symlinkSync('../..', path.join(sysfs, volt, 'device'));
      symlinkSync(
        '../../devices/platform/cooling_fan/hwmon/hwmon2',
        path.join(sysfs, 'class/hwmon/hwmon2'),
      );
      symlinkSync('../..', path.join(sysfs, 'devices/platform/cooling_fan/hwmon/hwmon2/device'));
      const port = await freePort();
      url = `http://127.0.0.1:${port}/metrics`;
      ne = new Peer(NODE_EXPORTER ?? '', [
        `--web.listen-address=127.0.0.1:${port}`,
        `--path.sysfs=${sysfs}`,
        '--collector.disable-defaults',
        '--collector.thermal_zone',
        '--collector.hwmon',
      ]);
      await waitHTTP(url);
    });

    after(async () => {
      await ne?.stop();
      rmSync(sysfs, { recursive: true, force: true });
    });

    it('produces the same families, help, types, series and values', async () => {
      const keep = new Set<string>(['thermal_zone', 'hwmon']);
      const theirs = byName(await (await fetch(url)).text(), keep);
      const collectors = defaultHostCollectors();
      for (const c of HOST_COLLECTORS) collectors[c] = keep.has(c);
      const ours = byName(await new HostCollector({ sysfs, collectors }).collect(), keep);
      const dump = (m: Map<string, ParsedFamily>): string[] =>
        [...m.values()]
          .flatMap((f) => [
            `# ${f.name} ${f.type} ${f.help ?? ''}`,
            ...[...values(f)].map(([k, v]) => `${k} ${v}`).sort(),
          ])
          .sort();
      assert.ok(theirs.has('node_hwmon_temp_celsius') && theirs.has('node_thermal_zone_temp'));
      assert.deepEqual(dump(ours), dump(theirs));
    });
  },
);

describe('procfs collectors against node_exporter on a synthetic /proc', { skip: SKIP }, () => {
  let ne: Peer | undefined;
  let url = '';
  let root = '';
  const names: HostCollectorName[] = [
    'cpu',
    'meminfo',
    'loadavg',
    'stat',
    'netdev',
    'diskstats',
    'pressure',
    'sockstat',
    'vmstat',
    'filefd',
    'entropy',
    'netstat',
    'filesystem',
  ];

  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'kansoku-host-procfs-'));
    tree(root, {
      'proc/stat':
        'cpu  1 2 3 4 5 6 7 8 9 10\ncpu0 123456 7 8901 234567 89 0 12 3 45 6\n' +
        'cpu1 5 6 7 8 9 10 11 12 13 14\ncpu3 1 1 1 1 1 1 1 1\n' +
        'intr 987654321 1 2\nctxt 123456789012\nbtime 1700000000\nprocesses 4242\n' +
        'procs_running 3\nprocs_blocked 2\nsoftirq 55 1 2 3 4 5 6 7 8 9 10\n',
      'proc/meminfo':
        'MemTotal:        3884056 kB\nMemFree:          211824 kB\nActive(anon):      12 kB\n' +
        'Inactive(file):   99 kB\nHugePages_Total:       0\nHugePages_Free:        0\n' +
        'Hugepagesize:       2048 kB\nDirectMap4k:      116736 kB\n',
      'proc/loadavg': '0.08 0.03 0.01 1/345 6789\n',
      'proc/diskstats':
        '   1       0 ram0 0 0 0 0 0 0 0 0 0 0 0\n' +
        ' 179       0 mmcblk0 79210 23141 5190738 402376 27498 22735 2058360 1001620 0 425440 1404000\n' +
        ' 179       1 mmcblk0p1 381 1124 15462 2311 2 0 2 13 0 1960 2324 0 0 0 0\n' +
        '   8       0 sda 100 2 3000 40 50 6 7000 80 1 90 120 3 4 5000 6 7 8\n' +
        '   8      16 sdb1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n' +
        ' 253       0 dm-0 5 0 40 1 0 0 0 0 0 1 1 0 0 0 0 0 0\n',
      'proc/net/dev':
        'Inter-|   Receive                                                |  Transmit\n' +
        ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
        '    lo: 1000 10 0 0 0 0 0 0 1000 10 0 0 0 0 0 0\n' +
        '  eth0: 9876543210 1234567 1 2 3 4 5 6 123456789 654321 7 8 9 10 11 12\n' +
        ' wlan0:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n',
      'proc/pressure/cpu':
        'some avg10=1.00 avg60=2.00 avg300=3.00 total=123456789\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
      'proc/pressure/io':
        'some avg10=0.00 avg60=0.00 avg300=0.00 total=2222\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=1111\n',
      'proc/pressure/memory':
        'some avg10=0.00 avg60=0.00 avg300=0.00 total=33\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=44\n',
      'proc/net/sockstat':
        'sockets: used 290\nTCP: inuse 12 orphan 1 tw 3 alloc 15 mem 7\nUDP: inuse 4 mem 2\n' +
        'UDPLITE: inuse 0\nRAW: inuse 1\nFRAG: inuse 0 memory 0\n',
      'proc/net/sockstat6':
        'TCP6: inuse 2\nUDP6: inuse 3\nUDPLITE6: inuse 0\nRAW6: inuse 1\nFRAG6: inuse 0 memory 0\n',
      'proc/self/smaps': `00400000-00452000 r-xp 00000000 08:02 1 /x\nKernelPageSize:        4 kB\n`,
      'proc/vmstat':
        'nr_free_pages 100\npgpgin 1\npgpgout 2\npswpin 3\npswpout 4\npgfault 5\npgmajfault 6\noom_kill 7\nthp_fault_alloc 8\n',
      'proc/sys/fs/file-nr': '1888\t0\t9223372036854775807\n',
      'proc/sys/kernel/random/entropy_avail': '256\n',
      'proc/sys/kernel/random/poolsize': '256\n',
      'proc/net/netstat':
        'TcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed ListenOverflows ListenDrops TCPTimeouts TCPSynRetrans PruneCalled\n' +
        'TcpExt: 1 2 3 4 5 6 7 8\nIpExt: InNoRoutes InOctets OutOctets\nIpExt: 0 111 222\n',
      'proc/net/snmp':
        'Ip: Forwarding DefaultTTL InReceives InHdrErrors\nIp: 1 64 1000 2\n' +
        'Icmp: InMsgs InErrors OutMsgs\nIcmp: 5 1 6\n' +
        'Tcp: RtoAlgorithm ActiveOpens PassiveOpens InSegs OutSegs RetransSegs InErrs OutRsts CurrEstab\nTcp: 1 10 20 30 40 5 0 7 3\n' +
        'Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors\nUdp: 100 1 2 200 3 4\n' +
        'UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors\nUdpLite: 0 0 0 0 0 0\n',
      'proc/net/snmp6':
        'Ip6InReceives                   \t9\nIp6InOctets                     \t4468\nIp6OutOctets                    \t5220\n' +
        'Icmp6InMsgs                     \t1\nIcmp6InErrors                   \t0\nIcmp6OutMsgs                    \t2\n' +
        'Udp6InDatagrams                 \t3\nUdp6NoPorts                     \t0\nUdp6InErrors                    \t0\n' +
        'Udp6OutDatagrams                \t4\nUdp6RcvbufErrors                \t0\nUdp6SndbufErrors                \t0\n' +
        'UdpLite6InErrors                \t0\n',
      'sys/.keep': '',
      'rootfs/data/.keep': '',
      'rootfs/boot/fire mware/.keep': '',
      'proc/1/mounts': [
        '/dev/root / ext4 rw,relatime 0 0',
        '/dev/root / ext4 rw,relatime 0 0',
        'proc /proc proc rw,nosuid 0 0',
        '/dev/mmcblk0p1 /boot/fire\\040mware vfat ro,relatime 0 0',
        `/dev/sda1 ${path.join(root, 'rootfs')}/data ext4 rw 0 0`,
        'tmpfs /run/user/1000 tmpfs rw 0 0',
        'nas:/x /gone nfs rw 0 0',
        'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0',
        '',
      ].join('\n'),
      'udev/b179:0':
        'E:ID_PATH=platform-fe340000.mmc\nE:ID_SERIAL_SHORT=0x9c8b7a6d\nE:ID_NAME=SD64G\n',
      'udev/b8:0':
        'E:ID_MODEL=Samsung_SSD\nE:ID_WWN=0x5002538\nE:ID_REVISION=1B6Q\nE:ID_PATH=pci-0000:01:00.0-usb-0:1:1.0-scsi-0:0:0:0\nE:ID_FS_TYPE=ext4\nE:ID_FS_USAGE=filesystem\nE:ID_FS_UUID=abcd\nE:ID_FS_VERSION=1.0\n',
      'udev/b253:0': 'E:DM_NAME=vg-root\nE:DM_UUID=LVM-xyz\nE:DM_VG_NAME=vg\nE:DM_LV_NAME=root\n',
    });
    const port = await freePort();
    url = `http://127.0.0.1:${port}/metrics`;
    ne = new Peer(NODE_EXPORTER ?? '', [
      `--web.listen-address=127.0.0.1:${port}`,
      `--path.procfs=${path.join(root, 'proc')}`,
      `--path.sysfs=${path.join(root, 'sys')}`,
      `--path.udev.data=${path.join(root, 'udev')}`,
      `--path.rootfs=${path.join(root, 'rootfs')}`,
      '--collector.disable-defaults',
      '--no-collector.netdev.netlink',
      '--collector.netdev.device-exclude=^lo$',
      ...names.map((c) => `--collector.${c}`),
    ]);
    await waitHTTP(url);
  });

  after(async () => {
    await ne?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('produces the same families, help, types, series and values', async () => {
    const keep = new Set<string>([...names, 'scrape']);
    const theirs = byName(await (await fetch(url)).text(), keep);
    const collectors = defaultHostCollectors();
    for (const c of HOST_COLLECTORS) collectors[c] = names.includes(c);
    const ours = byName(
      await new HostCollector({
        procfs: path.join(root, 'proc'),
        sysfs: path.join(root, 'sys'),
        udevData: path.join(root, 'udev'),
        rootfs: path.join(root, 'rootfs'),
        netdevDeviceExclude: /^lo$/,
        collectors,
      }).collect(),
      keep,
    );
    const dump = (m: Map<string, ParsedFamily>): string[] =>
      [...m.values()]
        .filter((f) => f.name !== 'node_scrape_collector_duration_seconds')
        .flatMap((f) => [
          `# ${f.name} ${f.type} ${f.help ?? ''}`,
          // Free space of the temp file system may move between the two reads.
          ...[...values(f)]
            .map(([k, v]) => `${k} ${/_(avail|free)_bytes|files_free/.test(f.name) ? '~' : v}`)
            .sort(),
        ])
        .sort();
    assert.ok(
      theirs.has('node_cpu_seconds_total') &&
        theirs.has('node_disk_info') &&
        theirs.get('node_filesystem_device_error')?.samples.length === 4,
      `node_exporter reported ${[...theirs.keys()].join(' ')}\n${ne?.output ?? ''}`,
    );
    assert.deepEqual(dump(ours), dump(theirs));
  });
});
