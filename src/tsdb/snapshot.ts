/** Snapshots: a consistent copy of the data directory with hard-linked block files. */
import { link, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { compareLabels, type Labels } from '../model/index.js';
import { ArraySeriesChunkSource, writeBlock, type Block, type ChunkInput } from './block/index.js';
import { XorEncoder } from './chunkenc/index.js';
import type { Head } from './head/index.js';
import { dropDeleted, seriesChunksIn } from './headsource.js';

/**
 * Hard-links every block into `dir` (blocks are immutable apart from their tombstones file,
 * which is replaced atomically, so a link keeps the snapshot's version) and, with a head, writes
 * the head's data as one more block. Returns `dir`.
 */
export async function takeSnapshot(
  dir: string,
  blocks: readonly Block[],
  head: Head | undefined,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const b of blocks) await linkTree(b.dir, path.join(dir, path.basename(b.dir)));
  if (head !== undefined) {
    const h = headSnapshotSource(head);
    if (h !== undefined) await writeBlock(dir, h.src, h.minT, h.maxT + 1);
  }
  return dir;
}

/**
 * Every sample of the head as a block writer source: in-order chunks, cut out-of-order chunks
 * and the out-of-order samples still buffered (encoded into one more chunk, the head itself is
 * not changed), without deleted samples. Undefined when the head holds no samples.
 */
function headSnapshotSource(
  head: Head,
): { src: ArraySeriesChunkSource; minT: number; maxT: number } | undefined {
  const list: { labels: Labels; chunks: ChunkInput[] }[] = [];
  let minT = Infinity;
  let maxT = -Infinity;
  for (const s of head.allSeries()) {
    let chunks = seriesChunksIn(s, -Infinity, Infinity);
    const o = s.ooo;
    if (o !== undefined && o.n > 0) {
      const e = new XorEncoder();
      for (let i = 0; i < o.n; i++) e.append(o.ts[i] ?? 0, o.vs[i] ?? 0);
      chunks.push({ minT: e.minT, maxT: e.maxT, data: e.bytes() });
    }
    const del = head.tombstones.get(s.ref);
    if (del !== undefined) chunks = dropDeleted(chunks, del);
    if (chunks.length === 0) continue;
    for (const c of chunks) {
      minT = Math.min(minT, c.minT);
      maxT = Math.max(maxT, c.maxT);
    }
    list.push({ labels: s.labels, chunks });
  }
  if (list.length === 0) return undefined;
  list.sort((a, b) => compareLabels(a.labels, b.labels));
  return { src: new ArraySeriesChunkSource(list), minT, maxT };
}

async function linkTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const e of await readdir(from, { withFileTypes: true })) {
    const a = path.join(from, e.name);
    const b = path.join(to, e.name);
    if (e.isDirectory()) await linkTree(a, b);
    else await link(a, b);
  }
}
