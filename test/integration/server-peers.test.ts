/**
 * End to end with real Prometheus tools: Prometheus 2.42 remote-writes into Kansoku and
 * remote-reads from it, and promtool queries Kansoku's HTTP API. Skipped when the Debian
 * packages are missing (`bash .ci/run` installs them).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { WriteRequestEncoder, encodeSnappyBody } from '../../src/parsers/index.js';
import { Peer, findBinary, freePort, waitHTTP } from '../support/process.js';
import { makeTemp, removeTemp, startKansoku, type KansokuProcess } from './server-harness.js';

const PROMETHEUS = findBinary('/usr/bin/prometheus');
const PROMTOOL = findBinary('/usr/bin/promtool');
const run = promisify(execFile);

interface QueryAnswer {
  status: string;
  data: {
    resultType: string;
    result: { metric: Record<string, string>; value: [number, string] }[];
  };
}

async function pollQuery(
  base: string,
  query: string,
  ok: (a: QueryAnswer) => boolean,
  timeoutMs: number,
): Promise<QueryAnswer> {
  const until = Date.now() + timeoutMs;
  let last: QueryAnswer | undefined;
  while (Date.now() < until) {
    const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(query)}`);
    last = (await res.json()) as QueryAnswer;
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `query ${query} on ${base} did not succeed in ${timeoutMs} ms: ${JSON.stringify(last)}`,
  );
}

describe(
  'Kansoku with Prometheus 2.42 and promtool',
  { skip: PROMETHEUS ? false : '/usr/bin/prometheus is not installed (bash .ci/run installs it)' },
  () => {
    let tmp = '';
    let k: KansokuProcess;
    let prom: Peer | undefined;
    let promBase = '';
    const now = Date.now();

    before(async () => {
      tmp = await makeTemp();
      k = await startKansoku(path.join(tmp, 'kansoku'));
      await waitHTTP(`${k.base}/-/ready`);
      const enc = new WriteRequestEncoder();
      enc.addSeries(
        ['__name__', 'peer_metric', 'job', 'pushed'],
        [now - 30_000, now - 15_000, now - 1000],
        [1, 2, 3],
      );
      const res = await fetch(`${k.base}/api/v1/write`, {
        method: 'POST',
        body: encodeSnappyBody(enc.writer.finish()),
        headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' },
      });
      assert.equal(res.status, 204);
      const port = await freePort();
      promBase = `http://127.0.0.1:${port}`;
      const cfg = path.join(tmp, 'prometheus.yml');
      await writeFile(
        cfg,
        [
          'global:',
          '  scrape_interval: 1s',
          'scrape_configs:',
          '  - job_name: prometheus',
          '    static_configs:',
          `      - targets: ['127.0.0.1:${port}']`,
          'remote_write:',
          `  - url: ${k.base}/api/v1/write`,
          '    queue_config:',
          '      batch_send_deadline: 500ms',
          'remote_read:',
          `  - url: ${k.base}/api/v1/read`,
          '    read_recent: true',
          '',
        ].join('\n'),
      );
      prom = new Peer(PROMETHEUS!, [
        `--config.file=${cfg}`,
        `--storage.tsdb.path=${path.join(tmp, 'prometheus')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ]);
      await waitHTTP(`${promBase}/-/ready`);
    });

    after(async () => {
      await prom?.stop();
      if (k.child.exitCode === null) await k.stop();
      await removeTemp(tmp);
    });

    it('receives Prometheus remote write', async () => {
      const a = await pollQuery(
        k.base,
        'up{job="prometheus"}',
        (x) => x.data.result.length === 1,
        20_000,
      );
      assert.equal(a.data.result[0]!.value[1], '1');
      assert.match(k.stderr(), /level=info msg=listening/);
    });

    it('serves Prometheus remote read', async () => {
      const a = await pollQuery(
        promBase,
        'peer_metric',
        (x) => x.status === 'success' && x.data.result.length === 1,
        10_000,
      );
      assert.deepEqual(a.data.result[0]!.metric, { __name__: 'peer_metric', job: 'pushed' });
      assert.equal(a.data.result[0]!.value[1], '3');
      const r = await fetch(
        `${promBase}/api/v1/query?query=${encodeURIComponent('count_over_time(peer_metric[1m])')}&time=${now / 1000}`,
      );
      const j = (await r.json()) as QueryAnswer;
      assert.equal(j.data.result[0]?.value[1], '3', JSON.stringify(j));
    });

    it(
      'answers promtool queries',
      { skip: PROMTOOL ? false : '/usr/bin/promtool is not installed' },
      async () => {
        const { stdout } = await run(PROMTOOL!, ['query', 'instant', k.base, 'peer_metric']);
        assert.match(stdout, /peer_metric\{job="pushed"\} => 3 @\[/);
        const series = await run(PROMTOOL!, ['query', 'series', k.base, '--match=peer_metric']);
        assert.match(series.stdout, /\{__name__="peer_metric", job="pushed"\}/);
        const labels = await run(PROMTOOL!, ['query', 'labels', k.base, 'job']);
        assert.match(labels.stdout, /pushed/);
      },
    );
  },
);
