/**
 * Benchmark of a full host scrape (all collectors, this machine's real `/proc` and `/sys`):
 * wall time and CPU time per scrape, exposition size and heap growth over many scrapes. CPU time
 * (user + system of this process) is what the agent costs the host; wall time includes waiting
 * for the file system thread pool and is disturbed by other load.
 *
 * Run: `node --import tsx src/host/collect.bench.ts`
 */
import { fileURLToPath } from 'node:url';
import { HostCollector } from './collect.js';

/** Figures reported by `benchHostScrape`. */
export interface HostScrapeFigures {
  readonly wallMsPerScrape: number;
  readonly cpuMsPerScrape: number;
  readonly bytes: number;
  /** Heap growth after all rounds and a GC when exposed, bytes. */
  readonly heapGrowth: number;
}

/** Runs `rounds` scrapes after a warm-up and returns the averages. */
export async function benchHostScrape(rounds = 200): Promise<HostScrapeFigures> {
  const host = new HostCollector();
  for (let i = 0; i < 10; i++) await host.collect();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let bytes = 0;
  for (let i = 0; i < rounds; i++) bytes += (await host.collect()).length;
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  gc?.();
  return {
    wallMsPerScrape: wall / rounds,
    cpuMsPerScrape: (cpu.user + cpu.system) / 1000 / rounds,
    bytes: Math.round(bytes / rounds),
    heapGrowth: process.memoryUsage().heapUsed - heap0,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const f = await benchHostScrape();
  console.log(
    `host scrape: ${f.wallMsPerScrape.toFixed(2)} ms wall, ${f.cpuMsPerScrape.toFixed(2)} ms CPU, ` +
      `${f.bytes} bytes, heap growth ${(f.heapGrowth / 1024).toFixed(0)} KiB`,
  );
}
