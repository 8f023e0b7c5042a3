import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Logger } from '../util/index.js';
import { HostCollector, type HostCollectorName, defaultHostCollectors } from './index.js';

/** Writes files (relative path → content) under root. */
function tree(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

const STAT = `cpu  200 0 100 1000 10 0 5 0 0 0
cpu0 100 0 50 500 5 0 3 0 7 1
cpu1 100 0 50 500 5 0 2 0
intr 7122608 24 0 0
ctxt 24480221
btime 1795308709
processes 113666
procs_running 20
procs_blocked 1
softirq 1 2 3
`;

const MEMINFO = `MemTotal:        2048 kB
MemFree:         1024 kB
Active(anon):      16 kB
HugePages_Total:       3
Hugepagesize:       2048 kB
`;

const DISKSTATS = `   7       0 loop0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 179       0 mmcblk0 10 2 2048 30 5 1 800 70 0 90 100 1 0 8 2 4 6
 179       1 mmcblk0p1 1 0 8 1 0 0 0 0 0 1 1
   8       0 sda 4 0 16 1 0 0 0 0 1 2 3
   8       1 sda1 4 0 16 1 0 0 0 0 0 2 3
`;

const NETDEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 100 2 0 0 0 0 0 0 100 2 0 0 0 0 0 0
  eth0: 355735188 8861 1 2 3 4 5 6 665463 5914 7 8 9 10 11 12
`;

const NETSTAT = `TcpExt: SyncookiesSent ListenDrops TCPTimeouts Other
TcpExt: 1 2 3 4
IpExt: InOctets OutOctets
IpExt: 500 600
`;
const SNMP = `Ip: Forwarding DefaultTTL InOctetsNope
Ip: 2 64 9
Tcp: ActiveOpens CurrEstab InErrs
Tcp: 10 3 0
`;
const SNMP6 = `Ip6InOctets                     	4468
Icmp6InMsgs                     	1
UdpLite6InErrors                	0
Ip6InReceives                   	99
`;

function only(...names: HostCollectorName[]): Record<HostCollectorName, boolean> {
  const c = defaultHostCollectors();
  for (const k of Object.keys(c) as HostCollectorName[]) c[k] = names.includes(k);
  return c;
}

/** Returns the sample lines (no comments) of an exposition that start with a prefix. */
function lines(text: string, prefix: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(prefix));
}

describe('host collectors on a fake /proc and /sys', () => {
  let root = '';
  let procfs = '';
  let sysfs = '';
  let textDir = '';

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'kansoku-host-'));
    procfs = path.join(root, 'proc');
    sysfs = path.join(root, 'sys');
    textDir = path.join(root, 'textfile');
    tree(procfs, {
      stat: STAT,
      meminfo: MEMINFO,
      loadavg: '0.50 1.25 2.00 3/400 1234\n',
      diskstats: DISKSTATS,
      'net/dev': NETDEV,
      'net/netstat': NETSTAT,
      'net/snmp': SNMP,
      'net/snmp6': SNMP6,
      'net/sockstat':
        'sockets: used 37\nTCP: inuse 11 orphan 0 tw 1 alloc 11 mem 2\nUDP: inuse 0 mem 1\n',
      'net/sockstat6': 'TCP6: inuse 4\n',
      'self/smaps':
        '00400000-00452000 r-xp 00000000 08:02 173521 /bin/x\nKernelPageSize:        4 kB\n',
      vmstat: 'nr_free_pages 1\npgfault 100\npgmajfault 2\noom_kill 0\npswpin 5\n',
      'sys/fs/file-nr': '1220\t0\t2466170\n',
      'sys/kernel/random/entropy_avail': '256\n',
      'sys/kernel/random/poolsize': '256\n',
      'sys/kernel/ostype': 'Linux\n',
      'sys/kernel/hostname': 'raspberrypi\n',
      'sys/kernel/osrelease': '6.1.0-rpi7-rpi-v8\n',
      'sys/kernel/version': '#1 SMP PREEMPT Debian 1:6.1.63-1+rpt1 (2023-11-24)\n',
      'sys/kernel/domainname': '(none)\n',
      'pressure/cpu': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=4484003529\n',
      'pressure/io':
        'some avg10=0.00 avg60=0.00 avg300=0.00 total=58860527\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=1247298\n',
      'pressure/memory':
        'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
      '1/mounts': [
        '/dev/root / ext4 rw,relatime 0 0',
        'proc /proc proc rw 0 0',
        'tmpfs /run tmpfs rw 0 0',
        '/dev/mmcblk0p1 /boot/fire\\040mware vfat ro,relatime 0 0',
        '/dev/root / ext4 rw,relatime 0 0',
        'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0',
        'nas:/x /gone nfs rw 0 0',
      ].join('\n'),
    });
    mkdirSync(path.join(root, 'rootfs', 'boot', 'fire mware'), { recursive: true });
    tree(sysfs, {
      'class/net/eth0/statistics/rx_nohandler': '13\n',
      'devices/system/cpu/isolated': '1\n',
      'devices/system/cpu/cpu0/topology/physical_package_id': '0\n',
      'devices/system/cpu/cpu0/topology/core_id': '0\n',
      'devices/system/cpu/cpu0/thermal_throttle/core_throttle_count': '7\n',
      'devices/system/cpu/cpu0/thermal_throttle/package_throttle_count': '9\n',
      'devices/system/cpu/cpu1/topology/physical_package_id': '0\n',
      'devices/system/cpu/cpu1/topology/core_id': '0\n',
      'class/thermal/thermal_zone0/type': 'cpu-thermal\n',
      'class/thermal/thermal_zone0/temp': '48312\n',
      'class/thermal/thermal_zone0/policy': 'step_wise\n',
      'class/thermal/cooling_device0/type': 'gpio-fan\n',
      'class/thermal/cooling_device0/cur_state': '1\n',
      'class/thermal/cooling_device0/max_state': '1\n',
      'devices/virtual/hwmon/hwmon0/name': 'cpu_thermal\n',
      'devices/virtual/hwmon/hwmon0/temp1_input': '48312\n',
      'devices/virtual/hwmon/hwmon0/temp1_crit': '110000\n',
      'devices/platform/soc/rpi_volt/hwmon/hwmon1/name': 'rpi_volt\n',
      'devices/platform/soc/rpi_volt/hwmon/hwmon1/in0_lcrit_alarm': '0\n',
      'devices/platform/soc/rpi_volt/hwmon/hwmon1/in0_label': 'core\n',
      'devices/platform/soc/rpi_volt/hwmon/hwmon1/fan1_input': '1200\n',
      'devices/platform/soc/rpi_volt/hwmon/hwmon1/energy1_input': '5000000\n',
      'devices/system/clocksource/clocksource0/available_clocksource': 'arch_sys_counter \n',
      'devices/system/clocksource/clocksource0/current_clocksource': 'arch_sys_counter\n',
    });
    mkdirSync(path.join(sysfs, 'class', 'hwmon'), { recursive: true });
    symlinkSync('../../devices/virtual/hwmon/hwmon0', path.join(sysfs, 'class/hwmon/hwmon0'));
    symlinkSync(
      '../../devices/platform/soc/rpi_volt/hwmon/hwmon1',
      path.join(sysfs, 'class/hwmon/hwmon1'),
    );
    symlinkSync('../..', path.join(sysfs, 'devices/platform/soc/rpi_volt/hwmon/hwmon1/device'));
    tree(textDir, {
      'good.prom':
        '# HELP backup_ok Whether the backup worked.\n# TYPE backup_ok gauge\nbackup_ok{job="a"} 1\n',
      'more.prom': '# TYPE backup_ok gauge\nbackup_ok{job="b",host="x"} 0\nnode_load1 99\n',
      'broken.prom': 'backup_ok{job="c"} 1 1700000000000\n',
      'ignored.txt': 'not a prom file\n',
    });
    utimesSync(path.join(textDir, 'good.prom'), 1700000000, 1700000000.7);
    tree(path.join(root, 'udev'), {
      'b179:0':
        'S:disk/by-path/x\nE:ID_PATH=platform-fe340000.mmc\nE:ID_SERIAL_SHORT=0x1234\nE:ID_MODEL=SC64G\n',
    });
  });

  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  const scrape = (names: HostCollectorName[], extra = {}): Promise<string> =>
    new HostCollector({
      procfs,
      sysfs,
      rootfs: path.join(root, 'rootfs'),
      udevData: path.join(root, 'udev'),
      textfileDirectory: textDir,
      collectors: only(...names),
      ...extra,
    }).collect();

  it('cpu: per-cpu modes in seconds, guest modes, no aggregate line', async () => {
    const t = await scrape(['cpu']);
    assert.ok(t.includes('# TYPE node_cpu_seconds_total counter\n'));
    assert.equal(lines(t, 'node_cpu_seconds_total').length, 16);
    assert.ok(t.includes('node_cpu_seconds_total{cpu="0",mode="idle"} 5\n'));
    assert.ok(t.includes('node_cpu_seconds_total{cpu="0",mode="softirq"} 0.03\n'));
    assert.ok(t.includes('node_cpu_guest_seconds_total{cpu="0",mode="user"} 0.07\n'));
    assert.ok(t.includes('node_cpu_guest_seconds_total{cpu="0",mode="nice"} 0.01\n'));
    assert.ok(t.includes('node_cpu_guest_seconds_total{cpu="1",mode="user"} 0\n'), 'absent is 0');
    assert.ok(t.includes('node_scrape_collector_success{collector="cpu"} 1\n'));
    assert.ok(t.includes('node_cpu_isolated{cpu="1"} 1\n'));
    assert.ok(t.includes('node_cpu_core_throttles_total{core="0",package="0"} 7\n'));
    assert.ok(t.includes('node_cpu_package_throttles_total{package="0"} 9\n'));
    assert.equal(lines(t, 'node_cpu_core_throttles_total').length, 1, 'a core is read once');
  });

  it('cpu: a small step back keeps the previous value, a large one resets', async () => {
    const hc = new HostCollector({ procfs, sysfs, collectors: only('cpu') });
    await hc.collect();
    const p = path.join(procfs, 'stat');
    writeFileSync(p, STAT.replace('cpu0 100 0 50 500 5', 'cpu0 100 0 50 499 4'));
    assert.ok((await hc.collect()).includes('{cpu="0",mode="iowait"} 0.05\n'));
    writeFileSync(p, STAT.replace('cpu0 100 0 50 500 5', 'cpu0 100 0 50 1 4'));
    const reset = await hc.collect();
    assert.ok(reset.includes('{cpu="0",mode="idle"} 0.01\n'), 'an idle jump resets the cpu');
    assert.ok(reset.includes('{cpu="0",mode="iowait"} 0.04\n'), 'the reset covers every mode');
    writeFileSync(p, STAT);
  });

  it('stat: boot time, context switches, forks, interrupts, procs', async () => {
    const t = await scrape(['stat']);
    for (const want of [
      'node_boot_time_seconds 1.795308709e+09',
      'node_context_switches_total 2.4480221e+07',
      'node_forks_total 113666',
      'node_intr_total 7.122608e+06',
      'node_procs_running 20',
      'node_procs_blocked 1',
    ]) {
      assert.ok(t.includes(`${want}\n`), want);
    }
  });

  it('meminfo: kB become bytes, parentheses become underscores, counts stay bare', async () => {
    const t = await scrape(['meminfo']);
    assert.ok(t.includes('node_memory_MemTotal_bytes 2.097152e+06\n'));
    assert.ok(t.includes('node_memory_Active_anon_bytes 16384\n'));
    assert.ok(t.includes('node_memory_HugePages_Total 3\n'));
    assert.ok(
      t.includes(
        '# HELP node_memory_Active_anon_bytes Memory information field Active_anon_bytes.\n',
      ),
    );
  });

  it('loadavg, filefd, entropy, vmstat, uname, time', async () => {
    const t = await scrape(['loadavg', 'filefd', 'entropy', 'vmstat', 'uname', 'time']);
    for (const want of [
      'node_load1 0.5',
      'node_load15 2',
      'node_filefd_allocated 1220',
      'node_filefd_maximum 2.46617e+06',
      'node_entropy_available_bits 256',
      'node_vmstat_pgfault 100',
      'node_vmstat_pswpin 5',
      'node_time_clocksource_current_info{clocksource="arch_sys_counter",device="0"} 1',
      `node_uname_info{domainname="(none)",machine="${os.machine()}",nodename="raspberrypi",release="6.1.0-rpi7-rpi-v8",sysname="Linux",version="#1 SMP PREEMPT Debian 1:6.1.63-1+rpt1 (2023-11-24)"} 1`,
    ]) {
      assert.ok(t.includes(`${want}\n`), want);
    }
    assert.equal(lines(t, 'node_vmstat_nr_free_pages').length, 0);
    assert.ok(t.includes('# TYPE node_vmstat_pgfault untyped\n'));
  });

  it('diskstats: partitions and loops excluded, units converted, udev info, short lines', async () => {
    const t = await scrape(['diskstats']);
    assert.equal(
      lines(t, 'node_disk_reads_completed_total').length,
      3,
      'mmcblk0p1 is kept, as node_exporter does',
    );
    assert.ok(t.includes('node_disk_read_bytes_total{device="mmcblk0"} 1.048576e+06\n'));
    assert.ok(t.includes('node_disk_read_time_seconds_total{device="mmcblk0"} 0.03\n'));
    assert.ok(t.includes('node_disk_discarded_sectors_total{device="mmcblk0"} 8\n'));
    assert.ok(t.includes('node_disk_flush_requests_time_seconds_total{device="mmcblk0"} 0.006\n'));
    assert.ok(
      t.includes(
        'node_disk_info{device="mmcblk0",major="179",minor="0",model="SC64G",path="platform-fe340000.mmc",revision="",serial="0x1234",wwn=""} 1\n',
      ),
    );
    assert.equal(lines(t, 'node_disk_discards_completed_total{device="sda"}').length, 0);
    assert.ok(t.includes('node_disk_io_time_weighted_seconds_total{device="sda"} 0.003\n'));
  });

  it('netdev: every device with /proc/net/dev names, nohandler from sysfs, filters', async () => {
    const t = await scrape(['netdev']);
    assert.ok(t.includes('node_network_receive_bytes_total{device="eth0"} 3.55735188e+08\n'));
    assert.ok(t.includes('node_network_receive_frame_total{device="eth0"} 4\n'));
    assert.ok(t.includes('node_network_transmit_carrier_total{device="eth0"} 11\n'));
    assert.ok(t.includes('node_network_receive_nohandler_total{device="eth0"} 13\n'));
    assert.ok(t.includes('node_network_receive_bytes_total{device="lo"} 100\n'));
    const f = await scrape(['netdev'], { netdevDeviceExclude: /^lo$/ });
    assert.equal(lines(f, 'node_network_receive_bytes_total{device="lo"}').length, 0);
  });

  it('netstat and sockstat', async () => {
    const t = await scrape(['netstat', 'sockstat']);
    for (const want of [
      'node_netstat_TcpExt_SyncookiesSent 1',
      'node_netstat_TcpExt_ListenDrops 2',
      'node_netstat_IpExt_InOctets 500',
      'node_netstat_Ip_Forwarding 2',
      'node_netstat_Tcp_CurrEstab 3',
      'node_netstat_Ip6_InOctets 4468',
      'node_netstat_UdpLite6_InErrors 0',
      'node_sockstat_sockets_used 37',
      'node_sockstat_TCP_mem_bytes 8192',
      'node_sockstat_UDP_mem_bytes 4096',
      'node_sockstat_TCP6_inuse 4',
    ]) {
      assert.ok(t.includes(`${want}\n`), want);
    }
    assert.ok(t.includes('# HELP node_netstat_Ip6_InOctets Statistic Ip6InOctets.\n'));
    assert.equal(lines(t, 'node_netstat_TcpExt_Other').length, 0);
    assert.equal(lines(t, 'node_netstat_Ip6_InReceives').length, 0);
  });

  it('pressure: seconds from microseconds; missing PSI fails the collector', async () => {
    const t = await scrape(['pressure']);
    assert.ok(t.includes('node_pressure_cpu_waiting_seconds_total 4484.003529\n'));
    assert.ok(t.includes('node_pressure_io_stalled_seconds_total 1.247298\n'));
    const none = await new HostCollector({ procfs: root, collectors: only('pressure') }).collect();
    assert.ok(none.includes('node_scrape_collector_success{collector="pressure"} 0\n'));
  });

  it('filesystem: exclusions, duplicates, escaped mount points, read-only, stat errors', async () => {
    const t = await scrape(['filesystem']);
    assert.equal(lines(t, 'node_filesystem_device_error').length, 3);
    assert.ok(
      t.includes(
        'node_filesystem_readonly{device="/dev/mmcblk0p1",fstype="vfat",mountpoint="/boot/fire mware"} 1\n',
      ),
    );
    assert.ok(
      t.includes('node_filesystem_readonly{device="/dev/root",fstype="ext4",mountpoint="/"} 0\n'),
    );
    assert.ok(
      t.includes(
        'node_filesystem_device_error{device="nas:/x",fstype="nfs",mountpoint="/gone"} 1\n',
      ),
    );
    assert.equal(lines(t, 'node_filesystem_size_bytes{device="nas:/x"').length, 0);
    assert.equal(lines(t, 'node_filesystem_size_bytes').length, 2);
  });

  it('thermal_zone and hwmon: the Raspberry Pi SoC temperature', async () => {
    const t = await scrape(['thermal_zone', 'hwmon']);
    for (const want of [
      'node_thermal_zone_temp{type="cpu-thermal",zone="0"} 48.312',
      'node_cooling_device_cur_state{name="0",type="gpio-fan"} 1',
      'node_hwmon_temp_celsius{chip="cpu_thermal",sensor="temp1"} 48.312',
      'node_hwmon_temp_crit_celsius{chip="cpu_thermal",sensor="temp1"} 110',
      'node_hwmon_chip_names{chip="cpu_thermal",chip_name="cpu_thermal"} 1',
      'node_hwmon_chip_names{chip="soc_rpi_volt",chip_name="rpi_volt"} 1',
      'node_hwmon_in_lcrit_alarm_volts{chip="soc_rpi_volt",sensor="in0"} 0',
      'node_hwmon_sensor_label{chip="soc_rpi_volt",label="core",sensor="in0"} 1',
      'node_hwmon_fan_rpm{chip="soc_rpi_volt",sensor="fan1"} 1200',
      'node_hwmon_energy_joule_total{chip="soc_rpi_volt",sensor="energy1"} 5',
      '# TYPE node_hwmon_energy_joule_total counter',
    ]) {
      assert.ok(t.includes(`${want}\n`), want);
    }
  });

  it('textfile: merges files, fills missing labels, skips bad files, reports mtimes', async () => {
    const t = await scrape(['textfile', 'loadavg']);
    assert.ok(t.includes('# HELP backup_ok Whether the backup worked.\n'));
    assert.ok(t.includes('backup_ok{host="",job="a"} 1\n'));
    assert.ok(t.includes('backup_ok{host="x",job="b"} 0\n'));
    assert.equal(lines(t, 'backup_ok{host="",job="c"}').length, 0);
    assert.ok(
      t.includes(
        `node_textfile_mtime_seconds{file="${path.join(textDir, 'good.prom')}"} 1.7e+09\n`,
      ),
    );
    assert.equal(
      lines(t, `node_textfile_mtime_seconds{file="${path.join(textDir, 'broken.prom')}"}`).length,
      0,
    );
    assert.ok(t.includes('node_textfile_scrape_error 1\n'));
    assert.ok(t.includes('node_load1 0.5\n'), 'a collector metric wins over a textfile one');
    assert.equal(lines(t, 'node_load1 99').length, 0);
  });

  it('textfile: a file that changes the type of a family is skipped', async () => {
    const dir = path.join(root, 'textfile-clash');
    tree(dir, {
      'a.prom': '# TYPE jobs_total counter\njobs_total 5\n',
      'b.prom': '# TYPE jobs_total gauge\njobs_total{x="1"} 6\n',
    });
    const t = await scrape(['textfile'], { textfileDirectory: dir });
    assert.ok(t.includes('# TYPE jobs_total counter\njobs_total 5\n'));
    assert.equal(lines(t, 'jobs_total{').length, 0);
    assert.ok(t.includes('node_textfile_scrape_error 1\n'));
  });

  it('logs collector failures and bad textfiles', async () => {
    const logged: string[] = [];
    const logger = new Logger({
      level: 'debug',
      format: 'logfmt',
      sink: { write: (l: string) => logged.push(l) },
    });
    const hc = new HostCollector(
      {
        procfs: root,
        sysfs,
        textfileDirectory: textDir,
        collectors: only('pressure', 'textfile', 'stat'),
      },
      logger,
    );
    await hc.collect();
    const all = logged.join('');
    assert.match(all, /host collector has no data.*collector=pressure/);
    assert.match(all, /host collector failed.*collector=stat/);
    assert.match(all, /cannot collect textfile.*broken\.prom/);
  });

  it('textfile: no directory configured means no error', async () => {
    const t = await scrape(['textfile'], { textfileDirectory: '' });
    assert.ok(t.includes('node_textfile_scrape_error 0\n'));
  });
});
