/**
 * The ingestion benchmark of one server: start it on a fresh directory, send the whole data set
 * over remote write, and measure throughput, CPU per sample, memory per series, bytes on disk
 * after compaction and the time to restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkData, type CheckResult } from './checks.js';
import { measureDisk, type DiskResult } from './disk.js';
import type { Payloads } from './payloads.js';
import { cpuSeconds, rssBytes } from './proc.js';
import { sendAll, type SendResult } from './sender.js';
import { ServerProcess, freePort, sleep, type ServerSpec } from './servers.js';

/** Figures of one server. */
export interface IngestResult {
  readonly server: string;
  readonly title: string;
  /** Why the server was skipped, when it was. */
  readonly skipped?: string;
  /** Why the run failed part-way, when it did. */
  readonly error?: string;
  readonly startupMs?: number;
  readonly send?: SendResult;
  /** Samples acknowledged per second of sending. */
  readonly samplesPerSec?: number;
  /** Server CPU seconds per million samples, counted until the server went idle after sending. */
  readonly cpuSecondsPerMillion?: number;
  /** Server CPU seconds during sending only. */
  readonly cpuSecondsDuringSend?: number;
  /** Seconds the server kept working after the last response. */
  readonly settleSeconds?: number;
  readonly rssIdleBytes?: number;
  readonly rssAfterBytes?: number;
  /** Resident bytes at the first idle second after the last response (before settling). */
  readonly rssAtIdleBytes?: number;
  /** Resident bytes per active series: (RSS after ingest − idle RSS) / series. */
  readonly rssBytesPerSeries?: number;
  readonly disk?: DiskResult;
  readonly bytesPerSample?: number;
  readonly checks?: CheckResult;
  /** Time from SIGTERM to exit, ms. */
  readonly shutdownMs?: number;
  /** Time from starting again (same data) to ready, ms. */
  readonly restartMs?: number;
}

/** Options of `benchServer`. */
export interface IngestOptions {
  readonly keepData: boolean;
  readonly log: (line: string) => void;
}

/** Runs the ingestion benchmark against one server. */
export async function benchServer(
  spec: ServerSpec,
  data: Payloads,
  opts: IngestOptions,
): Promise<IngestResult> {
  const base = { server: spec.kind, title: spec.title };
  const why = spec.unavailable();
  if (why !== undefined) return { ...base, skipped: why };
  const dir = mkdtempSync(path.join(os.tmpdir(), `kansoku-bench-${spec.kind}-`));
  const port = await freePort();
  const log = (s: string): void => {
    opts.log(`[${spec.kind}] ${s}`);
  };
  let server = ServerProcess.start(spec, port, dir);
  try {
    const startupMs = await server.waitReady(60_000);
    await sleep(1000);
    const rssIdle = rssBytes(server.pid);
    const cpu0 = cpuSeconds(server.pid);
    log(`ready in ${Math.round(startupMs)} ms; sending ${data.requests} requests`);
    const send = await sendAll(`${server.url}/api/v1/write`, data.shards, (n) => {
      if (n % 5000 === 0) log(`${n}/${data.requests} requests`);
    });
    const cpuSend = cpuSeconds(server.pid) - cpu0;
    const settleSeconds = await waitIdle(server.pid);
    const cpuTotal = cpuSeconds(server.pid) - cpu0;
    const rssAtIdle = rssBytes(server.pid);
    const rssAfter = await settledRss(server.pid);
    log(`sent in ${(send.ms / 1000).toFixed(1)} s, ${send.failed} failed`);
    log('measuring disk');
    const disk = await measureDisk(server);
    const shutdownMs = await server.stop();
    server = ServerProcess.start(spec, port, dir);
    const restartMs = await server.waitReady(600_000);
    log(`restarted in ${Math.round(restartMs)} ms; checking data`);
    // After the restart: this also checks that the data survived it, and VictoriaMetrics 1.79
    // does not always find series registered seconds earlier.
    const checks = await checkData(
      server,
      data.lastMs + 15_000,
      (data.lastMs - data.firstMs) / 3_600_000,
    );
    return {
      ...base,
      startupMs,
      send,
      samplesPerSec: (send.ok * data.samples) / data.requests / (send.ms / 1000),
      cpuSecondsPerMillion: (cpuTotal / data.samples) * 1e6,
      cpuSecondsDuringSend: cpuSend,
      settleSeconds,
      rssIdleBytes: rssIdle,
      rssAfterBytes: rssAfter,
      rssAtIdleBytes: rssAtIdle,
      rssBytesPerSeries: (rssAfter - rssIdle) / data.series,
      disk,
      ...(disk.bytes === undefined ? {} : { bytesPerSample: disk.bytes / data.samples }),
      checks,
      shutdownMs,
      restartMs,
    };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    log(`failed: ${error}`);
    return { ...base, error };
  } finally {
    await server.stop();
    if (!opts.keepData) rmSync(dir, { recursive: true, force: true });
    else log(`data kept in ${dir}`);
  }
}

/**
 * Waits until the process uses less than 5% of a core over a 1 s window (asynchronous flushes
 * and merges are part of the ingestion cost); returns the seconds it stayed busy (at most 120).
 */
/**
 * The resident set once it has settled: polled every second until it has not fallen by more
 * than 1% over three polls (at most 20 s). Every runtime gives memory back some time after
 * the work ends (Go's scavenger, V8's idle collection, malloc trimming), so the figure is the
 * steady one a user would see, taken the same way for every server.
 */
async function settledRss(pid: number): Promise<number> {
  const t0 = performance.now();
  const seen: number[] = [rssBytes(pid)];
  while (performance.now() - t0 < 20_000) {
    await sleep(1000);
    seen.push(rssBytes(pid));
    if (seen.length < 4) continue;
    const before = seen[seen.length - 4] ?? 0;
    const now = seen[seen.length - 1] ?? 0;
    if (now >= before * 0.99) break;
  }
  return seen[seen.length - 1] ?? 0;
}

async function waitIdle(pid: number): Promise<number> {
  const t0 = performance.now();
  let last = cpuSeconds(pid);
  let busy = 0;
  while (performance.now() - t0 < 120_000) {
    await sleep(1000);
    const now = cpuSeconds(pid);
    if (!(now - last > 0.05)) break;
    busy = (performance.now() - t0) / 1000;
    last = now;
  }
  return busy;
}
