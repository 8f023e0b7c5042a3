/** Snapshots: a consistent copy of the data directory with hard-linked block files. */
import { link, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { writeBlock, type Block } from './block/index.js';
import type { Head } from './head/index.js';
import { headChunkSource } from './headsource.js';

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
    const minT = head.minTime();
    const maxT = head.maxTime();
    if (minT !== undefined && maxT !== undefined) {
      const src = headChunkSource(head, minT, maxT + 1);
      if (!src.isEmpty()) await writeBlock(dir, src, minT, maxT + 1);
    }
  }
  return dir;
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
