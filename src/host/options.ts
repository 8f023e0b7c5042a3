/** Options of the host metrics collectors, with node_exporter's defaults. */

/** The collectors Kansoku implements, named as node_exporter names them. */
export const HOST_COLLECTORS = [
  'cpu',
  'meminfo',
  'loadavg',
  'stat',
  'uname',
  'time',
  'netdev',
  'filesystem',
  'diskstats',
  'pressure',
  'thermal_zone',
  'hwmon',
  'sockstat',
  'vmstat',
  'filefd',
  'entropy',
  'netstat',
  'conntrack',
  'arp',
  'softnet',
  'udp_queues',
  'os',
  'netclass',
  'cpufreq',
  'schedstat',
  'mdadm',
  'dmi',
  'powersupplyclass',
  'rapl',
  'edac',
  'textfile',
] as const;

/** The name of one host collector. */
export type HostCollectorName = (typeof HOST_COLLECTORS)[number];

/** Options of `collectHostMetrics` / `HostCollector`. */
export interface HostMetricsOptions {
  /** Root of the proc filesystem (node_exporter's `--path.procfs`). */
  readonly procfs: string;
  /** Root of the sys filesystem (`--path.sysfs`). */
  readonly sysfs: string;
  /** Prefix for mount points when statting filesystems (`--path.rootfs`). */
  readonly rootfs: string;
  /** Directory of udev's device database, for `node_disk_info` (`--path.udev.data`). */
  readonly udevData: string;
  /** Which collectors run; all of node_exporter's defaults are on. */
  readonly collectors: Readonly<Record<HostCollectorName, boolean>>;
  /** Directory of `*.prom` files for the textfile collector; empty disables reading. */
  readonly textfileDirectory: string;
  /** Mount points the filesystem collector skips. */
  readonly filesystemMountPointsExclude: RegExp;
  /** Filesystem types the filesystem collector skips. */
  readonly filesystemFsTypesExclude: RegExp;
  /** Milliseconds to wait for statfs before reporting `node_filesystem_device_error 1`. */
  readonly filesystemMountTimeoutMs: number;
  /** Block devices the diskstats collector skips (ignored when an include pattern is set). */
  readonly diskstatsDeviceExclude: RegExp | null;
  /** When set, the diskstats collector reports only matching devices. */
  readonly diskstatsDeviceInclude: RegExp | null;
  /** Network devices the netdev collector skips (ignored when an include pattern is set). */
  readonly netdevDeviceExclude: RegExp | null;
  /** When set, the netdev collector reports only matching devices. */
  readonly netdevDeviceInclude: RegExp | null;
  /** `/proc/vmstat` fields to report. */
  readonly vmstatFields: RegExp;
  /** `Proto_Field` names from `/proc/net/{netstat,snmp,snmp6}` to report. */
  readonly netstatFields: RegExp;
}

/** Returns the default collector set: every implemented collector, as node_exporter enables them. */
export function defaultHostCollectors(): Record<HostCollectorName, boolean> {
  const out = {} as Record<HostCollectorName, boolean>;
  for (const c of HOST_COLLECTORS) out[c] = true;
  return out;
}

/** Returns node_exporter 1.5's default options, reading the real `/proc` and `/sys`. */
export function defaultHostMetricsOptions(): HostMetricsOptions {
  return {
    procfs: '/proc',
    sysfs: '/sys',
    rootfs: '/',
    udevData: '/run/udev/data',
    collectors: defaultHostCollectors(),
    textfileDirectory: '',
    filesystemMountPointsExclude:
      /^\/(dev|proc|run|sys|mnt|media|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/,
    filesystemFsTypesExclude:
      /^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$/,
    filesystemMountTimeoutMs: 5000,
    diskstatsDeviceExclude: /^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/,
    diskstatsDeviceInclude: null,
    netdevDeviceExclude: null,
    netdevDeviceInclude: null,
    vmstatFields: /^(oom_kill|pgpg|pswp|pg.*fault).*/,
    netstatFields:
      /^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$/,
  };
}

/** Whether a device passes an include/exclude filter pair (include wins when set). */
export function deviceAllowed(
  name: string,
  include: RegExp | null,
  exclude: RegExp | null,
): boolean {
  if (include !== null) return include.test(name);
  return exclude === null || !exclude.test(name);
}
