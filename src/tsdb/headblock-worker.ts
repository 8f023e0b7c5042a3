/**
 * Worker-thread entry of `writeHeadBlockInWorker`: unpacks the series, writes the block and
 * posts its metadata (or the error) back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ArraySeriesChunkSource, writeBlock } from './block/index.js';
import { unpackSeries } from './headblock-pack.js';
import type { HeadBlockRequest, HeadBlockResponse } from './headblock-thread.js';

async function run(req: HeadBlockRequest): Promise<HeadBlockResponse> {
  const started = Date.now();
  try {
    const src = new ArraySeriesChunkSource(unpackSeries(req.series));
    const meta = await writeBlock(req.parentDir, src, req.mint, req.maxt);
    return { ok: true, meta, durationMs: Date.now() - started };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { ok: false, name: e.name, message: e.message };
  }
}

const port = parentPort;
if (port) {
  void run(workerData as HeadBlockRequest).then((res) => {
    port.postMessage(res);
  });
}
