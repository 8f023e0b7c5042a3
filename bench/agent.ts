/**
 * The agent benchmark: `kansoku agent`, Prometheus 2.42 in agent mode
 * (`prometheus --enable-feature=agent`) and `vmagent` scrape the same targets
 * (`scrape-target.ts`, on 127.0.0.1) and forward to the same receiver (in this process), one
 * after the other in the same run, for the same time. After a warm-up (series creation, the
 * first batches sent), `/proc` gives each agent's CPU seconds over the measured window and its
 * resident memory at the end; the receiver counts the samples each agent forwarded in the
 * window. From those follow CPU seconds and RSS per 10k scraped-and-forwarded series.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WriteRequestDecoder, decodeSnappyBody } from '../src/parsers/index.js';
import { cpuSeconds, rssBytes } from './proc.js';
import { ScrapeTargets, scrapeConfigYaml } from './scrape-target.js';
import { ServerProcess, freePort, sleep, type ServerSpec } from './servers.js';

/** The agents compared. */
export type AgentKind = 'kansoku' | 'prometheus' | 'vmagent';
/** All agents, in table order. */
export const AGENT_KINDS: readonly AgentKind[] = ['kansoku', 'prometheus', 'vmagent'];

/** Options of the agent benchmark. */
export interface AgentBenchOptions {
  readonly targets: number;
  /** Series per target. */
  readonly series: number;
  readonly intervalS: number;
  /** Measured window, seconds. */
  readonly seconds: number;
  readonly seed: number;
  readonly agents: readonly AgentKind[];
  readonly log: (line: string) => void;
}

/** Figures of one agent. */
export interface AgentResult {
  readonly agent: AgentKind;
  readonly title: string;
  readonly skipped?: string;
  readonly error?: string;
  /** Samples the receiver got from this agent in the window. */
  readonly forwarded?: number;
  /** Samples the targets served in the window (scrapes x series). */
  readonly scraped?: number;
  readonly cpuSeconds?: number;
  /** CPU seconds per 10k series per minute of scraping at the interval. */
  readonly cpuPer10kPerMin?: number;
  /** CPU ms per 10k samples scraped and forwarded. */
  readonly cpuMsPer10kSamples?: number;
  readonly rssBytes?: number;
  readonly rssIdleBytes?: number;
  /** (RSS at the end − RSS when idle after start) per 10k series. */
  readonly rssPer10kBytes?: number;
  /** RSS at the end per 10k series. */
  readonly rssTotalPer10kBytes?: number;
}

/** A receiver that decodes remote write 1.0 and counts samples per path (`/<agent>`). */
class CountingReceiver {
  readonly counts = new Map<string, number>();
  private readonly server: http.Server;
  private readonly decoder = new WriteRequestDecoder();
  url = '';

  constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const rows = this.decoder.decode(decodeSnappyBody(Buffer.concat(chunks), 256 << 20));
          const key = req.url ?? '';
          this.counts.set(key, (this.counts.get(key) ?? 0) + rows.sampleCount);
          res.writeHead(204).end();
        } catch (e) {
          res.writeHead(400).end((e as Error).message);
        }
      });
    });
    this.server.keepAliveTimeout = 60_000;
  }

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}

/** How to run one agent: its process spec, executable and remote-write destination. */
interface AgentSpec {
  readonly spec: ServerSpec;
  readonly bin: string;
  readonly writeUrl: string;
}

