/**
 * The `mdadm` collector: Linux software RAID arrays from `/proc/mdstat`. Names, help texts,
 * labels and the parsing rules (which lines fail the collector) are node_exporter 1.5's.
 */
import { type CollectContext, NoDataError, isNotFound, procPath, readText } from './context.js';
import { MetricFamily } from './family.js';

/** One array as `/proc/mdstat` describes it. */
export interface MdArray {
  readonly name: string;
  /** `active`, `inactive`, `recovering`, `resyncing` or `checking`. */
  readonly state: string;
  readonly disksActive: number;
  readonly disksTotal: number;
  readonly disksFailed: number;
  readonly disksSpare: number;
  readonly blocksTotal: number;
  readonly blocksSynced: number;
}

const STATUS_LINE = /(\d+) blocks .*\[(\d+)\/(\d+)\] \[([U_]+)\]/;
const SYNC_BLOCKS = /\((\d+)\/\d+\)/;
const SYNC_PCT = /= (.+)%/;
const SYNC_FINISH = /finish=(.+)min/;
const SYNC_SPEED = /speed=(.+)[A-Z]/;

function fail(msg: string): never {
  throw new Error(`cannot parse /proc/mdstat: ${msg}`);
}

function int(s: string | undefined, line: string): number {
  if (s === undefined || !/^[+-]?\d+$/.test(s))
    fail(`unexpected status line ${JSON.stringify(line)}`);
  return Number(s);
}

function float(s: string | undefined, line: string): number {
  const t = s ?? '';
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i.test(t)) {
    fail(`unexpected sync line ${JSON.stringify(line)}`);
  }
  return Number(t);
}

function count(s: string, sub: string): number {
  return s.split(sub).length - 1;
}

/** Disks and size from the device line and the status line below it. */
function statusOf(
  deviceLine: string,
  statusLine: string,
): { active: number; total: number; size: number } {
  const fields = statusLine.trim().split(/\s+/);
  if (fields[0] === undefined || fields[0] === '') {
    fail(`unexpected status line ${JSON.stringify(statusLine)}`);
  }
  const size = int(fields[0], statusLine);
  if (deviceLine.includes('raid0') || deviceLine.includes('linear')) {
    const total = count(deviceLine, '[');
    return { active: total, total, size };
  }
  if (deviceLine.includes('inactive')) return { active: 0, total: 0, size };
  const m = STATUS_LINE.exec(statusLine);
  if (m === null) fail(`cannot find the disk counts in ${JSON.stringify(statusLine)}`);
  return { active: int(m[3], statusLine), total: int(m[2], statusLine), size };
}

/** Synced blocks of a resync/recovery/check line; the other fields are validated only. */
function syncedOf(line: string): number {
  const blocks = SYNC_BLOCKS.exec(line);
  if (blocks === null) fail(`unexpected sync line ${JSON.stringify(line)}`);
  const synced = int(blocks[1], line);
  float(SYNC_PCT.exec(line)?.[1]?.trim(), line);
  float(SYNC_FINISH.exec(line)?.[1], line);
  float(SYNC_SPEED.exec(line)?.[1], line);
  return synced;
}

/** Parses `/proc/mdstat`; throws on a line node_exporter cannot parse either. */
export function parseMdstat(text: string): MdArray[] {
  const out: MdArray[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (
      line.trim() === '' ||
      line.startsWith(' ') ||
      line.startsWith('Personalities') ||
      line.startsWith('unused')
    ) {
      return;
    }
    const fields = line.trim().split(/\s+/);
    const name = fields[0] ?? '';
    if (fields.length < 3) fail(`not enough fields in ${JSON.stringify(line)}`);
    if (lines.length <= i + 3) fail(`too few lines for ${name}`);
    let state = fields[2] ?? '';
    const { active, total, size } = statusOf(line, lines[i + 1] ?? '');
    const syncLine = lines[(lines[i + 2] ?? '').includes('bitmap') ? i + 3 : i + 2] ?? '';
    let synced = size;
    const recovering = syncLine.includes('recovery');
    const resyncing = syncLine.includes('resync');
    const checking = syncLine.includes('check');
    if (recovering || resyncing || checking) {
      state = recovering ? 'recovering' : checking ? 'checking' : 'resyncing';
      synced =
        syncLine.includes('PENDING') || syncLine.includes('DELAYED') ? 0 : syncedOf(syncLine);
    }
    out.push({
      name,
      state,
      disksActive: active,
      disksTotal: total,
      disksFailed: count(line, '(F)'),
      disksSpare: count(line, '(S)'),
      blocksTotal: size,
      blocksSynced: synced,
    });
  });
  return out;
}

/** `node_md_state{state}` values by the parsed state. */
const STATES = [
  ['active', 'active'],
  ['inactive', 'inactive'],
  ['recovering', 'recovering'],
  ['resync', 'resyncing'],
  ['check', 'checking'],
] as const;

/**
 * Reports `node_md_disks{device,state}`, `node_md_disks_required`, `node_md_state{device,state}`,
 * `node_md_blocks` and `node_md_blocks_synced` per array. No `/proc/mdstat` (md not loaded) is
 * NoDataError; an unparsable one fails the collector.
 */
export async function collectMdadm(ctx: CollectContext): Promise<MetricFamily[]> {
  let text: string;
  try {
    text = await readText(procPath(ctx, 'mdstat'));
  } catch (err) {
    if (isNotFound(err)) throw new NoDataError('md arrays (/proc/mdstat)');
    throw err;
  }
  const required = new MetricFamily(
    'node_md_disks_required',
    'Total number of disks of device.',
    'gauge',
    ['device'],
  );
  const disks = new MetricFamily(
    'node_md_disks',
    'Number of active/failed/spare disks of device.',
    'gauge',
    ['device', 'state'],
  );
  const state = new MetricFamily('node_md_state', 'Indicates the state of md-device.', 'gauge', [
    'device',
    'state',
  ]);
  const blocks = new MetricFamily('node_md_blocks', 'Total number of blocks on device.', 'gauge', [
    'device',
  ]);
  const synced = new MetricFamily(
    'node_md_blocks_synced',
    'Number of blocks synced on device.',
    'gauge',
    ['device'],
  );
  for (const md of parseMdstat(text)) {
    required.add(md.disksTotal, md.name);
    disks.add(md.disksActive, md.name, 'active');
    disks.add(md.disksFailed, md.name, 'failed');
    disks.add(md.disksSpare, md.name, 'spare');
    for (const [label, parsed] of STATES) state.add(md.state === parsed ? 1 : 0, md.name, label);
    blocks.add(md.blocksTotal, md.name);
    synced.add(md.blocksSynced, md.name);
  }
  return [required, disks, state, blocks, synced];
}
