/**
 * Writing a head range as a block on a worker thread. Building the block's index (symbols,
 * postings, series entries) and its chunk files takes the CPU for hundreds of milliseconds to
 * seconds at a few tens of thousands of series, in long synchronous stretches; on the main
 * thread that stalls ingestion and queries. The main thread only collects the series (which
 * needs the head), packs them into transferable buffers and waits for the block's metadata.
 * The block is written to a temporary directory and renamed when complete, as on the main
 * thread, so a crash at any point leaves no partial block behind.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../util/index.js';
import { BlockWriteError, type BlockMeta } from './block/index.js';
import {
  packSeries,
  packedBuffers,
  type PackedSeries,
  type SeriesEntry,
} from './headblock-pack.js';

/** What the main thread sends to the worker. */
export interface HeadBlockRequest {
  readonly parentDir: string;
  readonly mint: number;
  readonly maxt: number;
  readonly series: PackedSeries;
}

/** What the worker answers. */
export type HeadBlockResponse =
  | { readonly ok: true; readonly meta: BlockMeta; readonly durationMs: number }
  | { readonly ok: false; readonly name: string; readonly message: string };

/**
 * Starts the worker module: the compiled `.js` beside this file, or, when running from
 * TypeScript source (tests under tsx), a bootstrap that registers the tsx loader inside the
 * worker first, since loader hooks of the main thread do not reach worker threads.
 */
function startWorker(req: HeadBlockRequest, transfer: ArrayBuffer[]): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./headblock-worker.js', import.meta.url), {
      workerData: req,
      transferList: transfer,
    });
  }
  const entry = new URL('./headblock-worker.ts', import.meta.url).href;
  const loader = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(loader)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: req, transferList: transfer });
}

/**
 * Writes `series` (sorted by labels, chunks within [mint, maxt)) as a level-1 block under
 * `parentDir` on a worker thread; resolves with its metadata. The chunk bytes are copied
 * before this returns control, so the head may change while the worker runs.
 */
export async function writeHeadBlockInWorker(
  parentDir: string,
  series: readonly SeriesEntry[],
  mint: number,
  maxt: number,
  logger?: Logger,
): Promise<BlockMeta> {
  const packed = packSeries(series);
  const req: HeadBlockRequest = { parentDir, mint, maxt, series: packed };
  const res = await new Promise<HeadBlockResponse>((resolve, reject) => {
    const w = startWorker(req, packedBuffers(packed));
    let settled = false;
    w.once('message', (r: HeadBlockResponse) => {
      settled = true;
      resolve(r);
    });
    w.once('error', (err) => {
      settled = true;
      reject(err);
    });
    w.once('exit', (code) => {
      if (!settled) reject(new BlockWriteError(`cannot write block: worker exited with ${code}`));
    });
  });
  if (!res.ok)
    throw new BlockWriteError(`cannot write block in worker: ${res.name}: ${res.message}`);
  logger?.info('wrote block', {
    ulid: res.meta.ulid,
    minTime: res.meta.minTime,
    maxTime: res.meta.maxTime,
    series: res.meta.stats.numSeries,
    samples: res.meta.stats.numSamples,
    durationMs: res.durationMs,
    thread: 'worker',
  });
  return res.meta;
}
