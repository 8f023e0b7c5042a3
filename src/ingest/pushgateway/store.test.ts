import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { readAll } from '../../../test/support/storage.js';
import { LimitError } from '../../model/index.js';
import { MemStorage } from '../../storage/index.js';
import { IngestPipeline } from '../pipeline.js';
import {
  PushStore,
  PushStoreError,
  defaultPushStoreOptions,
  handlePush,
  pushGroupsFile,
  type PushStoreOptions,
} from './index.js';

const T0 = 1_700_000_000_000;

async function setup(o: Partial<PushStoreOptions> = {}, storage = new MemStorage()) {
  const store = await PushStore.open(new IngestPipeline(storage), {
    ...defaultPushStoreOptions(),
    ...o,
  });
  const call = (method: string, url: string, body = '', now = T0) => {
    const u = new URL(url, 'http://localhost');
    return handlePush(store, { method, path: u.pathname, body, query: u.searchParams, now });
  };
  return { store, storage, call };
}

const tmpDirs: string[] = [];
after(async () => {
  for (const d of tmpDirs) await rm(d, { recursive: true, force: true });
});

describe('push groups', () => {
  it('stores a push with the grouping labels overriding pushed labels, and push times', async () => {
    const { storage, call } = await setup();
    const r = await call(
      'PUT',
      '/metrics/job/backup/instance/db1',
      '# TYPE last_ok gauge\nlast_ok{job="other",instance="x",kind="full"} 42\nplain 1\n',
    );
    assert.deepEqual(r, { status: 200, body: '', headers: {} });
    assert.deepEqual(await readAll(storage, { __name__: 'last_ok' }), [
      {
        labels: { __name__: 'last_ok', instance: 'db1', job: 'backup', kind: 'full' },
        samples: [[T0, 42]],
      },
    ]);
    assert.deepEqual(await readAll(storage, { __name__: 'push_time_seconds' }), [
      {
        labels: { __name__: 'push_time_seconds', instance: 'db1', job: 'backup' },
        samples: [[T0, T0 / 1000]],
      },
    ]);
    assert.deepEqual(
      (await readAll(storage, { __name__: 'push_failure_time_seconds' }))[0]?.samples,
      [[T0, 0]],
    );
  });

  it('PUT replaces the group, POST only the pushed families; removed series go stale', async () => {
    const { storage, call } = await setup();
    await call('PUT', '/metrics/job/j', '# TYPE a counter\na_total 1\nb 2\nc{x="1"} 3\n');
    await call('POST', '/metrics/job/j', 'b 20\n', T0 + 1000);
    await call('POST', '/metrics/job/j', 'c{x="2"} 30\n', T0 + 2000);
    await call('PUT', '/metrics/job/j', 'd 4\n', T0 + 3000);
    const a = await readAll(storage, { __name__: 'a_total' });
    assert.deepEqual(a[0]?.samples, [
      [T0, 1],
      [T0 + 1000, 1],
      [T0 + 2000, 1],
      [T0 + 3000, 'stale'],
    ]);
    assert.deepEqual((await readAll(storage, { __name__: 'b' }))[0]?.samples, [
      [T0, 2],
      [T0 + 1000, 20],
      [T0 + 2000, 20],
      [T0 + 3000, 'stale'],
    ]);
    const c = await readAll(storage, { __name__: 'c' });
    assert.deepEqual(
      c.map((s) => [s.labels['x'], s.samples]),
      [
        [
          '1',
          [
            [T0, 3],
            [T0 + 1000, 3],
            [T0 + 2000, 'stale'],
          ],
        ],
        [
          '2',
          [
            [T0 + 2000, 30],
            [T0 + 3000, 'stale'],
          ],
        ],
      ],
    );
    assert.deepEqual((await readAll(storage, { __name__: 'd' }))[0]?.samples, [[T0 + 3000, 4]]);
    // An empty PUT empties the group but keeps it (and updates its push time).
    assert.equal((await call('PUT', '/metrics/job/j', '', T0 + 4000)).status, 200);
    assert.deepEqual((await readAll(storage, { __name__: 'd' }))[0]?.samples.at(-1), [
      T0 + 4000,
      'stale',
    ]);
    assert.deepEqual(
      (await readAll(storage, { __name__: 'push_time_seconds' }))[0]?.samples.at(-1),
      [T0 + 4000, (T0 + 4000) / 1000],
    );
  });

  it('DELETE drops the group with staleness markers and answers 202', async () => {
    const { store, storage, call } = await setup();
    await call('PUT', '/metrics/job/j/a/1', 'm 1\n');
    await call('PUT', '/metrics/job/j/a/2', 'm 2\n');
    assert.equal((await call('DELETE', '/metrics/job/j/a/1', '', T0 + 5)).status, 202);
    assert.equal((await call('DELETE', '/metrics/job/nothing', '', T0 + 5)).status, 202);
    const m = await readAll(storage, { __name__: 'm' });
    assert.deepEqual(
      m.map((s) => s.samples),
      [
        [
          [T0, 1],
          [T0 + 5, 'stale'],
        ],
        [[T0, 2]],
      ],
    );
    const pt = await readAll(storage, { __name__: 'push_time_seconds', a: '1' });
    assert.deepEqual(pt[0]?.samples.at(-1), [T0 + 5, 'stale']);
    assert.deepEqual(
      store.list().map((g) => g.labels),
      [
        [
          ['a', '2'],
          ['job', 'j'],
        ],
      ],
    );
  });

  it('refuses timestamps, duplicates and type conflicts and records the failure time', async () => {
    const { store, storage, call } = await setup();
    const ts = await call('PUT', '/metrics/job/j', 'm 1 1000\n');
    assert.deepEqual(ts.status, 400);
    assert.equal(
      ts.body,
      'pushed metrics are invalid or inconsistent with existing metrics: pushed metrics must not have timestamps\n',
    );
    assert.deepEqual(store.list()[0], {
      labels: [['job', 'j']],
      families: [],
      pushTimeMs: 0,
      failureTimeMs: T0,
      ttlMs: 0,
    });
    assert.deepEqual(
      (await readAll(storage, { __name__: 'push_failure_time_seconds' }))[0]?.samples,
      [[T0, T0 / 1000]],
    );
    const dup = await call('PUT', '/metrics/job/k', 'm{a="1"} 1\nm{a="1"} 2\n');
    assert.match(dup.body, /was pushed more than once/);
    await call('PUT', '/metrics/job/x', '# TYPE shared counter\nshared 1\n');
    const clash = await call('PUT', '/metrics/job/y', '# TYPE shared gauge\nshared 1\n');
    assert.match(clash.body, /metric shared has type gauge but is counter in another group/);
    await call('PUT', '/metrics/job/x/a/1', 'same 1\n');
    const twice = await call('PUT', '/metrics/job/x', 'same{a="1"} 1\n');
    assert.match(twice.body, /is already pushed by another group/);
    const syntax = await call('PUT', '/metrics/job/z', 'm{ 1\n');
    assert.equal(syntax.status, 400);
    assert.match(syntax.body, /^line 1, column/);
    assert.ok(!store.list().some((g) => g.labels.some(([, v]) => v === 'z')));
  });

  it('answers 400 for bad paths and ttl, 405 for other methods, and limits the groups', async () => {
    const { store, call } = await setup({ maxGroups: 1 });
    assert.equal((await call('PUT', '/metrics/job/j/odd')).status, 400);
    assert.match((await call('PUT', '/metrics/job/j?ttl=soon')).body, /invalid ttl/);
    const get = await call('GET', '/metrics/job/j');
    assert.deepEqual(get, {
      status: 405,
      body: 'method not allowed\n',
      headers: { Allow: 'PUT, POST, DELETE' },
    });
    const proto = await handlePush(store, {
      method: 'PUT',
      path: '/metrics/job/j',
      body: '',
      query: new URLSearchParams(),
      now: T0,
      contentType:
        'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited',
    });
    assert.equal(proto.status, 415);
    assert.equal((await call('PUT', '/metrics/job/j', 'a 1\n')).status, 200);
    await assert.rejects(
      call('PUT', '/metrics/job/k', 'a 1\n'),
      (e: unknown) => e instanceof LimitError && /--push.max-groups/.test(e.message),
    );
  });

  it('re-appends live groups on every tick and drops groups whose ttl ran out', async () => {
    const { store, storage, call } = await setup();
    await call('PUT', '/metrics/job/short?ttl=1m', 'm 1\n');
    await call('PUT', '/metrics/job/long', 'm 2\n');
    assert.equal(store.list()[1]!.ttlMs, 60_000);
    await store.tick(T0 + 15_000);
    await store.tick(T0 + 60_000);
    await store.tick(T0 + 75_000);
    const m = await readAll(storage, { __name__: 'm' });
    assert.deepEqual(
      m.map((s) => [s.labels['job'], s.samples]),
      [
        [
          'long',
          [
            [T0, 2],
            [T0 + 15_000, 2],
            [T0 + 60_000, 2],
            [T0 + 75_000, 2],
          ],
        ],
        [
          'short',
          [
            [T0, 1],
            [T0 + 15_000, 1],
            [T0 + 60_000, 'stale'],
          ],
        ],
      ],
    );
    assert.equal(store.list().length, 1);
    await call('POST', '/metrics/job/long?ttl=30s', 'm 3\n', T0 + 80_000);
    assert.equal(store.list()[0]!.ttlMs, 30_000);
    await call('POST', '/metrics/job/long', 'm 3\n', T0 + 81_000);
    assert.equal(store.list()[0]!.ttlMs, 30_000);
    await call('POST', '/metrics/job/long?ttl=0', 'm 3\n', T0 + 82_000);
    assert.equal(store.list()[0]!.ttlMs, 0);
  });

  it('runs the interval between start and stop', async () => {
    const { store, storage, call } = await setup({ intervalMs: 10 });
    await call('PUT', '/metrics/job/j', 'm 1\n');
    let now = T0;
    store.start(() => (now += 1000));
    const count = async () => (await readAll(storage, { __name__: 'm' }))[0]!.samples.length;
    const deadline = Date.now() + 5000;
    while ((await count()) < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await store.stop();
    const n = await count();
    assert.ok(n >= 3, `only ${n} samples`);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(await count(), n, 'the interval stopped');
  });

  it('keeps the groups in a file across restarts', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kansoku-push-'));
    tmpDirs.push(dir);
    const file = pushGroupsFile(dir);
    assert.equal(file, path.join(dir, 'pushgateway', 'groups.json'));
    const storage = new MemStorage();
    const first = await setup({ file }, storage);
    await first.call(
      'PUT',
      '/metrics/job@base64/L3Zhcg/a/1?ttl=1h',
      '# HELP m help\n# TYPE m gauge\nm{x="y"} NaN\nn +Inf\n',
    );
    await first.call('POST', '/metrics/job@base64/L3Zhcg/a/1', 'n 3\n', T0 + 1);
    await first.store.stop();
    const doc = JSON.parse(await readFile(file, 'utf8')) as { version: number };
    assert.equal(doc.version, 1);
    const second = await setup({ file }, storage);
    const before = first.store.list();
    const after = second.store.list();
    assert.equal(after.length, 1);
    assert.deepEqual(after[0]!.labels, before[0]!.labels);
    assert.equal(after[0]!.ttlMs, 3_600_000);
    assert.equal(after[0]!.pushTimeMs, T0 + 1);
    const m = after[0]!.families.find((f) => f.name === 'm')!;
    assert.equal(m.help, 'help');
    assert.ok(Number.isNaN(m.values[0]));
    // The restarted store knows what was written and marks it stale when the group expires.
    await second.store.tick(T0 + 3_600_001);
    assert.deepEqual((await readAll(storage, { __name__: 'n' }))[0]?.samples.at(-1), [
      T0 + 3_600_001,
      'stale',
    ]);
    assert.deepEqual(second.store.list(), []);
  });

  it('does not apply a push or delete it cannot save', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kansoku-push-'));
    tmpDirs.push(dir);
    const sub = path.join(dir, 'sub');
    const { store, call } = await setup({ file: path.join(sub, 'groups.json') });
    assert.equal((await call('PUT', '/metrics/job/j', 'm 1\n')).status, 200);
    await rm(sub, { recursive: true });
    await writeFile(sub, 'not a directory');
    await assert.rejects(call('PUT', '/metrics/job/j', 'm 2\n', T0 + 1), PushStoreError);
    await assert.rejects(call('PUT', '/metrics/job/k', 'm 2\n', T0 + 1), PushStoreError);
    await assert.rejects(call('DELETE', '/metrics/job/j', '', T0 + 1), PushStoreError);
    const groups = store.list();
    assert.equal(groups.length, 1);
    assert.equal(groups[0]!.pushTimeMs, T0);
    assert.equal(groups[0]!.families[0]!.values[0], 1);
  });

  it('refuses a corrupt groups file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kansoku-push-'));
    tmpDirs.push(dir);
    const file = path.join(dir, 'groups.json');
    await writeFile(file, '{"version":1,"groups":[{"labels":[],"families":[{}]}]}');
    await assert.rejects(
      setup({ file }),
      (e: unknown) => e instanceof PushStoreError && /cannot load push groups/.test(e.message),
    );
  });
});
