/**
 * Limits that fail safely: a server capped at `--storage.memory-budget=512MB` takes a flood of
 * new series from several remote-write senders and a query bomb at the same time. It must stay
 * alive and answer health checks, keep its peak resident memory within the budget, refuse the
 * excess with 429/503 (with `Retry-After`) or 413 naming the setting, count what it refused in
 * `/metrics`, and still answer every sample it accepted before the flood.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { WriteRequestEncoder, encodeSnappyBody } from '../../src/parsers/index.js';
import path from 'node:path';
import {
  makeTemp,
  removeTemp,
  runCli,
  startKansoku,
  waitFor200,
  type KansokuProcess,
} from './server-harness.js';

const MB = 1 << 20;
const BUDGET_BYTES = 512 * MB;
const FLOOD_MS = 14_000;
const SENDERS = 4;
const SERIES_PER_REQUEST = 2000;
const KEEP_SERIES = 50;
const KEEP_SAMPLES = 20;
/** `--storage.max-series-per-metric`. */
const PER_METRIC = 8000;
/**
 * Longest a health check may take. Queries evaluate on the event loop, so a check waits for the
 * query step running when it arrives; it must still be answered.
 */
const HEALTH_TIMEOUT_MS = 10_000;

/** Peak and current resident memory of a process, from `/proc/<pid>/status`, in bytes. */
function memoryOf(pid: number): { hwm: number; rss: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { hwm: kb('VmHWM') * 1024, rss: kb('VmRSS') * 1024 };
}

/** Status counts and the refusals seen (status, message, Retry-After), per kind of work. */
class Tally {
  readonly byStatus = new Map<number, number>();
  readonly refusals: { status: number; message: string; retryAfter: string | null }[] = [];
  add(status: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }
  count(pred: (status: number) => boolean): number {
    let n = 0;
    for (const [s, c] of this.byStatus) if (pred(s)) n += c;
    return n;
  }
  async record(res: Response): Promise<void> {
    this.add(res.status);
    const body = await res.text();
    if (res.status >= 400 && this.refusals.length < 200)
      this.refusals.push({
        status: res.status,
        message: body.slice(0, 400),
        retryAfter: res.headers.get('retry-after'),
      });
  }
  toString(): string {
    return JSON.stringify(Object.fromEntries(this.byStatus));
  }
}

function writeBody(
  enc: WriteRequestEncoder,
  series: (i: number) => string[],
  n: number,
  t: number,
  v: (i: number) => number,
): Buffer {
  enc.reset();
  for (let i = 0; i < n; i++) enc.addSeries(series(i), [t], [v(i)]);
  return encodeSnappyBody(enc.writer.finish());
}

function postWrite(base: string, body: Buffer): Promise<Response> {
  return fetch(`${base}/api/v1/write`, {
    method: 'POST',
    body,
    headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' },
    signal: AbortSignal.timeout(20_000),
  });
}

