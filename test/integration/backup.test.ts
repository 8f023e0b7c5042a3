/**
 * End to end: `kansoku backup` against a real server while samples keep arriving, a second
 * (incremental) backup into the same directory, `kansoku restore` into a fresh data directory and
 * a second server on it, which must answer the same queries and hold the same dashboards, users,
 * tokens, silences and alert history.
 */
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  makeTemp,
  removeTemp,
  runCli,
  startKansoku,
  waitFor200,
  type KansokuProcess,
} from './server-harness.js';

const SERIES = 50;
/** One sample per series every second of sample time, starting an hour ago. */
const STEP_MS = 1000;
/** Batches that fit before the present. */
const MAX_BATCHES = 3500;
const ADMIN_PASSWORD = 'backup admin password';
const ALICE_PASSWORD = 'alice has a long password';

interface Api {
  base: string;
  token: string;
}

async function call(api: Api, method: string, p: string, body?: unknown): Promise<Response> {
  return fetch(`${api.base}${p}`, {
    method,
    headers: {
      Authorization: `Bearer ${api.token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function ok<T>(res: Promise<Response>): Promise<T> {
  const r = await res;
  const text = await r.text();
  assert.ok(r.status >= 200 && r.status < 300, `${r.url} answered ${r.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Lines `bk_load{i="…"} value timestamp` for batch `k`. */
function batch(t0: number, k: number): string {
  const lines: string[] = [];
  for (let i = 0; i < SERIES; i++)
    lines.push(`bk_load{i="${i}"} ${k * 10 + i + (k % 7) / 8} ${t0 + k * STEP_MS}`);
  return lines.join('\n') + '\n';
}

/** Parses the JSON log lines a command printed on standard output. */
function logs(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function completion(stdout: string): Record<string, unknown> {
  const l = logs(stdout).find((x) => x['msg'] === 'backup complete');
  assert.ok(l, stdout);
  return l;
}

describe('backup and restore end to end', { timeout: 60_000 }, () => {
  let tmp: string;
  let a: KansokuProcess | undefined;
  let b: KansokuProcess | undefined;
  let api: Api;
  let t0: number;
  let acked = -1;
  let stopIngest = false;
  let ingest: Promise<void> = Promise.resolve();
  const ids: { dashboard: string; silence: string; readToken: string } = {
    dashboard: '',
    silence: '',
    readToken: '',
  };

  before(async () => {
    tmp = await makeTemp();
    await writeFile(path.join(tmp, 'admin.pw'), `${ADMIN_PASSWORD}\n`);
    await writeFile(
      path.join(tmp, 'rules.yml'),
      'groups:\n  - name: bk\n    interval: 1s\n    rules:\n      - alert: BackupAlways\n        expr: vector(1)\n',
    );
    await writeFile(
      path.join(tmp, 'prometheus.yml'),
      'global: {evaluation_interval: 1s}\nrule_files: [rules.yml]\n',
    );
    const dataA = path.join(tmp, 'a');
    a = await startKansoku(dataA, [
      '--auth.enabled',
      // Ingestion here is as fast as the server takes it, beyond the per-token request rate.
      '--auth.token-rate-limit=0',
      `--auth.admin-password-file=${path.join(tmp, 'admin.pw')}`,
      `--config.file=${path.join(tmp, 'prometheus.yml')}`,
    ]);
    assert.equal(await waitFor200(`${a.base}/-/ready`), 200);
    const made = await runCli(['token', 'create', '--scope=admin', `--storage.tsdb.path=${dataA}`]);
    assert.equal(made.code, 0, made.stderr);
    api = { base: a.base, token: made.stdout.trim() };
    await writeFile(path.join(tmp, 'admin.token'), api.token);
    t0 = Math.floor((Date.now() - 3_600_000) / STEP_MS) * STEP_MS;
  });

  after(
    async () => {
      stopIngest = true;
      await ingest.catch(() => undefined);
      await a?.stop();
      await b?.stop();
      await removeTemp(tmp);
    },
    { timeout: 30_000 },
  );

  it('takes backups while samples arrive and restores them to a server that answers the same', async () => {
    // Users, tokens, dashboards and silences, through the API.
    await ok(
      call(api, 'POST', '/api/kansoku/users', {
        username: 'alice',
        role: 'viewer',
        password: ALICE_PASSWORD,
      }),
    );
    const tok = await ok<{ data: { token: string } }>(
      call(api, 'POST', '/api/kansoku/tokens', { name: 'reader', scopes: ['read'] }),
    );
    ids.readToken = tok.data.token;
    const dash = await ok<{ data: { dashboard: { uid: string } } }>(
      call(api, 'POST', '/api/kansoku/dashboards', {
        dashboard: {
          title: 'Backed up',
          tags: ['backup'],
          panels: [
            {
              type: 'timeseries',
              title: 'Load',
              gridPos: { x: 0, y: 0, w: 12, h: 8 },
              targets: [{ refId: 'A', expr: 'sum(bk_load)' }],
            },
          ],
        },
      }),
    );
    ids.dashboard = dash.data.dashboard.uid;
    const now = Date.now();
    const sil = await ok<{ silenceID: string }>(
      call(api, 'POST', '/api/v2/silences', {
        matchers: [{ name: 'alertname', value: 'BackupAlways', isRegex: false, isEqual: true }],
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        createdBy: 'backup-test',
        comment: 'kept across a restore',
      }),
    );
    ids.silence = sil.silenceID;

    // Samples keep arriving from here on, one batch after the other.
    const push = async (k: number): Promise<void> => {
      const r = await fetch(`${api.base}/api/v1/import/prometheus`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${api.token}`, 'Content-Type': 'text/plain' },
        body: batch(t0, k),
      });
      await r.body?.cancel();
      assert.ok(r.status === 204 || r.status === 200, `import answered ${r.status}`);
      acked = k;
    };
    for (let k = 0; k < 120; k++) await push(k);
    // Persist what arrived so far as a block, which the second backup can reuse.
    const flushed = await call(api, 'POST', '/api/v1/admin/tsdb/compact?flush_head=true');
    assert.equal(flushed.status, 204, await flushed.text());
    ingest = (async () => {
      for (let k = 120; !stopIngest && k < MAX_BATCHES; k++) await push(k);
    })();

    // The alert has fired (and is in the history) before the backup.
    await until(async () => {
      const h = await ok<{ data: { event: string }[] }>(
        call(api, 'GET', '/api/kansoku/alerts/history?start=0'),
      );
      return h.data.some((e) => e.event === 'firing');
    });

    // Offline mode refuses while the server runs.
    const refused = await runCli([
      'backup',
      path.join(tmp, 'never'),
      `--storage.tsdb.path=${a?.dataDir ?? ''}`,
    ]);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /a server is running on it/);

    const dest = path.join(tmp, 'backup');
    const cutK = acked;
    const first = await runCli([
      'backup',
      dest,
      `--url=${api.base}`,
      `--token-file=${path.join(tmp, 'admin.token')}`,
      '--log.format=json',
    ]);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const c1 = completion(first.stdout);
    assert.equal(c1['blocks_reused'], 0);
    assert.ok(Number(c1['blocks']) >= 2, `blocks: ${String(c1['blocks'])}`);
    await until(() => Promise.resolve(acked > cutK + 5));

    const cut2 = acked;
    const second = await runCli([
      'backup',
      dest,
      `--url=${api.base}`,
      `--token-file=${path.join(tmp, 'admin.token')}`,
      '--log.format=json',
    ]);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    const c2 = completion(second.stdout);
    assert.ok(Number(c2['blocks_reused']) >= 1, `second backup reused no block: ${second.stdout}`);
    assert.ok(Number(c2['blocks_copied']) >= 1);
    assert.deepEqual((await readdir(dest)).sort(), ['blocks', 'manifest.json', 'state']);
    assert.equal((await readdir(path.join(dest, 'blocks'))).length, Number(c2['blocks']));
    // Without a token the server refuses.
    const anon = await runCli(['backup', path.join(tmp, 'anon'), `--url=${api.base}`]);
    assert.equal(anon.code, 1);
    assert.match(anon.stdout, /answered 401/);

    stopIngest = true;
    await ingest;

    // Restore into a fresh directory and start a second server on it.
    const dataB = path.join(tmp, 'b');
    const restored = await runCli(['restore', dest, `--storage.tsdb.path=${dataB}`]);
    assert.equal(restored.code, 0, restored.stdout + restored.stderr);
    assert.match(restored.stdout, /restore complete/);
    b = await startKansoku(dataB, ['--auth.enabled', '--auth.token-rate-limit=0']);
    assert.equal(await waitFor200(`${b.base}/-/ready`), 200);
    const apiB: Api = { base: b.base, token: api.token };

    // The same answers over the range the second backup covers for sure.
    const end = (t0 + cut2 * STEP_MS) / 1000;
    const start = t0 / 1000;
    const queries = [
      `/api/v1/query_range?query=${encodeURIComponent('sum(bk_load)')}&start=${start}&end=${end}&step=30`,
      `/api/v1/query_range?query=${encodeURIComponent('rate(bk_load[1m])')}&start=${start}&end=${end}&step=60`,
      `/api/v1/query_range?query=${encodeURIComponent('count_over_time(bk_load{i="3"}[5m])')}&start=${start}&end=${end}&step=300`,
      `/api/v1/query?query=${encodeURIComponent(`count(bk_load @ ${end})`)}&time=${end}`,
      `/api/v1/series?match[]=bk_load&start=${start}&end=${end}`,
    ];
    for (const q of queries) {
      const [fromA, fromB] = await Promise.all([ok(call(api, 'GET', q)), ok(call(apiB, 'GET', q))]);
      assert.deepEqual(fromB, fromA, q);
    }
    const count = await ok<{ data: { result: { value: [number, string] }[] } }>(
      call(apiB, 'GET', queries[3] ?? ''),
    );
    assert.equal(count.data.result[0]?.value[1], String(SERIES));

    // The same dashboards, users, tokens and silences; alert history up to the backup.
    const dashPath = `/api/kansoku/dashboards/${ids.dashboard}`;
    const [dA, dB] = await Promise.all([
      ok(call(api, 'GET', dashPath)),
      ok(call(apiB, 'GET', dashPath)),
    ]);
    assert.deepEqual(dB, dA);
    const [uA, uB] = await Promise.all([
      ok(call(api, 'GET', '/api/kansoku/users')),
      ok(call(apiB, 'GET', '/api/kansoku/users')),
    ]);
    assert.deepEqual(uB, uA);
    const login = await fetch(`${b.base}/api/kansoku/session/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: ALICE_PASSWORD }),
    });
    assert.equal(login.status, 200, 'alice signs in on the restored server');
    const viaReadToken = await call(
      { base: b.base, token: ids.readToken },
      'GET',
      queries[3] ?? '',
    );
    assert.equal(viaReadToken.status, 200, 'the read token works on the restored server');
    await viaReadToken.body?.cancel();
    const silences = await ok<{ id: string; comment: string; status: { state: string } }[]>(
      call(apiB, 'GET', '/api/v2/silences'),
    );
    const s = silences.find((x) => x.id === ids.silence);
    assert.ok(s, JSON.stringify(silences));
    assert.equal(s.comment, 'kept across a restore');
    assert.equal(s.status.state, 'active');
    const history = await ok<{ data: { event: string; labels: Record<string, string> }[] }>(
      call(apiB, 'GET', '/api/kansoku/alerts/history?start=0'),
    );
    assert.ok(
      history.data.some((e) => e.event === 'firing' && e.labels['alertname'] === 'BackupAlways'),
      JSON.stringify(history.data),
    );
  });
});

/** Polls `cond` every 100 ms for up to 15 s. */
async function until(cond: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + 15_000;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met within 15 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}
