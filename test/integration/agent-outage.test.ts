/**
 * The outage test of agent mode: one agent scrapes a target every second and forwards to three
 * real receivers at once — a Kansoku server (remote write 2.0), Debian's Prometheus
 * (`--web.enable-remote-write-receiver`) and Debian's VictoriaMetrics. All three are stopped for
 * several minutes while the agent keeps scraping; halfway through, the agent itself is restarted.
 * After the receivers come back, each must hold every scraped sample exactly once, read back
 * through its query API.
 *
 * The outage lasts `KANSOKU_OUTAGE_SECONDS` (default 180 s); the whole file runs once, with the
 * three receivers sharing the same outage, so it takes about the outage plus half a minute.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Agent } from '../../src/app/agent.js';
import { buildInfo } from '../../src/app/version.js';
import { AGENT_FLAGS, agentFlagsFrom, parseArgv } from '../../src/config/index.js';
import { Logger } from '../../src/util/index.js';
import { Peer, findBinary, freePort, waitHTTP } from '../support/process.js';
import { startKansoku, type KansokuProcess } from './server-harness.js';

const OUTAGE_MS = Number(process.env['KANSOKU_OUTAGE_SECONDS'] ?? '180') * 1000;
const PROMETHEUS = findBinary('/usr/bin/prometheus');
const VM = findBinary('/usr/bin/victoria-metrics');

/** A receiver that can be stopped and started again on the same port and data. */
interface Receiver {
  readonly name: string;
  readonly base: string;
  /** Extra query parameters (VictoriaMetrics: bypass its rollup cache). */
  readonly query: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Called before reading back (VictoriaMetrics: flush its in-memory parts). */
  flush(): Promise<void>;
}

async function kansokuReceiver(dir: string): Promise<Receiver> {
  const port = await freePort();
  let p: KansokuProcess | undefined;
  const base = `http://127.0.0.1:${port}`;
  return {
    name: 'kansoku',
    base,
    query: '',
    async start() {
      p = await startKansoku(path.join(dir, 'kansoku'), [`--web.listen-address=127.0.0.1:${port}`]);
      await waitHTTP(`${base}/-/ready`, 30_000);
    },
    async stop() {
      await p?.stop('SIGTERM');
    },
    async flush() {},
  };
}

async function peerReceiver(
  name: string,
  bin: string,
  args: (port: number) => string[],
  ready: string,
): Promise<Receiver> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let p: Peer | undefined;
  return {
    name,
    base,
    query: name === 'victoriametrics' ? '&nocache=1' : '',
    async start() {
      p = new Peer(bin, args(port));
      await waitHTTP(`${base}${ready}`, 30_000);
    },
    async stop() {
      await p?.stop();
    },
    async flush() {
      if (name === 'victoriametrics') await fetch(`${base}/internal/force_flush`);
    },
  };
}

/** The raw samples of `outage_seq` in the last two hours before `at` (staleness markers left out). */
async function rawSamples(r: Receiver, at: number): Promise<[number, number][]> {
  const q = encodeURIComponent('outage_seq{job="outage"}[2h]');
  const res = await fetch(`${r.base}/api/v1/query?query=${q}&time=${at / 1000}${r.query}`);
  const j = (await res.json()) as { data?: { result?: { values?: [number, string][] }[] } };
  const result = j.data?.result ?? [];
  assert.ok(result.length <= 1, `${r.name}: one series, got ${result.length}`);
  return (result[0]?.values ?? [])
    .filter(([, v]) => v !== 'NaN')
    .map(([t, v]): [number, number] => [Math.round(t * 1000), Number(v)]);
}