describe('limits under a series flood and a query bomb', { timeout: 60_000 }, () => {
  let dir = '';
  let k: KansokuProcess | undefined;
  const t0 = Date.now() - 60_000;

  before(async () => {
    dir = await makeTemp();
    k = await startKansoku(dir, [
      '--storage.memory-budget=512MB',
      '--storage.max-series=30000',
      `--storage.max-series-per-metric=${PER_METRIC}`,
      '--storage.max-new-series-per-hour=40000',
      '--query.max-concurrency=2',
      '--query.max-queue-wait=1s',
      '--query.max-samples=2000000',
      '--query.timeout=10s',
      '--web.remote-write.max-body-size=16MB',
    ]);
    assert.equal(await waitFor200(`${k.base}/-/ready`, 20_000), 200);
  });

  after(async () => {
    await k?.stop();
    await removeTemp(dir);
  });

  it('stays alive, answering and within its budget; refusals name the setting and are counted', async () => {
    const proc = k!;
    const base = proc.base;
    const pid = proc.child.pid!;
    const enc = new WriteRequestEncoder();

    // Samples accepted before the flood: all must still be answered afterwards.
    for (let s = 0; s < KEEP_SAMPLES; s++) {
      const res = await postWrite(
        base,
        writeBody(
          enc,
          (i) => ['__name__', 'keep_me', 'i', String(i)],
          KEEP_SERIES,
          t0 + s * 1000,
          (i) => i * 1000 + s,
        ),
      );
      assert.equal(res.status, 204, await res.text());
    }

    // Fill one metric up to --storage.max-series-per-metric: its new series are refused from now.
    for (let r = 0; r < PER_METRIC / SERIES_PER_REQUEST; r++) {
      const res = await postWrite(
        base,
        writeBody(
          enc,
          (i) => ['__name__', 'flood_hot', 'id', `seed-${r}-${i}`],
          SERIES_PER_REQUEST,
          Date.now(),
          (i) => i,
        ),
      );
      assert.equal(res.status, 204, await res.text());
    }

    const stop = AbortSignal.timeout(FLOOD_MS);
    const writes = new Tally();
    const queries = new Tally();
    let healthFailures = 0;
    let healthChecks = 0;
    let maxHealthMs = 0;
    let peakRss = 0;

    const sender = async (id: number): Promise<void> => {
      const e = new WriteRequestEncoder();
      const pad = 'x'.repeat(40);
      for (let seq = 0; !stop.aborted; seq++) {
        const body = writeBody(
          e,
          (i) => [
            '__name__',
            id === 0 ? 'flood_hot' : `flood_${i % 4}`,
            'id',
            `${id}-${seq}-${i}`,
            'pad',
            pad,
          ],
          SERIES_PER_REQUEST,
          Date.now(),
          (i) => i,
        );
        try {
          const res = await postWrite(base, body);
          await writes.record(res);
          if (res.status === 503 || res.status === 429)
            await new Promise((r) => setTimeout(r, 100));
        } catch {
          writes.add(0);
        }
      }
    };

    const bomb = async (kind: 'instant' | 'range'): Promise<void> => {
      while (!stop.aborted) {
        const q = encodeURIComponent('count by (__name__)({__name__=~".+"})');
        const now = Date.now() / 1000;
        const url =
          kind === 'instant'
            ? `${base}/api/v1/query?query=${q}`
            : `${base}/api/v1/query_range?query=${encodeURIComponent('{__name__=~"flood_.+"}')}&start=${now - 600}&end=${now}&step=15`;
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(20_000) });
          await queries.record(res);
        } catch {
          queries.add(0);
        }
      }
    };

    const health = async (): Promise<void> => {
      while (!stop.aborted) {
        healthChecks++;
        const started = performance.now();
        try {
          const res = await fetch(`${base}/-/healthy`, {
            signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
          });
          await res.arrayBuffer();
          maxHealthMs = Math.max(maxHealthMs, performance.now() - started);
          if (res.status !== 200) healthFailures++;
        } catch {
          healthFailures++;
        }
        peakRss = Math.max(peakRss, memoryOf(pid).rss);
        await new Promise((r) => setTimeout(r, 250));
      }
    };

    await Promise.all([
      ...Array.from({ length: SENDERS }, (_, i) => sender(i)),
      bomb('instant'),
      bomb('instant'),
      bomb('range'),
      health(),
    ]);

    const { hwm } = memoryOf(pid);
    console.log(
      `limits: peak RSS ${(hwm / MB).toFixed(0)} MB (sampled ${(peakRss / MB).toFixed(0)} MB), writes ${writes.toString()}, queries ${queries.toString()}, health ${healthChecks - healthFailures}/${healthChecks} (slowest ${maxHealthMs.toFixed(0)} ms)`,
    );
    assert.equal(proc.child.exitCode, null, 'the server is alive');
    assert.equal(healthFailures, 0, `health checks failed ${healthFailures} of ${healthChecks}`);
    assert.ok(hwm <= BUDGET_BYTES, `peak RSS ${hwm} bytes exceeds the budget of ${BUDGET_BYTES}`);

    // Every answer is a success or a refusal of the expected kinds; none is a 500 or a reset.
    assert.equal(
      writes.count((s) => s === 0 || (s >= 500 && s !== 503)),
      0,
      writes.toString(),
    );
    assert.equal(
      queries.count((s) => s === 0 || (s >= 500 && s !== 503)),
      0,
      queries.toString(),
    );
    assert.ok(writes.count((s) => s === 204) > 0, writes.toString());
    assert.ok(
      writes.count((s) => s === 429 || s === 503) > 0,
      `no write was refused: ${writes.toString()}`,
    );
    for (const r of [...writes.refusals, ...queries.refusals]) {
      if (r.status === 429 || r.status === 503) {
        assert.ok(
          r.retryAfter !== null && Number(r.retryAfter) > 0,
          `no Retry-After: ${JSON.stringify(r)}`,
        );
      }
      assert.match(r.message, /--[a-z]+\.[a-z.-]+/, `the refusal names no setting: ${r.message}`);
    }

    // Refusals are counted in the self-metrics.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const sum = (re: RegExp): number => {
      let n = 0;
      for (const m of metrics.matchAll(re)) n += Number(m[1]);
      return n;
    };
    const seriesRefused = sum(/^kansoku_series_limit_rejections_total\{[^}]*\} (\S+)$/gm);
    const memoryRefused = sum(
      /^kansoku_http_limited_requests_total\{reason="memory_budget"[^}]*\} (\S+)$/gm,
    );
    console.log(
      `limits: series refused ${seriesRefused}, requests refused for memory ${memoryRefused}, query refusals ${queries.count((s) => s >= 400)}`,
    );
    assert.ok(seriesRefused + memoryRefused > 0, 'no refusal counted in /metrics');
    assert.match(metrics, /^kansoku_memory_budget_bytes 536870912$/m);

    // Everything accepted before the flood is still there (retry while memory is short).
    let data:
      { data: { result: { metric: { i: string }; values: [number, string][] }[] } } | undefined;
    for (let attempt = 0; attempt < 40; attempt++) {
      const res = await fetch(
        `${base}/api/v1/query_range?query=keep_me&start=${t0 / 1000}&end=${(t0 + (KEEP_SAMPLES - 1) * 1000) / 1000}&step=1`,
      );
      if (res.status === 200) {
        data = (await res.json()) as typeof data;
        break;
      }
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(data, 'the accepted samples could not be queried');
    assert.equal(data.data.result.length, KEEP_SERIES);
    for (const s of data.data.result) {
      const i = Number(s.metric.i);
      assert.deepEqual(
        s.values.map((v) => Number(v[1])),
        Array.from({ length: KEEP_SAMPLES }, (_, j) => i * 1000 + j),
      );
    }
  });

  it('refuses new series per line on line protocol, naming the setting', async () => {
    const base = k!.base;
    // Both are new series: `flood hot=…` (flood_hot) is at its metric's limit, and after the
    // flood the storage is at (or near) --storage.max-series.
    const lines = 'fresh,id=a v=1\nflood,id=new hot=1\n';
    let res: Response | undefined;
    for (let attempt = 0; attempt < 40; attempt++) {
      res = await fetch(`${base}/write?db=limits`, { method: 'POST', body: lines });
      if (res.status !== 503) break;
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(res?.status, 400);
    const body = await res.text();
    assert.match(body, /partial write/);
    assert.match(body, /raise --storage\.max-series(-per-metric)?\b/);

    assert.equal(k!.child.exitCode, null);
  });

  it('refuses a gzip bomb with 413 naming the setting', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * MB, 'a'));
    let res: Response | undefined;
    for (let attempt = 0; attempt < 40; attempt++) {
      res = await fetch(`${k!.base}/api/v1/import/prometheus`, {
        method: 'POST',
        body: bomb,
        headers: { 'Content-Encoding': 'gzip', 'Content-Type': 'text/plain' },
      });
      if (res.status !== 503) break;
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(res?.status, 413);
    assert.match(await res.text(), /--web\.remote-write\.max-body-size/);
    assert.equal(k!.child.exitCode, null);
  });
});

