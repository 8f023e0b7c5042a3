import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, statSync, truncateSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Labels, relabelRule } from '../../model/index.js';
import { WriteRequestDecoder, decodeSnappyBody } from '../../parsers/index.js';
import { Logger } from '../../util/index.js';
import { RemoteWriteQueue, defaultRemoteWriteOptions, type RemoteWriteOptions } from './index.js';

/** A receiver that stores what it gets and answers with the scripted status codes. */
const received: { series: string; t: number; v: number }[] = [];
const script: number[] = [];
const authSeen: string[] = [];
let server: http.Server;
let url = '';

before(async () => {
  const dec = new WriteRequestDecoder();
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      authSeen.push(req.headers.authorization ?? '');
      const status = script.shift() ?? 204;
      if (status === 204) {
        const rows = dec.decode(decodeSnappyBody(Buffer.concat(chunks), 64 << 20));
        for (let s = 0; s < rows.seriesCount; s++) {
          const flat = rows.labels.slice(rows.labelOffsets[s]! * 2, rows.labelOffsets[s + 1]! * 2);
          const name = Labels.fromFlatUnsorted(flat).toString();
          for (let i = rows.sampleOffsets[s]!; i < rows.sampleOffsets[s + 1]!; i++) {
            received.push({ series: name, t: rows.timestamps[i]!, v: rows.values[i]! });
          }
        }
      }
      res.writeHead(status, status === 429 ? { 'Retry-After': '0' } : {});
      res.end(status === 204 ? '' : 'nope');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
});
after(() => {
  server.close();
});

function options(dir: string, extra: Partial<RemoteWriteOptions> = {}): RemoteWriteOptions {
  return {
    ...defaultRemoteWriteOptions(url, dir, Logger.nop()),
    batchSendDeadlineMs: 20,
    minBackoffMs: 5,
    maxBackoffMs: 20,
    ...extra,
  };
}

