/**
 * Compaction and retention planning as pure functions over block time ranges: which head ranges
 * are complete, which blocks to merge next, and which blocks retention deletes.
 */

/** A block's time range [minTime, maxTime) and size. */
export interface BlockSpan {
  readonly minTime: number;
  readonly maxTime: number;
  readonly sizeBytes: number;
}

/**
 * Ranges of merged blocks: 3, 9 and 27 head block ranges (6 h, 18 h, 54 h by default), none
 * above a tenth of the retention (so that retention deletes data in small steps) nor 31 days.
 */
export function mergeRanges(blockRangeMs: number, retentionMs: number): number[] {
  const cap = Math.min(31 * 24 * 3600 * 1000, retentionMs > 0 ? retentionMs / 10 : Infinity);
  const out: number[] = [];
  for (let r = blockRangeMs * 3; r <= cap && out.length < 3; r *= 3) out.push(r);
  return out;
}

/** Start of the aligned range of width `r` holding `t`. */
export function alignDown(t: number, r: number): number {
  return Math.floor(t / r) * r;
}

/**
 * The end of the head data that is complete and can be persisted: ranges that end at least half a
 * range before the newest sample (late samples still land in the head), or every range that ends
 * before it when `force` is set.
 */
export function headBoundary(maxT: number, rangeMs: number, force: boolean): number {
  return alignDown(force ? maxT : maxT - rangeMs / 2, rangeMs);
}

/**
 * Returns the indices (into `blocks`) of the next group to merge, or undefined. Overlapping
 * blocks (from out-of-order data) come first; then, per merge range from small to large, two or
 * more blocks inside one aligned window that ends before the newest block ends (the window of
 * the newest block is left alone: late data still lands there).
 */
export function planMerge(
  blocks: readonly BlockSpan[],
  ranges: readonly number[],
): number[] | undefined {
  const idx = blocks.map((_, i) => i).sort((a, b) => blocks[a]!.minTime - blocks[b]!.minTime);
  let group: number[] = [];
  let groupMax = -Infinity;
  for (const i of idx) {
    const b = blocks[i]!;
    if (group.length > 0 && b.minTime < groupMax) {
      group.push(i);
      groupMax = Math.max(groupMax, b.maxTime);
      continue;
    }
    if (group.length > 1) return group;
    group = [i];
    groupMax = b.maxTime;
  }
  if (group.length > 1) return group;
  let newest = -Infinity;
  for (const b of blocks) newest = Math.max(newest, b.maxTime);
  for (const r of ranges) {
    const windows = new Map<number, number[]>();
    for (const i of idx) {
      const b = blocks[i]!;
      const w = alignDown(b.minTime, r);
      if (b.maxTime > w + r || w + r >= newest) continue;
      const list = windows.get(w);
      if (list === undefined) windows.set(w, [i]);
      else list.push(i);
    }
    for (const list of windows.values()) if (list.length > 1) return list;
  }
  return undefined;
}

/**
 * Returns the indices of blocks retention deletes: blocks that end before `newestT` minus the
 * retention time, then the oldest blocks until blocks plus `walBytes` fit the byte budget.
 */
export function planRetention(
  blocks: readonly BlockSpan[],
  newestT: number,
  retentionMs: number,
  retentionBytes: number,
  walBytes: number,
): number[] {
  const out = new Set<number>();
  const idx = blocks.map((_, i) => i).sort((a, b) => blocks[a]!.minTime - blocks[b]!.minTime);
  if (retentionMs > 0) {
    const cutoff = newestT - retentionMs;
    for (const i of idx) if (blocks[i]!.maxTime <= cutoff) out.add(i);
  }
  if (retentionBytes > 0) {
    let total = walBytes;
    for (const i of idx) if (!out.has(i)) total += blocks[i]!.sizeBytes;
    for (const i of idx) {
      if (total <= retentionBytes) break;
      if (out.has(i)) continue;
      out.add(i);
      total -= blocks[i]!.sizeBytes;
    }
  }
  return [...out];
}