describe('memory back-pressure', { timeout: 30_000 }, () => {
  let dir = '';
  let k: KansokuProcess | undefined;

  before(async () => {
    dir = await makeTemp();
    // A budget below what the idle server needs: it is under pressure from the start.
    k = await startKansoku(dir, ['--storage.memory-budget=60MB']);
    assert.equal(await waitFor200(`${k.base}/-/ready`, 20_000), 200);
  });

  after(async () => {
    await k?.stop();
    await removeTemp(dir);
  });

  it('answers writes and queries with 503 and Retry-After, health and /metrics with 200', async () => {
    const base = k!.base;
    let metrics = '';
    for (
      let i = 0;
      i < 50 && !/^kansoku_memory_budget_state\{state="ok"\} 0$/m.test(metrics);
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
      metrics = await (await fetch(`${base}/metrics`)).text();
    }
    assert.match(metrics, /^kansoku_memory_budget_state\{state="ok"\} 0$/m);
    const enc = new WriteRequestEncoder();
    const w = await postWrite(
      base,
      writeBody(
        enc,
        () => ['__name__', 'x'],
        1,
        Date.now(),
        () => 1,
      ),
    );
    assert.equal(w.status, 503);
    assert.ok(Number(w.headers.get('retry-after')) > 0);
    assert.match(await w.text(), /--storage\.memory-budget/);
    const q = await fetch(`${base}/api/v1/query?query=up`);
    assert.equal(q.status, 503);
    assert.ok(Number(q.headers.get('retry-after')) > 0);
    await q.arrayBuffer();
    const h = await fetch(`${base}/-/healthy`);
    assert.equal(h.status, 200);
    await h.arrayBuffer();
    metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(
      metrics,
      /^kansoku_http_limited_requests_total\{reason="memory_budget",class="ingest"\} [1-9]/m,
    );
    assert.match(
      metrics,
      /^kansoku_http_limited_requests_total\{reason="memory_budget",class="query"\} [1-9]/m,
    );
  });
});

