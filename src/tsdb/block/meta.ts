/** The `meta.json` file of a block: what the block holds, validated when read. */
import { readFile } from 'node:fs/promises';
import { CorruptBlockError } from './errors.js';
import { writeFileAtomic } from './fileio.js';

/** Name of the metadata file inside a block directory. */
export const META_FILE = 'meta.json';

/** Description of a persisted block, stored as `meta.json`. */
export interface BlockMeta {
  /** The block's id and directory name. */
  ulid: string;
  /** Smallest timestamp the block may hold (ms, inclusive). */
  minTime: number;
  /** End of the block's time range (ms, exclusive). */
  maxTime: number;
  /** Counts of what the block holds. */
  stats: { numSeries: number; numSamples: number; numChunks: number };
  /** Compaction history: level 1 for blocks cut from the head, max+1 for compacted ones. */
  compaction: { level: number; sources: string[] };
  /** Format version of the block. */
  version: 1;
}

/** Writes `meta.json` atomically into `dir`. */
export async function writeMeta(dir: string, meta: BlockMeta): Promise<void> {
  await writeFileAtomic(dir, META_FILE, Buffer.from(JSON.stringify(meta, null, 2) + '\n'));
}

/** Reads and validates `meta.json` of the block in `dir`. */
export async function readMeta(dir: string): Promise<BlockMeta> {
  let text: string;
  try {
    text = await readFile(`${dir}/${META_FILE}`, 'utf8');
  } catch (err) {
    throw new CorruptBlockError(dir, META_FILE, 0, `cannot read file: ${String(err)}`, {
      cause: err,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CorruptBlockError(dir, META_FILE, 0, `invalid JSON: ${String(err)}`, { cause: err });
  }
  return validateMeta(dir, raw);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function validateMeta(dir: string, raw: unknown): BlockMeta {
  const bad = (what: string): never => {
    throw new CorruptBlockError(dir, META_FILE, 0, `invalid metadata: ${what}`);
  };
  if (!isRecord(raw)) return bad('not an object');
  const { ulid, minTime, maxTime, stats, compaction, version } = raw;
  if (version !== 1) return bad(`unsupported version ${JSON.stringify(version)}`);
  if (typeof ulid !== 'string' || ulid === '') return bad('missing ulid');
  if (typeof minTime !== 'number' || !Number.isSafeInteger(minTime)) return bad('bad minTime');
  if (typeof maxTime !== 'number' || !Number.isSafeInteger(maxTime)) return bad('bad maxTime');
  if (maxTime < minTime) return bad('maxTime before minTime');
  if (!isRecord(stats)) return bad('missing stats');
  const { numSeries, numSamples, numChunks } = stats;
  if (!isCount(numSeries) || !isCount(numSamples) || !isCount(numChunks)) return bad('bad stats');
  if (!isRecord(compaction)) return bad('missing compaction');
  const { level, sources } = compaction;
  if (!isCount(level) || level < 1) return bad('bad compaction level');
  if (!Array.isArray(sources) || !sources.every((s): s is string => typeof s === 'string')) {
    return bad('bad compaction sources');
  }
  return {
    ulid,
    minTime,
    maxTime,
    stats: { numSeries, numSamples, numChunks },
    compaction: { level, sources: [...sources] },
    version: 1,
  };
}