async function write(q: RemoteWriteQueue, n: number, t0: number): Promise<void> {
  const a = q.appender();
  const l = Labels.fromRecord({ __name__: 'm', host: 'a' });
  for (let i = 0; i < n; i++) a.append(0, l, t0 + i, i);
  await a.commit();
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('RemoteWriteQueue', () => {
  it('forwards samples in order with external labels, relabeling and auth', async () => {
    received.length = 0;
    const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-rwq-'));
    const q = new RemoteWriteQueue(
      options(dir, {
        externalLabels: Labels.fromRecord({ cluster: 'home', host: 'ignored' }),
        writeRelabel: [
          relabelRule({ action: 'drop', sourceLabels: ['__name__'], regex: 'secret' }),
        ],
        authorization: { type: 'Token', credentials: 't0k', credentialsFile: '' },
        maxSamplesPerSend: 100,
      }),
    );
    q.start();
    await write(q, 250, 1000);
    const a = q.appender();
    a.append(0, Labels.fromRecord({ __name__: 'secret' }), 1, 1);
    await a.commit();
    await until(() => received.length === 250);
    assert.deepEqual(
      received.map((r) => r.t),
      Array.from({ length: 250 }, (_, i) => 1000 + i),
    );
    assert.equal(received[0]!.series, 'm{cluster="home", host="a"}');
    assert.ok(authSeen.every((h) => h === 'Token t0k'));
    await until(() => q.stats().pendingSamples === 0);
    assert.equal(q.stats().sentSamples, 250);
    await q.stop();
  });

  it('retries 5xx and 429, drops 4xx, and counts both', async () => {
    received.length = 0;
    const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-rwq-'));
    script.push(503, 429, 500);
    const q = new RemoteWriteQueue(options(dir));
    q.start();
    await write(q, 10, 5000);
    await until(() => received.length === 10);
    assert.equal(q.stats().retries, 3);
    script.push(400);
    await write(q, 5, 6000);
    await until(() => q.stats().failedSamples === 5);
    assert.equal(received.length, 10);
    await q.stop();
  });

  it('keeps the backlog across a receiver outage and a restart, delivering each sample once', async () => {
    received.length = 0;
    const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-rwq-'));
    script.push(...Array<number>(1000).fill(503));
    let q = new RemoteWriteQueue(options(dir, { maxSamplesPerSend: 50 }));
    q.start();
    for (let k = 0; k < 5; k++) await write(q, 40, 10_000 + k * 100);
    await new Promise((r) => setTimeout(r, 50));
    await q.stop();
    assert.equal(received.length, 0);
    // Restart while the receiver is still down, then let it recover.
    q = new RemoteWriteQueue(options(dir, { maxSamplesPerSend: 50 }));
    assert.equal(q.stats().pendingSamples, 200);
    script.length = 0;
    q.start();
    await until(() => new Set(received.map((r) => r.t)).size >= 200);
    await new Promise((r) => setTimeout(r, 50));
    // Delivery is at least once: a request aborted by the stop may still have reached the
    // receiver, and is sent again. Every sample arrives, repeats carry the same value (which
    // storage ignores), and nothing else arrives.
    const byT = new Map<number, number>();
    for (const r of received) {
      const prev = byT.get(r.t);
      if (prev !== undefined)
        assert.equal(prev, r.v, `sample at ${r.t} repeated with another value`);
      byT.set(r.t, r.v);
    }
    assert.equal(byT.size, 200);
    await until(() => q.stats().pendingSamples === 0);
    await q.stop();
  });

  it('sends a backlog over parallel shards, each series in order, retrying only failed shards', async () => {
    received.length = 0;
    const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-rwq-'));
    const q = new RemoteWriteQueue(
      options(dir, { maxSamplesPerSend: 50, minShards: 1, maxShards: 4 }),
    );
    const a = q.appender();
    for (let s = 0; s < 20; s++) {
      const l = Labels.fromRecord({ __name__: 'shard_test', s: String(s) });
      for (let i = 0; i < 40; i++) a.append(0, l, 1000 + i, i);
    }
    await a.commit(); // 800 samples pending before the sender starts: 4 shards
    script.push(503); // one shard request fails once and is retried alone
    q.start();
    await until(() => q.stats().pendingSamples === 0);
    await q.stop();
    assert.equal(received.length, 800);
    assert.equal(q.stats().sentSamples, 800);
    assert.ok(q.stats().retries >= 1);
    const bySeries = new Map<string, number[]>();
    for (const r of received) bySeries.set(r.series, [...(bySeries.get(r.series) ?? []), r.t]);
    assert.equal(bySeries.size, 20);
    for (const [series, ts] of bySeries) {
      assert.deepEqual(
        ts,
        [...ts].sort((x, y) => x - y),
        `${series} in order`,
      );
      assert.equal(new Set(ts).size, 40, `${series} once each`);
    }
  });

  it('cuts a torn tail and keeps what was whole', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-rwq-'));
    script.push(...Array<number>(1000).fill(503));
    const q = new RemoteWriteQueue(options(dir));
    await write(q, 10, 1);
    await write(q, 10, 100);
    await q.stop();
    const seg = readdirSync(dir).find((f) => f.endsWith('.seg'))!;
    truncateSync(path.join(dir, seg), statSync(path.join(dir, seg)).size - 3);
    const q2 = new RemoteWriteQueue(options(dir));
    assert.equal(q2.stats().pendingSamples, 10);
    await q2.stop();
    script.length = 0;
  });

  it('drops the oldest data when over its disk budget, and counts it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-rwq-'));
    const q = new RemoteWriteQueue(
      options(dir, { budgetBytes: 4096, segmentBytes: 1024, maxSamplesPerSend: 10 }),
    );
    for (let k = 0; k < 30; k++) await write(q, 10, k * 100);
    const s = q.stats();
    assert.ok(s.droppedSamples > 0, 'something was dropped');
    assert.ok(s.pendingBytes <= 4096 + 1024, `pending ${s.pendingBytes} bytes`);
    assert.equal(s.droppedSamples + s.pendingSamples, 300);
    await q.stop();
  });
});
