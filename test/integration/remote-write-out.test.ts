/**
 * The remote-write queue against real receivers: Debian's Prometheus (remote-write receiver) and
 * VictoriaMetrics. Includes an outage: the receiver is down while samples are queued and the queue
 * is restarted; after the receiver returns every sample is present exactly once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  RemoteWriteQueue,
  defaultRemoteWriteOptions,
} from '../../src/backends/remotewrite/index.js';
import { Labels } from '../../src/model/index.js';
import { Logger } from '../../src/util/index.js';
import { Peer, findBinary, freePort, waitHTTP } from '../support/process.js';

const PROMETHEUS = findBinary('/usr/bin/prometheus');
const VM = findBinary('/usr/bin/victoria-metrics');

async function queryScalar(base: string, q: string, time: number): Promise<number> {
  const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}&time=${time / 1000}`);
  const j = (await r.json()) as { data?: { result?: { value: [number, string] }[] } };
  const v = j.data?.result?.[0]?.value[1];
  return v === undefined ? NaN : Number(v);
}

async function write(
  q: RemoteWriteQueue,
  series: number,
  from: number,
  count: number,
): Promise<void> {
  const a = q.appender();
  for (let s = 0; s < series; s++) {
    const l = Labels.fromRecord({ __name__: 'kansoku_rw_test', series: String(s) });
    for (let i = 0; i < count; i++) a.append(0, l, from + i * 15_000, i);
  }
  await a.commit();
}

async function until(cond: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('remote write out to real receivers', { timeout: 120_000 }, () => {
  const dirs: string[] = [];
  const peers: Peer[] = [];
  after(async () => {
    await Promise.all(peers.map((p) => p.stop()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const tmp = (): string => {
    const d = mkdtempSync(path.join(tmpdir(), 'kansoku-rwo-'));
    dirs.push(d);
    return d;
  };

  it(
    'delivers to Prometheus exactly once across a receiver outage and a queue restart',
    { skip: PROMETHEUS ? false : 'prometheus not installed (bash .ci/run installs it)' },
    async () => {
      const dir = tmp();
      writeFileSync(path.join(dir, 'p.yml'), 'global: {}\n');
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const startProm = (): Peer => {
        const p = new Peer(PROMETHEUS!, [
          `--config.file=${path.join(dir, 'p.yml')}`,
          `--storage.tsdb.path=${path.join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--web.enable-remote-write-receiver',
        ]);
        peers.push(p);
        return p;
      };
      let prom = startProm();
      await waitHTTP(`${base}/-/ready`, 30_000);
      const opts = {
        ...defaultRemoteWriteOptions(`${base}/api/v1/write`, path.join(dir, 'queue'), Logger.nop()),
        batchSendDeadlineMs: 50,
        minBackoffMs: 50,
        maxBackoffMs: 500,
        maxSamplesPerSend: 500,
      };
      const t0 = Math.floor((Date.now() - 3_600_000) / 15_000) * 15_000;
      let q = new RemoteWriteQueue(opts);
      q.start();
      await write(q, 20, t0, 40); // 800 samples while the receiver is up
      await until(() => q.stats().pendingSamples === 0, 20_000);
      await prom.stop();
      await write(q, 20, t0 + 40 * 15_000, 40); // 800 more during the outage
      await new Promise((r) => setTimeout(r, 300));
      await q.stop();
      q = new RemoteWriteQueue(opts); // restart during the outage
      assert.ok(
        q.stats().pendingSamples >= 800,
        `backlog survived the restart (${q.stats().pendingSamples})`,
      );
      q.start();
      prom = startProm();
      await waitHTTP(`${base}/-/ready`, 30_000);
      await until(() => q.stats().pendingSamples === 0, 30_000);
      const n = await queryScalar(
        base,
        'sum(count_over_time(kansoku_rw_test[2h]))',
        t0 + 80 * 15_000,
      );
      assert.equal(n, 1600);
      await q.stop();
    },
  );

  it(
    'delivers to VictoriaMetrics',
    { skip: VM ? false : 'victoria-metrics not installed (bash .ci/run installs it)' },
    async () => {
      const dir = tmp();
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      peers.push(
        new Peer(VM!, [
          `-httpListenAddr=127.0.0.1:${port}`,
          `-storageDataPath=${path.join(dir, 'vm')}`,
          '-retentionPeriod=100y',
          '-search.latencyOffset=0s',
        ]),
      );
      await waitHTTP(`${base}/health`, 30_000);
      const q = new RemoteWriteQueue({
        ...defaultRemoteWriteOptions(`${base}/api/v1/write`, path.join(dir, 'queue'), Logger.nop()),
        batchSendDeadlineMs: 50,
      });
      q.start();
      const t0 = Math.floor((Date.now() - 3_600_000) / 15_000) * 15_000;
      await write(q, 10, t0, 30);
      await until(() => q.stats().pendingSamples === 0, 20_000);
      await fetch(`${base}/internal/force_flush`);
      await until(
        async () =>
          (await queryScalar(
            base,
            'sum(count_over_time(kansoku_rw_test[2h]))',
            t0 + 30 * 15_000,
          )) === 300,
        20_000,
      );
      await q.stop();
    },
  );
});