async function until(
  cond: () => Promise<boolean> | boolean,
  ms: number,
  what: string,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('agent outage', { timeout: OUTAGE_MS + 240_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-outage-'));
  const receivers: Receiver[] = [];
  let agent: Agent | undefined;
  let target: http.Server | undefined;
  after(async () => {
    await agent?.stop();
    await Promise.all(receivers.map((r) => r.stop()));
    target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every sample scraped during a receiver outage exactly once, across an agent restart', async (t) => {
    receivers.push(await kansokuReceiver(dir));
    if (PROMETHEUS) {
      writeFileSync(path.join(dir, 'prometheus.yml'), 'global: {}\n');
      receivers.push(
        await peerReceiver(
          'prometheus',
          PROMETHEUS,
          (port) => [
            `--config.file=${path.join(dir, 'prometheus.yml')}`,
            `--storage.tsdb.path=${path.join(dir, 'prometheus')}`,
            `--web.listen-address=127.0.0.1:${port}`,
            '--web.enable-remote-write-receiver',
          ],
          '/-/ready',
        ),
      );
    } else
      t.diagnostic(
        'prometheus not installed (bash .ci/run installs it): Kansoku and VictoriaMetrics only',
      );
    if (VM) {
      receivers.push(
        await peerReceiver(
          'victoriametrics',
          VM,
          (port) => [
            `-httpListenAddr=127.0.0.1:${port}`,
            `-storageDataPath=${path.join(dir, 'vm')}`,
            '-retentionPeriod=100y',
            '-search.latencyOffset=0s',
          ],
          '/health',
        ),
      );
    } else
      t.diagnostic(
        'victoria-metrics not installed (bash .ci/run installs it): skipped as a receiver',
      );
    await Promise.all(receivers.map((r) => r.start()));

    // The target: a counter that goes up by one per scrape, so holes and repeats both show.
    let seq = 0;
    target = http.createServer((_req, res) => {
      seq++;
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(`# HELP outage_seq Scrapes served.\n# TYPE outage_seq counter\noutage_seq ${seq}\n`);
    });
    await new Promise<void>((r) => target!.listen(0, '127.0.0.1', r));
    const targetAddr = `127.0.0.1:${(target.address() as AddressInfo).port}`;
    const remoteWrite = receivers
      .map(
        (r) => `  - name: ${r.name}
    url: ${r.base}/api/v1/write
    protobuf_message: ${r.name === 'kansoku' ? 'io.prometheus.write.v2.Request' : 'prometheus.WriteRequest'}
    queue_config: {batch_send_deadline: 200ms, min_backoff: 100ms, max_backoff: 2s}
`,
      )
      .join('');
    writeFileSync(
      path.join(dir, 'agent.yml'),
      `global: {scrape_interval: 1s, external_labels: {site: home}}
scrape_configs:
  - job_name: outage
    static_configs: [{targets: ['${targetAddr}']}]
remote_write:
${remoteWrite}`,
    );
    const flags = agentFlagsFrom(
      parseArgv(
        [
          `--config.file=${path.join(dir, 'agent.yml')}`,
          '--web.listen-address=127.0.0.1:0',
          `--storage.agent.path=${path.join(dir, 'agent')}`,
          '--host.metrics=false',
        ],
        AGENT_FLAGS,
      ),
    );
    const startAgent = async (): Promise<Agent> => {
      const a = new Agent(flags, buildInfo(), Logger.nop());
      await a.start();
      return a;
    };
    type QueueStatus = { name: string; pendingSamples: number; sentSamples: number };
    const status = async (a: Agent): Promise<QueueStatus[]> => {
      const r = await fetch(`http://${a.address}/api/v1/status/remote-write`);
      return ((await r.json()) as { data: QueueStatus[] }).data;
    };

    agent = await startAgent();
    const a1 = agent;
    await until(
      async () => (await status(a1)).every((q) => q.sentSamples >= 5),
      30_000,
      'every receiver to get samples before the outage',
    );

    // Outage: all receivers down; the agent restarts halfway through.
    await Promise.all(receivers.map((r) => r.stop()));
    const outageStart = Date.now();
    await sleep(OUTAGE_MS / 2);
    const before = await status(a1);
    assert.ok(
      before.every((q) => q.pendingSamples > 0),
      'samples pile up during the outage',
    );
    await a1.stop();
    agent = await startAgent();
    const a2 = agent;
    const restarted = await status(a2);
    for (const q of before) {
      const now = restarted.find((x) => x.name === q.name);
      assert.ok(
        now !== undefined && now.pendingSamples >= q.pendingSamples,
        `${q.name}: the backlog survived the restart (${q.pendingSamples} → ${now?.pendingSamples})`,
      );
    }
    await sleep(OUTAGE_MS / 2);
    const outageEnd = Date.now();

    // Recovery: the backlog drains oldest first.
    await Promise.all(receivers.map((r) => r.start()));
    await until(
      async () => (await status(a2)).every((q) => q.pendingSamples === 0),
      120_000,
      'the queues to drain',
    );
    await a2.stop();
    agent = undefined;
    const served = seq;
    const at = Date.now();
    await Promise.all(receivers.map((r) => r.flush()));

    for (const r of receivers) {
      let samples: [number, number][] = [];
      await until(
        async () => {
          samples = await rawSamples(r, at);
          return samples.length > 0 && samples[samples.length - 1]![1] >= served - 2;
        },
        30_000,
        `${r.name} to show the last samples`,
      ).catch(() => undefined);
      const values = samples.map(([, v]) => v);
      assert.equal(values[0], 1, `${r.name}: the first scrape is there`);
      // Exactly once: values strictly increase by one; only a scrape cut off by an agent stop
      // (twice: the restart and the end) may be missing.
      let gaps = 0;
      for (let i = 1; i < values.length; i++) {
        const step = values[i]! - values[i - 1]!;
        assert.ok(step >= 1, `${r.name}: sample ${values[i]} repeated or out of order`);
        if (step > 1) {
          assert.equal(step, 2, `${r.name}: samples ${values[i - 1]}…${values[i]} are missing`);
          gaps++;
        }
      }
      assert.ok(gaps <= 2, `${r.name}: ${gaps} missing samples`);
      assert.ok(values.length >= served - 2, `${r.name}: ${values.length} of ${served} samples`);
      const during = samples.filter(([ts]) => ts >= outageStart && ts < outageEnd).length;
      // One scrape a second, less the few seconds the agent was down for its restart.
      assert.ok(
        during >= OUTAGE_MS / 1000 - 10,
        `${r.name}: ${during} samples from the ${OUTAGE_MS / 1000} s outage`,
      );
      t.diagnostic(
        `${r.name}: ${values.length} samples of ${served} scrapes, ${during} from the outage, ${gaps} cut off by agent stops`,
      );
    }
  });
});
