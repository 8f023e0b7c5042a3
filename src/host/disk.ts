/** The `diskstats` and `filesystem` collectors. */
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { type CollectContext, parseNum, procPath, readOptional, readText } from './context.js';
import { MetricFamily } from './family.js';
import { deviceAllowed } from './options.js';

/** Bytes per sector in /proc/diskstats (always 512, whatever the device's sector size). */
const SECTOR_BYTES = 512;
/** /proc/diskstats times are in milliseconds. */
const SECONDS_PER_TICK = 0.001;

/** The /proc/diskstats columns after the device name: metric, help, type, scale. */
const DISK_FIELDS: readonly (readonly [string, string, 'counter' | 'gauge', number])[] = [
  ['reads_completed_total', 'The total number of reads completed successfully.', 'counter', 1],
  ['reads_merged_total', 'The total number of reads merged.', 'counter', 1],
  ['read_bytes_total', 'The total number of bytes read successfully.', 'counter', SECTOR_BYTES],
  [
    'read_time_seconds_total',
    'The total number of seconds spent by all reads.',
    'counter',
    SECONDS_PER_TICK,
  ],
  ['writes_completed_total', 'The total number of writes completed successfully.', 'counter', 1],
  ['writes_merged_total', 'The number of writes merged.', 'counter', 1],
  [
    'written_bytes_total',
    'The total number of bytes written successfully.',
    'counter',
    SECTOR_BYTES,
  ],
  [
    'write_time_seconds_total',
    'This is the total number of seconds spent by all writes.',
    'counter',
    SECONDS_PER_TICK,
  ],
  ['io_now', 'The number of I/Os currently in progress.', 'gauge', 1],
  ['io_time_seconds_total', 'Total seconds spent doing I/Os.', 'counter', SECONDS_PER_TICK],
  [
    'io_time_weighted_seconds_total',
    'The weighted # of seconds spent doing I/Os.',
    'counter',
    SECONDS_PER_TICK,
  ],
  [
    'discards_completed_total',
    'The total number of discards completed successfully.',
    'counter',
    1,
  ],
  ['discards_merged_total', 'The total number of discards merged.', 'counter', 1],
  ['discarded_sectors_total', 'The total number of sectors discarded successfully.', 'counter', 1],
  [
    'discard_time_seconds_total',
    'This is the total number of seconds spent by all discards.',
    'counter',
    SECONDS_PER_TICK,
  ],
  [
    'flush_requests_total',
    'The total number of flush requests completed successfully',
    'counter',
    1,
  ],
  [
    'flush_requests_time_seconds_total',
    'This is the total number of seconds spent by all flush requests.',
    'counter',
    SECONDS_PER_TICK,
  ],
];

/** Reads the `E:` properties of a block device from udev's database; empty when absent. */
async function udevProps(dir: string, major: string, minor: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const text = await readOptional(path.join(dir, `b${major}:${minor}`));
  for (const line of (text ?? '').split('\n')) {
    if (!line.startsWith('E:')) continue;
    const eq = line.indexOf('=');
    if (eq > 2) out.set(line.slice(2, eq), line.slice(eq + 1));
  }
  return out;
}

/**
 * Reports `/proc/diskstats` per device (sectors as bytes, ticks as seconds), `node_disk_info`
 * from udev's database, and `node_disk_filesystem_info`/`node_disk_device_mapper_info` where udev
 * knows a filesystem or a device-mapper name.
 */
export async function collectDiskstats(ctx: CollectContext): Promise<MetricFamily[]> {
  const text = await readText(procPath(ctx, 'diskstats'));
  const fams = DISK_FIELDS.map(([n, h, t]) => new MetricFamily(`node_disk_${n}`, h, t, ['device']));
  const info = new MetricFamily('node_disk_info', 'Info of /sys/block/<block_device>.', 'gauge', [
    'device',
    'major',
    'minor',
    'model',
    'path',
    'revision',
    'serial',
    'wwn',
  ]);
  const fsInfo = new MetricFamily(
    'node_disk_filesystem_info',
    'Info about disk filesystem.',
    'gauge',
    ['device', 'type', 'usage', 'uuid', 'version'],
  );
  const dmInfo = new MetricFamily(
    'node_disk_device_mapper_info',
    'Info about disk device mapper.',
    'gauge',
    ['device', 'lv_layer', 'lv_name', 'name', 'uuid', 'vg_name'],
  );
  const { diskstatsDeviceInclude: inc, diskstatsDeviceExclude: exc } = ctx.opts;
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    const [major = '', minor = '', dev = ''] = f;
    if (!deviceAllowed(dev, inc, exc)) continue;
    const u = await udevProps(ctx.opts.udevData, major, minor);
    const p = (k: string): string => u.get(k) ?? '';
    info.add(
      1,
      dev,
      major,
      minor,
      p('ID_MODEL'),
      p('ID_PATH'),
      p('ID_REVISION'),
      p('ID_SERIAL_SHORT'),
      p('ID_WWN'),
    );
    for (let i = 0; i < DISK_FIELDS.length && i + 3 < f.length; i++) {
      const scale = DISK_FIELDS[i]?.[3] ?? 1;
      fams[i]?.add(parseNum(f[i + 3], `/proc/diskstats ${dev}`) * scale, dev);
    }
    if (p('ID_FS_TYPE') !== '') {
      fsInfo.add(1, dev, p('ID_FS_TYPE'), p('ID_FS_USAGE'), p('ID_FS_UUID'), p('ID_FS_VERSION'));
    }
    if (p('DM_NAME') !== '') {
      dmInfo.add(
        1,
        dev,
        p('DM_LV_LAYER'),
        p('DM_LV_NAME'),
        p('DM_NAME'),
        p('DM_UUID'),
        p('DM_VG_NAME'),
      );
    }
  }
  return [...fams, info, fsInfo, dmInfo];
}

