/**
 * End to end with real InfluxDB clients: Debian's `influx` v1 CLI (INSERT and -import), the npm
 * `@influxdata/influxdb-client` (v2 write API with `Authorization: Token`, org/bucket, precision,
 * gzip) and Telegraf-style raw requests (`/write?db=&u=&p=`, `/api/v2/write?org=&bucket=`) write
 * into a Kansoku HTTP server on loopback; what each wrote is read back exactly through the query
 * API, and partial writes keep the good lines and name the bad ones.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { HttpError, InfluxDB, Point, setLogger } from '@influxdata/influxdb-client';
import { startTestServer, type TestServer } from '../../src/http/testkit.js';
import { MemStorage } from '../../src/storage/index.js';

const INFLUX = ['/usr/bin/influx', '/usr/local/bin/influx'].find((p) => existsSync(p));

/** Runs the influx CLI; resolves with its exit code and output. */
function influx(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(INFLUX ?? 'influx', args, { timeout: 15_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, out: stdout + stderr });
    });
  });
}

/** `[t ms, value]` pairs by label set, from a range query through the query API. */
type Read = Record<string, [number, number][]>;

describe('InfluxDB clients writing line protocol', () => {
  const storage = new MemStorage();
  let server: TestServer;
  let port = 0;
  let tmp = '';

  before(async () => {
    // The client logs every failed write; the failures here are expected and asserted.
    setLogger({ error: () => undefined, warn: () => undefined });
    server = await startTestServer(storage);
    port = Number(new URL(server.base).port);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kansoku-influx-'));
  });
  after(async () => {
    await server.close();
    await storage.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  /** Reads `selector` over the hour before `atSec` through `/api/v1/query` (a range vector). */
  async function read(selector: string, atSec = 1_700_000_100): Promise<Read> {
    const q = new URLSearchParams({ query: `${selector}[1h]`, time: String(atSec) });
    const res = await fetch(`${server.base}/api/v1/query?${q.toString()}`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
    };
    const out: Read = {};
    for (const r of body.data.result) {
      const key = Object.entries(r.metric)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      out[key] = r.values.map(([t, v]) => [Math.round(t * 1000), Number(v)]);
    }
    return out;
  }

  describe(
    'the influx v1 CLI',
    {
      skip:
        INFLUX === undefined ? 'influx CLI not installed (Debian package influxdb-client)' : false,
    },
    () => {
      it('writes with INSERT (database, precision) and reports a bad line', async () => {
        const common = ['-host', '127.0.0.1', '-port', String(port), '-database', 'clidb'];
        const ok = await influx([
          ...common,
          '-precision',
          's',
          '-execute',
          'INSERT weather,city=Kyoto temp=21.5,rain=3i,sunny=true 1700000000',
        ]);
        assert.equal(ok.code, 0, ok.out);
        assert.deepEqual(await read('{__name__=~"weather_.*"}'), {
          '__name__=weather_rain,city=Kyoto,db=clidb': [[1_700_000_000_000, 3]],
          '__name__=weather_sunny,city=Kyoto,db=clidb': [[1_700_000_000_000, 1]],
          '__name__=weather_temp,city=Kyoto,db=clidb': [[1_700_000_000_000, 21.5]],
        });
        const bad = await influx([...common, '-execute', 'INSERT weather,=x temp=1']);
        assert.match(bad.out, /partial write: .*line 1, column \d+: missing tag key/);
      });

      it('imports a file (-import) keeping the good lines of a batch with a bad one', async () => {
        const file = path.join(tmp, 'import.txt');
        writeFileSync(
          file,
          [
            '# DML',
            '# CONTEXT-DATABASE: history',
            'hr,who=me bpm=61i 1700000000',
            'hr,who=me bpm=64i 1700000060',
            'hr,who=me bpm=oops 1700000120',
            'hr,who=me bpm=59i 1700000180',
            '',
          ].join('\n'),
        );
        const r = await influx([
          '-host',
          '127.0.0.1',
          '-port',
          String(port),
          '-import',
          '-path',
          file,
          '-precision',
          's',
        ]);
        assert.notEqual(r.code, 0, 'the CLI reports the failed batch');
        assert.match(
          r.out,
          /partial write: 1 of 4 samples rejected; line \d+, column \d+: invalid/,
        );
        assert.deepEqual(await read('hr_bpm', 1_700_000_200), {
          '__name__=hr_bpm,db=history,who=me': [
            [1_700_000_000_000, 61],
            [1_700_000_060_000, 64],
            [1_700_000_180_000, 59],
          ],
        });
      });
    },
  );

  describe('@influxdata/influxdb-client (v2 write API)', () => {
    it('writes points with a Token, org, bucket and each precision, gzip included', async () => {
      const db = new InfluxDB({ url: server.base, token: 'my-token' });
      const cases = [
        { precision: 'ns', ts: '1700000000000000000', gzip: false },
        { precision: 'us', ts: '1700000001000000', gzip: true },
        { precision: 'ms', ts: '1700000002000', gzip: false },
        { precision: 's', ts: '1700000003', gzip: true },
      ] as const;
      for (const c of cases) {
        const api = db.getWriteApi('my-org', 'home', c.precision, {
          gzipThreshold: c.gzip ? 0 : 1e9,
          maxRetries: 0,
          flushInterval: 0,
        });
        api.writePoint(
          new Point('room')
            .tag('name', 'kitchen')
            .floatField('temperature', 21.25)
            .intField('people', 2)
            .uintField('lux', 300)
            .booleanField('window_open', false)
            .timestamp(c.ts),
        );
        await api.close();
      }
      const t = [1_700_000_000_000, 1_700_000_001_000, 1_700_000_002_000, 1_700_000_003_000];
      const labels = 'db=home,name=kitchen';
      assert.deepEqual(await read('{__name__=~"room_.*"}'), {
        [`__name__=room_lux,${labels}`]: t.map((x) => [x, 300]),
        [`__name__=room_people,${labels}`]: t.map((x) => [x, 2]),
        [`__name__=room_temperature,${labels}`]: t.map((x) => [x, 21.25]),
        [`__name__=room_window_open,${labels}`]: t.map((x) => [x, 0]),
      });
    });

    it('gets a 400 naming the bad line, and the good lines are stored', async () => {
      const api = new InfluxDB({ url: server.base, token: 't' }).getWriteApi('o', 'pw', 'ms', {
        maxRetries: 0,
        flushInterval: 0,
      });
      api.writeRecords(['pw v=1 1700000000000', 'pw v 1700000001000', 'pw v=3 1700000002000']);
      await assert.rejects(api.flush(), (e: unknown) => {
        assert.ok(e instanceof HttpError, String(e));
        assert.equal(e.statusCode, 400);
        const body = JSON.parse(e.body ?? '') as { code: string; message: string; line: number };
        assert.equal(body.code, 'invalid');
        assert.equal(body.line, 2);
        assert.match(
          body.message,
          /1 of 3 samples rejected; line 2, column 5: missing '=' after field key "v"/,
        );
        return true;
      });
      await api.close().catch(() => undefined);
      assert.deepEqual(await read('pw_v'), {
        '__name__=pw_v,db=pw': [
          [1_700_000_000_000, 1],
          [1_700_000_002_000, 3],
        ],
      });
    });
  });

  describe('Telegraf-style requests', () => {
    it('v1 /write?db=&u=&p=&precision= with a gzip body', async () => {
      const body = gzipSync('tg_cpu,host=h1,cpu=cpu0 usage_user=1.5,usage_system=0.5 1700000000\n');
      const res = await fetch(`${server.base}/write?db=telegraf&rp=autogen&u=tg&p=pw&precision=s`, {
        method: 'POST',
        headers: { 'Content-Encoding': 'gzip', 'Content-Type': 'text/plain; charset=utf-8' },
        body,
      });
      assert.equal(res.status, 204);
      assert.deepEqual(await read('{__name__=~"tg_cpu_.*"}'), {
        '__name__=tg_cpu_usage_system,cpu=cpu0,db=telegraf,host=h1': [[1_700_000_000_000, 0.5]],
        '__name__=tg_cpu_usage_user,cpu=cpu0,db=telegraf,host=h1': [[1_700_000_000_000, 1.5]],
      });
    });

    it('v2 /api/v2/write?org=&bucket=&precision= with Authorization: Token', async () => {
      const res = await fetch(`${server.base}/api/v2/write?org=acme&bucket=tg2&precision=ns`, {
        method: 'POST',
        headers: { Authorization: 'Token secret', 'Content-Encoding': 'gzip' },
        body: gzipSync('tg_mem,host=h2 used=1024u,avail=2048i 1700000000000000000\n'),
      });
      assert.equal(res.status, 204);
      assert.deepEqual(await read('{__name__=~"tg_mem_.*"}'), {
        '__name__=tg_mem_avail,db=tg2,host=h2': [[1_700_000_000_000, 2048]],
        '__name__=tg_mem_used,db=tg2,host=h2': [[1_700_000_000_000, 1024]],
      });
    });
  });
});
