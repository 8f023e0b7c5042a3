/**
 * The range-query result cache through the HTTP API of a real `kansoku server`: repeated
 * dashboard-like queries hit and answer byte for byte what a fresh evaluation answers; a
 * backfilled sample (import API) or a deletion inside a cached range changes the next answer;
 * a token restricted to label matchers never gets another principal's cached answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import path from 'node:path';
import {
  makeTemp,
  removeTemp,
  runCli,
  startKansoku,
  waitFor200,
  type KansokuProcess,
} from './server-harness.js';

const STEP_S = 60;
/** Two hours of data ending 20 minutes ago (well before the uncached recent past). */
const END_S = Math.floor(Date.now() / 1000 / STEP_S) * STEP_S - 20 * 60;
const START_S = END_S - 2 * 3600;

function exposition(): string {
  const lines: string[] = [];
  for (let t = START_S, i = 0; t <= END_S; t += 15, i++) {
    for (const [inst, rate] of [
      ['a', 3],
      ['b', 5],
      ['c', 7],
    ] as const) {
      lines.push(`cache_requests_total{job="web",instance="${inst}"} ${rate * 15 * i} ${t * 1000}`);
      lines.push(`cache_temp{job="web",instance="${inst}"} ${(i * rate) % 41} ${t * 1000}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** A dashboard: five panels over the hour before the data's end. */
const PANELS = [
  'sum by (instance) (rate(cache_requests_total[5m]))',
  'sum(rate(cache_requests_total[5m]))',
  'avg_over_time(cache_temp[10m])',
  'max by (job) (cache_temp)',
  'cache_temp > 20',
];

void describe('query result cache over HTTP', () => {
  let dir = '';
  let k: KansokuProcess | undefined;
  let base = '';

  async function range(
    query: string,
    start: number,
    end: number,
    extra: Record<string, string> = {},
  ): Promise<{ body: string; cache: string | null }> {
    const body = new URLSearchParams({
      query,
      start: String(start),
      end: String(end),
      step: String(STEP_S),
      ...extra,
    });
    const res = await fetch(`${base}/api/v1/query_range`, { method: 'POST', body });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return { body: text, cache: res.headers.get('x-kansoku-cache') };
  }

  async function post(path: string, body: string | URLSearchParams): Promise<void> {
    const res = await fetch(`${base}${path}`, { method: 'POST', body });
    assert.equal(res.status, 204, await res.text());
  }

  before(async () => {
    dir = await makeTemp();
    k = await startKansoku(dir, ['--web.enable-admin-api']);
    base = k.base;
    assert.equal(await waitFor200(`${base}/-/ready`, 20_000), 200);
    await post('/api/v1/import/prometheus', exposition());
  });
  after(async () => {
    await k?.stop();
    await removeTemp(dir);
  });

  void it('a reloaded dashboard hits, with the bytes of a fresh evaluation', async () => {
    const s = END_S - 3600;
    const first = await Promise.all(PANELS.map((q) => range(q, s, END_S)));
    assert.deepEqual(
      first.map((r) => r.cache),
      PANELS.map(() => 'miss'),
    );
    for (const r of first) assert.match(r.body, /"resultType":"matrix","result":\[\{/);
    const second = await Promise.all(PANELS.map((q) => range(q, s, END_S)));
    const fresh = await Promise.all(PANELS.map((q) => range(q, s, END_S, { nocache: '1' })));
    for (let i = 0; i < PANELS.length; i++) {
      assert.equal(second[i]!.cache, 'hit', PANELS[i]);
      assert.equal(fresh[i]!.cache, 'bypass');
      assert.equal(second[i]!.body, fresh[i]!.body, PANELS[i]);
      assert.equal(second[i]!.body, first[i]!.body, PANELS[i]);
    }
  });

  void it('a wider window reuses the cached steps and evaluates the rest', async () => {
    const q = PANELS[0]!;
    const r = await range(q, END_S - 90 * 60, END_S + 30 * 60);
    assert.equal(r.cache, 'partial');
    const fresh = await range(q, END_S - 90 * 60, END_S + 30 * 60, { nocache: '1' });
    assert.equal(r.body, fresh.body);
  });

  void it('queries with @ are not cached', async () => {
    const r = await range(`cache_temp @ ${END_S - 600}`, END_S - 3600, END_S);
    assert.equal(r.cache, 'bypass');
  });

  void it('a backfilled sample inside a cached range changes the next answer', async () => {
    const q = 'sum(cache_temp)';
    const s = END_S - 3600;
    const before = await range(q, s, END_S);
    assert.equal((await range(q, s, END_S)).cache, 'hit');
    // A new series with one sample 30 minutes into the range (import of old data).
    const t = (END_S - 1800) * 1000;
    await post('/api/v1/import/prometheus', `cache_temp{job="web",instance="late"} 1000 ${t}\n`);
    const afterImport = await range(q, s, END_S);
    assert.notEqual(afterImport.cache, 'hit');
    assert.notEqual(afterImport.body, before.body);
    assert.equal(afterImport.body, (await range(q, s, END_S, { nocache: '1' })).body);
    assert.match(afterImport.body, /"1\d\d\d(\.\d+)?"/);
  });

  void it('a deletion inside a cached range changes the next answer', async () => {
    const q = 'count(cache_temp)';
    const s = END_S - 3600;
    const before = await range(q, s, END_S);
    assert.equal((await range(q, s, END_S)).cache, 'hit');
    await post(
      '/api/v1/admin/tsdb/delete_series',
      new URLSearchParams({
        'match[]': 'cache_temp{instance="a"}',
        start: String(END_S - 1200),
        end: String(END_S),
      }),
    );
    const afterDelete = await range(q, s, END_S);
    assert.notEqual(afterDelete.body, before.body);
    assert.equal(afterDelete.body, (await range(q, s, END_S, { nocache: '1' })).body);
  });

  void it('exposes its self-metrics', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const hits = /^kansoku_query_cache_hits_total (\d+)/m.exec(text);
    assert.ok(hits && Number(hits[1]) >= PANELS.length, text.slice(0, 200));
    assert.match(text, /^kansoku_query_cache_size_bytes [1-9]\d*/m);
    assert.match(text, /^kansoku_query_cache_partial_hits_total [1-9]/m);
  });
});

void describe('query result cache with read-restricted tokens', () => {
  let tmp = '';
  let k: KansokuProcess | undefined;
  const tokens = { write: '', all: '', onlyA: '' };

  async function range(token: string): Promise<{ body: string; cache: string | null }> {
    const body = new URLSearchParams({
      query: 'sum by (instance) (cache_temp)',
      start: String(END_S - 3600),
      end: String(END_S),
      step: String(STEP_S),
    });
    const res = await fetch(`${k?.base ?? ''}/api/v1/query_range`, {
      method: 'POST',
      body,
      headers: { Authorization: `Bearer ${token}` },
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return { body: text, cache: res.headers.get('x-kansoku-cache') };
  }

  before(async () => {
    tmp = await makeTemp();
    const dir = path.join(tmp, 'data');
    const create = async (...args: string[]): Promise<string> => {
      const r = await runCli(['token', 'create', ...args, `--storage.tsdb.path=${dir}`]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.trim();
    };
    tokens.write = await create('--scope=write');
    tokens.all = await create('--scope=read');
    tokens.onlyA = await create('--scope=read', '--matcher', '{instance="a"}');
    k = await startKansoku(dir, ['--auth.enabled']);
    assert.equal(await waitFor200(`${k.base}/-/ready`, 20_000), 200);
    const res = await fetch(`${k.base}/api/v1/import/prometheus`, {
      method: 'POST',
      body: exposition(),
      headers: { Authorization: `Bearer ${tokens.write}` },
    });
    assert.ok(res.status === 204 || res.status === 200, await res.text());
  });
  after(async () => {
    await k?.stop();
    await removeTemp(tmp);
  });

  void it('keeps restricted and unrestricted answers apart', async () => {
    const all1 = await range(tokens.all);
    assert.equal(all1.cache, 'miss');
    assert.equal((await range(tokens.all)).cache, 'hit');
    const a1 = await range(tokens.onlyA);
    assert.equal(a1.cache, 'miss', 'a restricted token must not reuse the full view');
    assert.match(a1.body, /"instance":"a"/);
    assert.doesNotMatch(a1.body, /"instance":"[bc]"/);
    const a2 = await range(tokens.onlyA);
    assert.equal(a2.cache, 'hit');
    assert.equal(a2.body, a1.body);
    const all2 = await range(tokens.all);
    assert.equal(all2.cache, 'hit');
    assert.equal(all2.body, all1.body);
    assert.match(all2.body, /"instance":"b"/);
  });
});
