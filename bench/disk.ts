/**
 * Bytes on disk after compaction, measured the way each server allows:
 * - Prometheus: `POST /api/v1/admin/tsdb/snapshot` writes the head as a compacted block next to
 *   the existing blocks; the snapshot directory's size is the answer.
 * - VictoriaMetrics: `/internal/force_flush` then `/internal/force_merge`, then the data
 *   directory's size once background merges have settled (unchanged for three polls).
 * - Kansoku: the same snapshot endpoint as Prometheus when the server has it; n/a otherwise.
 */
import path from 'node:path';
import { dirBytes } from './proc.js';
import { parseJson, pick, request } from './http.js';
import { sleep, type ServerProcess } from './servers.js';

/** The disk figure and how it was obtained. */
export interface DiskResult {
  /** Bytes, or undefined when the server offers no way to measure. */
  readonly bytes: number | undefined;
  /** What was measured (or why nothing was). */
  readonly method: string;
  /** Time it took, ms. */
  readonly ms: number;
}

/** Measures the compacted on-disk size of everything the server holds. */
export async function measureDisk(server: ServerProcess): Promise<DiskResult> {
  const t0 = performance.now();
  const done = (bytes: number | undefined, method: string): DiskResult => ({
    bytes,
    method,
    ms: performance.now() - t0,
  });
  const dataDir = server.spec.dataDir(server.dir);
  if (server.spec.kind === 'victoriametrics') {
    const flush = await request(`${server.url}/internal/force_flush`, 'GET', {
      timeoutMs: 300_000,
    });
    const merge = await request(`${server.url}/internal/force_merge`, 'GET', {
      timeoutMs: 300_000,
    });
    const bytes = await settledSize(dataDir, 2000, 3, 240_000);
    return done(
      bytes,
      `data dir after force_flush (HTTP ${flush.status}) and force_merge (HTTP ${merge.status}) settled`,
    );
  }
  let res;
  try {
    res = await request(`${server.url}/api/v1/admin/tsdb/snapshot`, 'POST', { timeoutMs: 600_000 });
  } catch (err) {
    return done(undefined, `snapshot failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const name = pick(parseJson(res.body), 'data', 'name');
  if (res.status !== 200 || typeof name !== 'string' || name === '') {
    return done(
      undefined,
      `n/a: snapshot endpoint answered HTTP ${res.status} ${res.body.slice(0, 120)}`,
    );
  }
  const dir = path.join(dataDir, 'snapshots', name);
  const bytes = dirBytes(dir);
  if (bytes === 0)
    return done(undefined, `n/a: snapshot ${name} not found under ${dataDir}/snapshots`);
  return done(bytes, 'size of a fresh TSDB snapshot (head written as a compacted block)');
}

async function settledSize(
  dir: string,
  pollMs: number,
  stablePolls: number,
  maxMs: number,
): Promise<number> {
  const t0 = performance.now();
  let last = -1;
  let stable = 0;
  while (performance.now() - t0 < maxMs) {
    const now = dirBytes(dir);
    stable = now === last ? stable + 1 : 0;
    if (stable >= stablePolls) return now;
    last = now;
    await sleep(pollMs);
  }
  return last;
}
