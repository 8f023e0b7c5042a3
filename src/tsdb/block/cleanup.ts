/** Removal of half-written block directories left behind by a crash. */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../util/index.js';
import { TMP_BLOCK_SUFFIX } from './write.js';

/**
 * Removes every `<ulid>.tmp-for-creation` directory under `parentDir` (blocks whose writing
 * never finished) and returns the names removed. A missing `parentDir` is not an error.
 */
export async function cleanupTmpBlocks(parentDir: string, logger?: Logger): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(parentDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const removed: string[] = [];
  for (const n of names) {
    if (!n.endsWith(TMP_BLOCK_SUFFIX)) continue;
    await rm(path.join(parentDir, n), { recursive: true, force: true });
    removed.push(n);
    logger?.warn('removed half-written block directory', { dir: n });
  }
  return removed;
}
