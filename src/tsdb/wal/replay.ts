/**
 * Replay of a WAL directory: the latest checkpoint, then the segments after it in order. The
 * first invalid byte in a segment ends the replay: that segment is truncated there and later
 * segments are removed, each with a logged warning, so the WAL is consistent again.
 */
import type { Logger } from '../../util/index.js';
import type { WalFs } from './fs.js';
import { RecordDecoder } from './record.js';
import type { WalRecord } from './record.js';
import { SEGMENT_HEADER_BYTES, checkpointName, scanSegment, segmentName } from './segment.js';

/** Figures about one replay. */
export interface WalReplayStats {
  /** Index of the checkpoint read first, or -1 when there was none. */
  checkpoint: number;
  /** Segment files read (checkpoint files not counted). */
  segments: number;
  /** Valid records delivered. */
  records: number;
  /** Series, samples and tombstone entries delivered. */
  series: number;
  samples: number;
  tombstones: number;
  /** Bytes of valid records read (headers included). */
  bytes: number;
  /** Bytes cut off a torn or corrupt tail (including removed later segments). */
  truncatedBytes: number;
  /** Wall time of the replay in milliseconds. */
  durationMs: number;
}

/** The on-disk state replay works on; replay updates `segments` when it truncates. */
export interface WalDirState {
  readonly dir: string;
  readonly fs: WalFs;
  readonly logger: Logger;
  /** Index of the latest checkpoint, or -1. */
  checkpoint: number;
  /** Closed segments after the checkpoint: index → size in bytes, ascending by index. */
  readonly segments: Map<number, number>;
}

/** Replays the directory; see the module comment. */
export async function replayDir(
  st: WalDirState,
  onRecord: (rec: WalRecord) => void,
): Promise<WalReplayStats> {
  const started = performance.now();
  const stats: WalReplayStats = {
    checkpoint: st.checkpoint,
    segments: 0,
    records: 0,
    series: 0,
    samples: 0,
    tombstones: 0,
    bytes: 0,
    truncatedBytes: 0,
    durationMs: 0,
  };
  const decoder = new RecordDecoder();
  const count = (rec: WalRecord) => {
    stats.records++;
    switch (rec.kind) {
      case 'series':
        stats.series += rec.refs.length;
        break;
      case 'samples':
        stats.samples += rec.count;
        break;
      case 'tombstones':
        stats.tombstones += rec.refs.length;
        break;
    }
    onRecord(rec);
  };

  if (st.checkpoint >= 0) await replayCheckpoint(st, decoder, count, stats);

  const indexes = [...st.segments.keys()].sort((a, b) => a - b);
  let prev = -1;
  for (let k = 0; k < indexes.length; k++) {
    const index = indexes[k]!;
    if (prev >= 0 && index !== prev + 1) {
      st.logger.warn('WAL segments are not consecutive; replaying on', {
        after: prev,
        next: index,
      });
    }
    prev = index;
    const path = `${st.dir}/${segmentName(index)}`;
    const res = await scanSegment(st.fs, path, decoder, count);
    stats.segments++;
    stats.bytes += res.validBytes - Math.min(res.validBytes, SEGMENT_HEADER_BYTES);
    if (res.problem === null) continue;
    const later = indexes.slice(k + 1);
    st.logger.warn('truncating torn or corrupt WAL tail', {
      segment: segmentName(index),
      offset: res.problem.offset,
      reason: res.problem.reason,
      droppedBytes: res.fileBytes - res.validBytes,
      removedSegments: later.length > 0 ? later.map(segmentName).join(',') : undefined,
    });
    stats.truncatedBytes += res.fileBytes - res.validBytes;
    await cutSegment(st, index, res.validBytes);
    for (const i of later) {
      stats.truncatedBytes += st.segments.get(i) ?? 0;
      await st.fs.remove(`${st.dir}/${segmentName(i)}`);
      st.segments.delete(i);
    }
    await st.fs.syncDir(st.dir);
    break;
  }
  stats.durationMs = performance.now() - started;
  return stats;
}

/** Reads the checkpoint's files; a damaged checkpoint is reported and reading moves on. */
async function replayCheckpoint(
  st: WalDirState,
  decoder: RecordDecoder,
  onRecord: (rec: WalRecord) => void,
  stats: WalReplayStats,
): Promise<void> {
  const dir = `${st.dir}/${checkpointName(st.checkpoint)}`;
  const files = (await st.fs.readdir(dir)).filter((n) => /^\d{8,}$/.test(n)).sort();
  for (const name of files) {
    const res = await scanSegment(st.fs, `${dir}/${name}`, decoder, onRecord);
    stats.bytes += Math.max(0, res.validBytes - SEGMENT_HEADER_BYTES);
    if (res.problem !== null) {
      // A checkpoint is written completely and fsynced before it becomes visible, so this is
      // damage at rest. Keep what is readable and go on with the segments.
      st.logger.warn('WAL checkpoint is damaged; the rest of it is skipped', {
        checkpoint: checkpointName(st.checkpoint),
        file: name,
        offset: res.problem.offset,
        reason: res.problem.reason,
      });
      return;
    }
  }
}

/** Truncates a segment to its valid bytes (removing it when not even the header is valid). */
async function cutSegment(st: WalDirState, index: number, validBytes: number): Promise<void> {
  const path = `${st.dir}/${segmentName(index)}`;
  if (validBytes < SEGMENT_HEADER_BYTES) {
    await st.fs.remove(path);
    st.segments.delete(index);
    return;
  }
  const f = await st.fs.open(path, 'write');
  try {
    await f.truncate(validBytes);
    await f.datasync();
  } finally {
    await f.close();
  }
  st.segments.set(index, validBytes);
}