describe('per-token request rate', { timeout: 30_000 }, () => {
  let dir = '';
  let k: KansokuProcess | undefined;

  before(async () => {
    dir = await makeTemp();
    k = await startKansoku(path.join(dir, 'data'), [
      '--auth.enabled',
      '--auth.token-rate-limit=5',
      '--auth.token-rate-burst=10',
    ]);
    assert.equal(await waitFor200(`${k.base}/-/healthy`, 20_000), 200);
  });

  after(async () => {
    await k?.stop();
    await removeTemp(dir);
  });

  it('answers a token beyond its rate with 429 and Retry-After, other tokens are not affected', async () => {
    const base = k!.base;
    const token = async (): Promise<string> => {
      const r = await runCli([
        'token',
        'create',
        '--scope=read',
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.trim();
    };
    const [a, b] = [await token(), await token()];
    const get = (t: string): Promise<Response> =>
      fetch(`${base}/api/v1/labels`, { headers: { Authorization: `Bearer ${t}` } });
    let first429: Response | undefined;
    let ok = 0;
    for (let i = 0; i < 30 && first429 === undefined; i++) {
      const res = await get(a);
      if (res.status === 429) first429 = res;
      else {
        assert.notEqual(res.status, 401, 'the offline token is not known yet');
        ok++;
        await res.arrayBuffer();
      }
    }
    assert.ok(first429, 'the token was never limited');
    assert.ok(ok >= 10, `only ${ok} requests passed before the limit`);
    assert.ok(Number(first429.headers.get('retry-after')) >= 1);
    assert.match(await first429.text(), /--auth\.token-rate-limit/);
    const other = await get(b);
    assert.equal(other.status, 200);
    await other.arrayBuffer();
    const health = await fetch(`${base}/-/healthy`);
    assert.equal(health.status, 200);
    await health.arrayBuffer();
  });
});
