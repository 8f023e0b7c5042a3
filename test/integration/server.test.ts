/**
 * End to end: boots `node bin/kansoku.js server` on loopback with a temporary data directory,
 * talks to it over HTTP, and checks graceful shutdown.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { METRIC_NAME, Matcher } from '../../src/model/index.js';
import { WriteRequestEncoder, encodeSnappyBody } from '../../src/parsers/index.js';
import { openDB } from '../../src/tsdb/index.js';
import { Logger } from '../../src/util/index.js';
import {
  makeTemp,
  removeTemp,
  startKansoku,
  waitFor200,
  type KansokuProcess,
} from './server-harness.js';

function writeBody(series: { labels: string[]; samples: [number, number][] }[]): Buffer {
  const enc = new WriteRequestEncoder();
  for (const s of series) {
    enc.addSeries(
      s.labels,
      s.samples.map(([t]) => t),
      s.samples.map(([, v]) => v),
    );
  }
  return encodeSnappyBody(enc.writer.finish());
}

interface ErrorBody {
  status: string;
  errorType: string;
  error: string;
}

describe('kansoku server (end to end)', () => {
  let tmp = '';
  let k: KansokuProcess;
  const now = Date.now();

  before(async () => {
    tmp = await makeTemp();
    k = await startKansoku(`${tmp}/data`);
  });
  after(async () => {
    if (k.child.exitCode === null) await k.stop('SIGKILL');
    await removeTemp(tmp);
  });

  const write = (body: Uint8Array): Promise<Response> =>
    fetch(`${k.base}/api/v1/write`, {
      method: 'POST',
      body,
      headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' },
    });

  async function expect400(res: Response, re: RegExp): Promise<void> {
    assert.equal(res.status, 400);
    const j = (await res.json()) as ErrorBody;
    assert.equal(j.status, 'error');
    assert.equal(j.errorType, 'bad_data');
    assert.match(j.error, re);
  }

  it('becomes ready and healthy', async () => {
    assert.equal(await waitFor200(`${k.base}/-/ready`), 200);
    const res = await fetch(`${k.base}/-/healthy`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /Healthy/);
  });

  it('logs its listen address', () => {
    assert.match(k.stderr(), /level=info msg=listening address=127\.0\.0\.1:\d+/);
  });

  it('accepts a remote-write request with 204', async () => {
    const res = await write(
      writeBody([
        {
          labels: ['__name__', 'it_metric', 'job', 'it'],
          samples: [
            [now - 2000, 1],
            [now - 1000, 2],
          ],
        },
        { labels: ['__name__', 'it_metric', 'job', 'other'], samples: [[now - 1000, 3]] },
      ]),
    );
    assert.equal(res.status, 204);
  });

  it('rejects corrupt snappy with 400', async () => {
    await expect400(await write(Buffer.from([0x10, 0x00, 0x01])), /cannot decompress request body/);
  });

  it('rejects bad protobuf with 400 and the field path', async () => {
    const proto = Buffer.from([0x0a, 0x03, 0x12, 0x09, 0x09]);
    await expect400(
      await write(encodeSnappyBody(proto)),
      /cannot decode remote write request: timeseries\[0\]\.samples\[0\]/,
    );
  });

  it('rejects an invalid label name with 400 and applies nothing of the request', async () => {
    await expect400(
      await write(
        writeBody([
          { labels: ['__name__', 'it_partial'], samples: [[now, 1]] },
          { labels: ['__name__', 'it_partial', '', 'x'], samples: [[now, 1]] },
        ]),
      ),
      /timeseries\[1\]\.labels\[1\]\.name: label name is empty/,
    );
  });

  it('serves its own metrics, counting what was ingested', async () => {
    const res = await fetch(`${k.base}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.match(text, /^kansoku_ingest_samples_total\{source="remote_write"\} 3$/m);
    assert.match(
      text,
      /^kansoku_remote_write_requests_rejected_total\{reason="invalid_series"\} 1$/m,
    );
    assert.match(text, /^kansoku_http_requests_total\{handler="\/api\/v1\/write",code="204"\} 1$/m);
    assert.match(text, /^process_cpu_user_seconds_total /m);
    assert.match(text, /^nodejs_heap_size_total_bytes /m);
  });

  it('scrapes itself and lists the target', async () => {
    const end = Date.now() + 5000;
    let health = '';
    let t: { labels: Record<string, string>; health: string; scrapePool: string } | undefined;
    while (Date.now() < end) {
      const res = await fetch(`${k.base}/api/v1/targets`);
      const body = (await res.json()) as { data: { activeTargets: (typeof t)[] } };
      t = body.data.activeTargets[0];
      health = t?.health ?? '';
      if (health === 'up') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(health, 'up');
    assert.ok(t);
    assert.equal(t.scrapePool, 'kansoku');
    assert.equal(t.labels['instance'], new URL(k.base).host);
  });

  it('answers unknown paths with 404 and wrong methods with 405 in the JSON envelope', async () => {
    const r404 = await fetch(`${k.base}/api/v1/nope`);
    assert.equal(r404.status, 404);
    assert.equal(((await r404.json()) as ErrorBody).status, 'error');
    const r405 = await fetch(`${k.base}/api/v1/write`);
    assert.equal(r405.status, 405);
    assert.equal(r405.headers.get('allow'), 'POST');
    assert.equal(((await r405.json()) as ErrorBody).errorType, 'bad_data');
  });

  it('logs SIGHUP and keeps serving', async () => {
    k.child.kill('SIGHUP');
    const end = Date.now() + 3000;
    while (!/no configuration file to reload/.test(k.stderr()) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.match(k.stderr(), /received SIGHUP: reloading the configuration/);
    assert.match(k.stderr(), /no configuration file to reload/);
    assert.equal((await fetch(`${k.base}/-/healthy`)).status, 200);
  });

  it('shuts down gracefully on SIGTERM with exit code 0', async () => {
    const { code, ms } = await k.stop('SIGTERM');
    assert.equal(code, 0, k.stderr());
    assert.ok(ms < 5000, `shutdown took ${ms}ms`);
    assert.match(k.stderr(), /msg="received signal, shutting down" signal=SIGTERM/);
    assert.match(k.stderr(), /msg="storage closed"/);
  });

  it('flushed every acknowledged sample and nothing of rejected requests', async () => {
    const db = await openDB(k.dataDir, { logger: Logger.nop() });
    try {
      const q = await db.querier(0, Number.MAX_SAFE_INTEGER);
      const read = async (name: string): Promise<string[]> => {
        const set = await q.select(true, undefined, [new Matcher('=', METRIC_NAME, name)]);
        const out: string[] = [];
        while (set.next()) {
          const s = set.at();
          const it = s.iterator();
          while (it.next() !== 'none')
            out.push(`${s.labels.get('job')} ${it.atT() - now} ${it.atF()}`);
        }
        assert.equal(set.err(), undefined);
        return out;
      };
      assert.deepEqual(await read('it_metric'), ['it -2000 1', 'it -1000 2', 'other -1000 3']);
      assert.deepEqual(await read('it_partial'), []);
      // Kansoku scraped itself at startup (and wrote a staleness marker when it stopped).
      const up = await read('up');
      assert.ok(
        up.some((x) => x.startsWith('kansoku ') && x.endsWith(' 1')),
        `up samples: ${up.join('; ')}`,
      );
      q.close();
    } finally {
      await db.close();
    }
  });
});
