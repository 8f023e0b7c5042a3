/**
 * Worker-thread entry of `compactBlocksInWorker`: opens the input blocks by directory (their
 * tombstones are on disk), compacts them into a new block and posts the result back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Block } from './block.js';
import { compactBlocks } from './compact.js';
import { CorruptBlockError } from './errors.js';
import type { CompactWorkerRequest, CompactWorkerResponse } from './compact-thread.js';

async function run(req: CompactWorkerRequest): Promise<CompactWorkerResponse> {
  const blocks: Block[] = [];
  try {
    for (const d of req.dirs) blocks.push(await Block.open(d));
    return { ok: true, meta: await compactBlocks(req.parentDir, blocks) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return {
      ok: false,
      name: e.name,
      message: e.message,
      ...(e instanceof CorruptBlockError
        ? { corrupt: { dir: e.dir, file: e.file, offset: e.offset, reason: e.reason } }
        : {}),
    };
  } finally {
    for (const b of blocks) await b.close();
  }
}

const port = parentPort;
if (port) {
  void run(workerData as CompactWorkerRequest).then((res) => {
    port.postMessage(res);
  });
}