/** One line of the mount table. */
interface Mount {
  readonly device: string;
  readonly mountpoint: string;
  readonly fstype: string;
  readonly readonly: boolean;
}

/**
 * Parses a mount table (`/proc/1/mounts` format), decoding `\040` and `\011` in mount points and
 * removing a `rootfs` prefix from them (an agent in a container sees the host's mounts below it).
 */
export function parseMounts(text: string, rootfs = '/'): Mount[] {
  const out: Mount[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const f = line.trim().split(/\s+/);
    if (f.length < 4)
      throw new Error(`cannot parse mounts: malformed line ${JSON.stringify(line)}`);
    out.push({
      device: f[0] ?? '',
      mountpoint: stripRootfs((f[1] ?? '').replace(/\\040/g, ' ').replace(/\\011/g, '\t'), rootfs),
      fstype: f[2] ?? '',
      readonly: (f[3] ?? '').split(',').includes('ro'),
    });
  }
  return out;
}

/** Removes the rootfs prefix from a mount point, as a plain string prefix ("" becomes "/"). */
function stripRootfs(mountpoint: string, rootfs: string): string {
  if (rootfs === '/' || !mountpoint.startsWith(rootfs)) return mountpoint;
  const rest = mountpoint.slice(rootfs.length);
  return rest === '' ? '/' : rest;
}

/** statfs with a deadline; resolves null on error or when the mount does not answer in time. */
function statfsWithin(
  p: string,
  ms: number,
): Promise<{
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
} | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve(null);
    }, ms);
    statfs(p).then(
      (s) => {
        clearTimeout(timer);
        resolve(s);
      },
      () => {
        clearTimeout(timer);
        resolve(null);
      },
    );
  });
}

/** Filesystem families: metric suffix and help, in node_exporter's wording. */
const FS_FIELDS = [
  ['size_bytes', 'Filesystem size in bytes.'],
  ['free_bytes', 'Filesystem free space in bytes.'],
  ['avail_bytes', 'Filesystem space available to non-root users in bytes.'],
  ['files', 'Filesystem total file nodes.'],
  ['files_free', 'Filesystem total free file nodes.'],
  ['readonly', 'Filesystem read-only status.'],
  ['device_error', 'Whether an error occurred while getting statistics for the given device.'],
] as const;

/**
 * Reports size, free, available, inodes, read-only and device error per mounted filesystem of
 * `/proc/1/mounts` (falling back to `/proc/mounts`), skipping excluded mount points and types and
 * duplicate device/mount point/type triples. statfs runs asynchronously with a deadline, so a hung
 * network mount yields `device_error 1` instead of stalling the scrape.
 */
export async function collectFilesystem(ctx: CollectContext): Promise<MetricFamily[]> {
  const text =
    (await readOptional(procPath(ctx, '1', 'mounts'))) ?? (await readText(procPath(ctx, 'mounts')));
  const labels = ['device', 'fstype', 'mountpoint'];
  const fams = FS_FIELDS.map(
    ([n, h]) => new MetricFamily(`node_filesystem_${n}`, h, 'gauge', labels),
  );
  const [size, free, avail, files, filesFree, ro, devErr] = fams;
  if (!size || !free || !avail || !files || !filesFree || !ro || !devErr) return fams;
  const seen = new Set<string>();
  const { filesystemMountPointsExclude: mpx, filesystemFsTypesExclude: fsx } = ctx.opts;
  const rootfs = ctx.opts.rootfs;
  const mounts = parseMounts(text, rootfs).filter((m) => {
    if (mpx.test(m.mountpoint) || fsx.test(m.fstype)) return false;
    const key = `${m.device}\0${m.mountpoint}\0${m.fstype}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const stats = await Promise.all(
    mounts.map((m) =>
      statfsWithin(path.join(rootfs, m.mountpoint), ctx.opts.filesystemMountTimeoutMs),
    ),
  );
  for (let i = 0; i < mounts.length; i++) {
    const m = mounts[i];
    if (m === undefined) continue;
    const s = stats[i];
    devErr.add(s ? 0 : 1, m.device, m.fstype, m.mountpoint);
    if (!s) continue;
    size.add(s.blocks * s.bsize, m.device, m.fstype, m.mountpoint);
    free.add(s.bfree * s.bsize, m.device, m.fstype, m.mountpoint);
    avail.add(s.bavail * s.bsize, m.device, m.fstype, m.mountpoint);
    files.add(s.files, m.device, m.fstype, m.mountpoint);
    filesFree.add(s.ffree, m.device, m.fstype, m.mountpoint);
    ro.add(m.readonly ? 1 : 0, m.device, m.fstype, m.mountpoint);
  }
  return fams;
}