function agentSpec(kind: AgentKind, root: string, receiver: string): AgentSpec {
  const writeUrl = `${receiver}/${kind}`;
  const unavailable = (bin: string) => (): string | undefined =>
    existsSync(bin) ? undefined : `${bin} not found`;
  const make = (bin: string, spec: Omit<ServerSpec, 'unavailable'>): AgentSpec => ({
    spec: { ...spec, unavailable: unavailable(bin) },
    bin,
    writeUrl,
  });
  switch (kind) {
    case 'kansoku':
      return make(path.join(root, 'dist', 'src', 'app', 'cli.js'), {
        kind: 'kansoku',
        title: 'Kansoku agent',
        command: process.execPath,
        args: (port, dir) => [
          // e.g. BENCH_AGENT_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile.
          ...(process.env['BENCH_AGENT_NODE_FLAGS'] ?? '').split(' ').filter((f) => f !== ''),
          path.join(root, 'bin', 'kansoku.js'),
          'agent',
          `--config.file=${path.join(dir, 'agent.yml')}`,
          `--storage.agent.path=${path.join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--host.metrics=false',
        ],
        dataDir: (dir) => path.join(dir, 'data'),
        readyPath: '/-/ready',
      });
    case 'prometheus':
      return make('/usr/bin/prometheus', {
        kind: 'prometheus',
        title: 'Prometheus 2.42 agent',
        command: '/usr/bin/prometheus',
        args: (port, dir) => [
          '--enable-feature=agent',
          `--config.file=${path.join(dir, 'agent.yml')}`,
          `--storage.agent.path=${path.join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        dataDir: (dir) => path.join(dir, 'data'),
        readyPath: '/-/ready',
      });
    case 'vmagent':
      return make('/usr/bin/vmagent', {
        kind: 'victoriametrics',
        title: 'vmagent',
        command: '/usr/bin/vmagent',
        args: (port, dir) => [
          `-promscrape.config=${path.join(dir, 'agent.yml')}`,
          `-remoteWrite.url=${writeUrl}`,
          `-remoteWrite.tmpDataPath=${path.join(dir, 'data')}`,
          `-httpListenAddr=127.0.0.1:${port}`,
        ],
        dataDir: (dir) => path.join(dir, 'data'),
        readyPath: '/health',
      });
  }
}

/** Runs every selected agent against the same targets and receiver. */
export async function benchAgents(root: string, opts: AgentBenchOptions): Promise<AgentResult[]> {
  const targets = await ScrapeTargets.start(opts.targets, opts.series, opts.seed);
  const receiver = new CountingReceiver();
  await receiver.start();
  try {
    opts.log(
      `agent: ${opts.targets} targets x ${opts.series} series (${targets.bodyBytes} bytes each) every ${opts.intervalS} s, ${opts.seconds} s measured`,
    );
    const out: AgentResult[] = [];
    for (const kind of opts.agents) {
      const a = agentSpec(kind, root, receiver.url);
      opts.log(`--- agent: ${a.spec.title}`);
      const skipped = a.spec.unavailable();
      if (skipped !== undefined) {
        out.push({ agent: kind, title: a.spec.title, skipped });
        continue;
      }
      try {
        out.push(await benchOne(kind, a, targets, receiver, opts));
      } catch (e) {
        out.push({ agent: kind, title: a.spec.title, error: (e as Error).message });
      }
    }
    return out;
  } finally {
    receiver.close();
    await targets.close();
  }
}

async function benchOne(
  kind: AgentKind,
  a: AgentSpec,
  targets: ScrapeTargets,
  receiver: CountingReceiver,
  opts: AgentBenchOptions,
): Promise<AgentResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `kansoku-bench-agent-${kind}-`));
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  const scrape = scrapeConfigYaml(targets.addresses, opts.intervalS);
  // vmagent takes its destination from -remoteWrite.url; the others from remote_write.
  const rw = kind === 'vmagent' ? '' : `remote_write:\n  - url: ${a.writeUrl}\n`;
  writeFileSync(path.join(dir, 'agent.yml'), scrape + rw);
  const port = await freePort();
  const p = ServerProcess.start(a.spec, port, dir);
  try {
    await p.waitReady(60_000);
    const rssIdle = rssBytes(p.pid);
    // Warm-up: series created, the first batches sent (queues flush at least every 5 s).
    await sleep(opts.intervalS * 3000 + 6000);
    const key = `/${kind}`;
    const cpu0 = cpuSeconds(p.pid);
    const sent0 = receiver.counts.get(key) ?? 0;
    const scrapes0 = targets.scrapes();
    const t0 = performance.now();
    await sleep(opts.seconds * 1000);
    const cpu = cpuSeconds(p.pid) - cpu0;
    const windowS = (performance.now() - t0) / 1000;
    const forwarded = (receiver.counts.get(key) ?? 0) - sent0;
    const scraped = (targets.scrapes() - scrapes0) * opts.series;
    const rss = rssBytes(p.pid);
    const per10k = (opts.targets * opts.series) / 10_000;
    return {
      agent: kind,
      title: a.spec.title,
      forwarded,
      scraped,
      cpuSeconds: cpu,
      cpuPer10kPerMin: cpu / per10k / (windowS / 60),
      cpuMsPer10kSamples: (cpu * 1000) / (forwarded / 10_000),
      rssBytes: rss,
      rssIdleBytes: rssIdle,
      rssPer10kBytes: (rss - rssIdle) / per10k,
      rssTotalPer10kBytes: rss / per10k,
    };
  } finally {
    await p.stop(30_000);
    rmSync(dir, { recursive: true, force: true });
  }
}

function num(v: number | undefined, digits = 0): string {
  if (v === undefined || !Number.isFinite(v)) return 'n/a';
  return v.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

/** The side-by-side table. */
export function agentTable(results: readonly AgentResult[], intervalS: number): string {
  const mib = (b: number | undefined): number | undefined =>
    b === undefined ? undefined : b / 1048576;
  const rows: [string, (r: AgentResult) => string][] = [
    ['samples scraped in the window', (r) => num(r.scraped)],
    ['samples forwarded in the window', (r) => num(r.forwarded)],
    [`CPU s per 10k series per minute (${intervalS} s interval)`, (r) => num(r.cpuPer10kPerMin, 3)],
    ['CPU ms per 10k samples forwarded', (r) => num(r.cpuMsPer10kSamples, 1)],
    ['RSS at the end, MiB', (r) => num(mib(r.rssBytes), 1)],
    ['RSS per 10k series, MiB', (r) => num(mib(r.rssTotalPer10kBytes), 1)],
    ['RSS growth over idle per 10k series, MiB', (r) => num(mib(r.rssPer10kBytes), 1)],
  ];
  const table = [
    ['', ...results.map((r) => r.title)],
    ...rows.map(([label, f]) => [
      label,
      ...results.map((r) =>
        r.skipped !== undefined ? 'skipped' : r.error !== undefined ? 'error' : f(r),
      ),
    ]),
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  const lines = table.map((row) =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]! + 2)))
      .join(''),
  );
  lines.splice(1, 0, '-'.repeat(lines[0]!.length));
  for (const r of results) {
    if (r.error !== undefined) lines.push(`${r.title}: ${r.error}`);
    if (r.skipped !== undefined) lines.push(`${r.title}: skipped, ${r.skipped}`);
  }
  return lines.join('\n');
}
