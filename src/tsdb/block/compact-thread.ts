/**
 * Compaction on a worker thread, so that merging large blocks (decoding, re-encoding, writing)
 * does not take the main thread's time from queries and ingestion. The worker opens the input
 * blocks by directory and writes the new block; the main thread only waits for its metadata.
 */
import { Worker } from 'node:worker_threads';
import type { Block } from './block.js';
import type { CompactOptions } from './compact.js';
import { BlockWriteError, CorruptBlockError } from './errors.js';
import type { BlockMeta } from './meta.js';

/**
 * Starts the worker module: the compiled `.js` beside this file, or, when running from
 * TypeScript source (tests under tsx), a bootstrap that registers the tsx loader inside the
 * worker first, since loader hooks of the main thread do not reach worker threads.
 */
function startWorker(workerData: CompactWorkerRequest): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./compact-worker.js', import.meta.url), { workerData });
  }
  const entry = new URL('./compact-worker.ts', import.meta.url).href;
  const loader = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(loader)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData });
}

/** What the main thread sends to the compaction worker. */
export interface CompactWorkerRequest {
  readonly parentDir: string;
  readonly dirs: readonly string[];
}

/** What the compaction worker answers. */
export type CompactWorkerResponse =
  | { readonly ok: true; readonly meta: BlockMeta }
  | {
      readonly ok: false;
      readonly name: string;
      readonly message: string;
      readonly corrupt?: { dir: string; file: string; offset: number; reason: string };
    };

/**
 * Like `compactBlocks`, but runs on a worker thread. The input blocks must stay open (and their
 * directories in place) until the promise settles; the worker reads their files itself,
 * including tombstones. Errors come back typed (`CorruptBlockError` keeps file and offset).
 */
export async function compactBlocksInWorker(
  parentDir: string,
  blocks: readonly Block[],
  opts: CompactOptions = {},
): Promise<BlockMeta> {
  const req: CompactWorkerRequest = { parentDir, dirs: blocks.map((b) => b.dir) };
  const started = Date.now();
  const meta = await new Promise<BlockMeta>((resolve, reject) => {
    const w = startWorker(req);
    let settled = false;
    w.once('message', (res: CompactWorkerResponse) => {
      settled = true;
      if (res.ok) resolve(res.meta);
      else if (res.corrupt) {
        const c = res.corrupt;
        reject(new CorruptBlockError(c.dir, c.file, c.offset, c.reason));
      } else {
        reject(new BlockWriteError(`cannot compact blocks in worker: ${res.name}: ${res.message}`));
      }
    });
    w.once('error', (err) => {
      settled = true;
      reject(err);
    });
    w.once('exit', (code) => {
      if (!settled)
        reject(new BlockWriteError(`cannot compact blocks: worker exited with ${code}`));
    });
  });
  opts.logger?.info('compacted blocks in worker', {
    from: blocks.map((b) => b.meta.ulid).join(','),
    to: meta.ulid,
    level: meta.compaction.level,
    durationMs: Date.now() - started,
  });
  return meta;
}
