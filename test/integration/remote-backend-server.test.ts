/**
 * `kansoku server` on the remote backend end to end: settings from a storage settings file
 * (auth, tenant, push-down), writes through Kansoku's remote-write endpoint into
 * VictoriaMetrics (cluster paths via the test proxy), queries forwarded or evaluated locally,
 * label APIs passed through, and fanout mode merging local recent data with older remote data.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RemoteStorage } from '../../src/backends/remote/index.js';
import { Labels, MAX_TIME, MIN_TIME, Matcher } from '../../src/model/index.js';
import { WriteRequestEncoder, encodeSnappyBody } from '../../src/parsers/index.js';
import { findBinary, freePort } from '../support/process.js';
import { waitHTTP } from '../support/process.js';
import {
  VM_SKIP,
  remoteOptions,
  startVictoriaMetrics,
  type RunningBackend,
} from './remote-backend-peers.js';

const OPENSSL = findBinary('/usr/bin/openssl');

/** A self-signed certificate for 127.0.0.1 and an HTTPS proxy in front of `target`. */
async function tlsProxy(
  dir: string,
  target: string,
): Promise<{ base: string; ca: string; close(): void }> {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    OPENSSL!,
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=kansoku-test',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'pipe' },
  );
  const t = new URL(target);
  const server = https.createServer(
    { key: readFileSync(key), cert: readFileSync(cert) },
    (req, res) => {
      const up = http.request(
        { host: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers },
        (ur) => {
          res.writeHead(ur.statusCode ?? 502, ur.headers);
          ur.pipe(res);
        },
      );
      req.pipe(up);
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca: readFileSync(cert, 'utf8'),
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
import { startKansoku, type KansokuProcess } from './server-harness.js';

async function write(
  base: string,
  series: [Record<string, string>, number[], number[]][],
): Promise<void> {
  const enc = new WriteRequestEncoder();
  for (const [labels, ts, vs] of series) {
    enc.addSeries(
      Object.entries(labels)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .flat(),
      ts,
      vs,
    );
  }
  const res = await fetch(`${base}/api/v1/write`, {
    method: 'POST',
    headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' },
    body: encodeSnappyBody(enc.writer.finish()),
  });
  assert.equal(res.status, 204, await res.text());
}

async function get(base: string, p: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}${p}`);
  return { status: res.status, text: await res.text() };
}

/** Polls until `fn` is true (flushing VictoriaMetrics each time), or fails after 20 s. */
async function until(vm: RunningBackend, fn: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  for (;;) {
    await fetch(vm.flushUrl);
    if (await fn()) return;
    assert.ok(Date.now() < end, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

void describe('kansoku server on the remote backend', { skip: VM_SKIP, timeout: 120_000 }, () => {
  let vm: RunningBackend | undefined;
  let dir = '';
  let pushdown: KansokuProcess | undefined;
  let fanout: KansokuProcess | undefined;
  const now = Math.floor(Date.now() / 1000) * 1000;

  before(async () => {
    vm = await startVictoriaMetrics();
    dir = mkdtempSync(path.join(tmpdir(), 'kansoku-remote-server-'));
    const settings = path.join(dir, 'storage.yml');
    writeFileSync(
      settings,
      [
        'storage:',
        '  backend: remote',
        '  remote:',
        `    write_url: ${vm.writeUrl}`,
        `    read_url: ${vm.readUrl}`,
        '    mode: pushdown',
        '    tenant: team-a',
        '    send_deadline: 20ms',
        '    basic_auth: {username: kansoku, password: secret}',
        '',
      ].join('\n'),
    );
    pushdown = await startKansoku(path.join(dir, 'k1'), [`--storage.config.file=${settings}`]);
    fanout = await startKansoku(path.join(dir, 'k2'), [
      '--storage.backend=fanout',
      `--storage.remote.write-url=${vm.writeUrl}`,
      `--storage.remote.read-url=${vm.readUrl}`,
      '--storage.remote.fanout-boundary=1h',
    ]);
    await waitHTTP(`${pushdown.base}/-/ready`, 30_000);
    await waitHTTP(`${fanout.base}/-/ready`, 30_000);
  });

  after(async () => {
    await pushdown?.stop();
    await fanout?.stop();
    await vm?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('writes through the queue with auth and tenant, forwards compatible queries', async () => {
    const ts = [0, 1, 2, 3, 4].map((i) => now - 240_000 + i * 60_000);
    await write(pushdown!.base, [
      [{ __name__: 'e2e_requests_total', job: 'api' }, ts, [0, 60, 120, 180, 240]],
      [{ __name__: 'e2e_requests_total', job: 'web' }, ts, [0, 6, 12, 18, 24]],
    ]);
    const q = `/api/v1/query?query=${encodeURIComponent('sum(e2e_requests_total)')}&time=${now / 1000}`;
    await until(
      vm!,
      async () => (await get(vm!.directUrl, q)).text.includes('"264"'),
      'the samples',
    );
    const direct = await get(vm!.directUrl, q);
    const viaKansoku = await get(pushdown!.base, q);
    assert.equal(viaKansoku.status, 200);
    assert.equal(viaKansoku.text, direct.text, 'forwarded answer is the backend answer');
    const writes = vm!.seen.filter((s) => s.path.startsWith('/insert/0/prometheus/api/v1/write'));
    const reads = vm!.seen.filter((s) => s.path.startsWith('/select/0/prometheus/'));
    assert.ok(writes.length > 0 && reads.length > 0);
    const basic = `Basic ${Buffer.from('kansoku:secret').toString('base64')}`;
    for (const s of [...writes, ...reads]) {
      if (s.auth === '') continue; // the fanout server's requests
      assert.equal(s.auth, basic, s.path);
      assert.equal(s.tenant, 'team-a', s.path);
    }
    assert.ok(writes.some((s) => s.auth === basic) && reads.some((s) => s.auth === basic));
    const metrics = (await get(pushdown!.base, '/metrics')).text;
    const sent = /^kansoku_remote_storage_sent_samples (\S+)$/m.exec(metrics);
    assert.ok(sent && Number(sent[1]) >= 10, 'queue self-metrics count the delivered samples');
  });

  it('evaluates rate() locally over raw samples (MetricsQL differs) and passes labels through', async () => {
    const rate = await get(
      pushdown!.base,
      `/api/v1/query?query=${encodeURIComponent('sum(rate(e2e_requests_total[5m]))')}&time=${now / 1000}`,
    );
    assert.equal(rate.status, 200, rate.text);
    const doc = JSON.parse(rate.text) as { data: { result: { value: [number, string] }[] } };
    // Prometheus' rate: the counters start at 0, so no extrapolation before the first sample:
    // an increase of 264 over the 300 s window.
    assert.ok(Math.abs(Number(doc.data.result[0]?.value[1]) - 0.88) < 1e-9, rate.text);
    const labels = JSON.parse((await get(pushdown!.base, '/api/v1/labels')).text) as {
      data: string[];
    };
    assert.ok(labels.data.includes('job'), JSON.stringify(labels));
    const values = JSON.parse(
      (await get(pushdown!.base, '/api/v1/label/job/values?match[]=e2e_requests_total')).text,
    ) as {
      data: string[];
    };
    assert.deepEqual(values.data, ['api', 'web']);
    const series = JSON.parse(
      (
        await get(
          pushdown!.base,
          `/api/v1/series?match[]=e2e_requests_total&start=${(now - 600_000) / 1000}`,
        )
      ).text,
    ) as { data: unknown[] };
    assert.equal(series.data.length, 2);
  });

  it('fanout: recent samples from the embedded database, older ones from the remote engine', async () => {
    // Older than the 1 h boundary: only in the remote engine.
    const old = now - 2 * 3_600_000;
    const enc = new WriteRequestEncoder();
    enc.addSeries(['__name__', 'e2e_fanout', 'job', 'x'], [old], [1]);
    const res = await fetch(vm!.writeUrl, {
      method: 'POST',
      headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' },
      body: encodeSnappyBody(enc.writer.finish()),
    });
    assert.equal(res.status, 204);
    await write(fanout!.base, [[{ __name__: 'e2e_fanout', job: 'x' }, [now - 60_000], [2]]]);
    const q = `/api/v1/query?query=${encodeURIComponent('count_over_time(e2e_fanout[3h])')}&time=${now / 1000}`;
    await until(
      vm!,
      async () => (await get(fanout!.base, q)).text.includes('"2"]'),
      'both samples through the fanout server',
    );
    const recent = await get(fanout!.base, `/api/v1/query?query=e2e_fanout&time=${now / 1000}`);
    assert.ok(recent.text.includes('"2"]'), recent.text);
  });

  it(
    'writes and reads over TLS with a private CA',
    { skip: OPENSSL ? false : 'openssl not installed' },
    async () => {
      const proxy = await tlsProxy(dir, new URL(vm!.writeUrl).origin);
      const tls = { ca: proxy.ca, cert: '', key: '', serverName: '', insecureSkipVerify: false };
      const b: RunningBackend = {
        ...vm!,
        writeUrl: `${proxy.base}/insert/0/prometheus/api/v1/write`,
        readUrl: `${proxy.base}/select/0/prometheus`,
        flushUrl: `${proxy.base}/internal/force_flush`,
      };
      const s = new RemoteStorage(remoteOptions(b, path.join(dir, 'tls'), { tls }));
      const untrusted = new RemoteStorage(remoteOptions(b, path.join(dir, 'tls-untrusted')));
      try {
        const app = s.appender();
        app.append(0, Labels.fromRecord({ __name__: 'e2e_tls' }), now, 42);
        await app.commit();
        const q = await s.querier(MIN_TIME, MAX_TIME);
        const set = await q.select(true, undefined, [new Matcher('=', '__name__', 'e2e_tls')]);
        assert.ok(set.next());
        const it = set.at().iterator();
        assert.equal(it.next(), 'float');
        assert.equal(it.atF(), 42);
        q.close();
        const uq = await untrusted.querier(MIN_TIME, MAX_TIME);
        await assert.rejects(
          uq.select(true, undefined, [new Matcher('=', '__name__', 'e2e_tls')]),
          /certificate/,
        );
      } finally {
        await s.close();
        await untrusted.close();
        proxy.close();
      }
    },
  );

  it('keeps acknowledged samples in the queue across kill -9 while the engine is unreachable', async () => {
    // The write URL points at a port where nothing listens yet.
    const port = await freePort();
    const target = new URL(vm!.writeUrl);
    const args = [
      '--storage.backend=remote',
      `--storage.remote.write-url=http://127.0.0.1:${port}${target.pathname}`,
      `--storage.remote.read-url=${vm!.readUrl}`,
      '--storage.remote.flavor=victoriametrics',
    ];
    const data = path.join(dir, 'k3');
    let k = await startKansoku(data, args);
    await waitHTTP(`${k.base}/-/ready`, 30_000);
    const ts = Array.from({ length: 50 }, (_, i) => now - 50_000 + i * 1000);
    await write(k.base, [[{ __name__: 'e2e_outage' }, ts, ts.map((_, i) => i)]]);
    await k.stop('SIGKILL');
    // The engine becomes reachable, Kansoku restarts on the same data directory.
    const forward = http.createServer((req, res) => {
      const up = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (ur) => {
          res.writeHead(ur.statusCode ?? 502, ur.headers);
          ur.pipe(res);
        },
      );
      req.pipe(up);
    });
    await new Promise<void>((r) => forward.listen(port, '127.0.0.1', r));
    try {
      k = await startKansoku(data, args);
      const q = `/api/v1/query?query=${encodeURIComponent('count_over_time(e2e_outage[5m])')}&time=${now / 1000}`;
      await until(
        vm!,
        async () => (await get(vm!.directUrl, q)).text.includes('"50"'),
        'the queued samples',
      );
      await k.stop();
    } finally {
      forward.closeAllConnections();
      forward.close();
    }
  });
});
