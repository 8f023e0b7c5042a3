/**
 * Dashboards through a real server process: create, edit, version history and restore, Grafana
 * import and the Grafana-compatible API, the cardinality explorer, a restart that keeps
 * everything, and a provisioning directory with write-back.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PEER_SUITES } from '../support/paths.js';
import {
  makeTemp,
  removeTemp,
  startKansoku,
  waitFor200,
  type KansokuProcess,
} from './server-harness.js';

interface Envelope {
  status: string;
  data?: unknown;
  error?: string;
  path?: string;
  reason?: string;
}

async function call(
  base: string,
  method: string,
  p: string,
  body?: unknown,
): Promise<{ status: number; json: Envelope }> {
  const res = await fetch(`${base}${p}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  });
  return { status: res.status, json: (await res.json()) as Envelope };
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it expects
function data<T>(r: { status: number; json: Envelope }): T {
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.data as T;
}

interface Saved {
  dashboard: { uid: string; title: string; version: number };
  meta: { version: number; provisioned: boolean; editable: boolean; file?: string };
}

describe('dashboards end to end', () => {
  let tmp = '';
  let dataDir = '';
  let provDir = '';
  let server: KansokuProcess | undefined;
  let uid = '';

  const start = async (extra: string[]): Promise<KansokuProcess> => {
    const s = await startKansoku(dataDir, [
      `--dashboards.dir=${provDir}`,
      '--dashboards.rescan-interval=0s',
      ...extra,
    ]);
    assert.equal(await waitFor200(`${s.base}/-/ready`), 200);
    return s;
  };

  before(async () => {
    tmp = await makeTemp();
    dataDir = path.join(tmp, 'data');
    provDir = path.join(tmp, 'dashboards');
    await mkdir(path.join(provDir, 'team'), { recursive: true });
    await writeFile(
      path.join(provDir, 'team', 'prov.json'),
      JSON.stringify({
        uid: 'prov',
        title: 'Provisioned',
        schemaVersion: 16,
        rows: [{ panels: [{ type: 'singlestat', span: 12, targets: [{ expr: 'up' }] }] }],
      }),
    );
    server = await start(['--dashboards.write-back']);
  });

  after(async () => {
    await server?.stop();
    await removeTemp(tmp);
  });

  it('creates, edits with version checks, keeps history and restores', async () => {
    const base = server?.base ?? '';
    const created = data<Saved>(
      await call(base, 'POST', '/api/kansoku/dashboards', {
        dashboard: {
          title: 'E2E',
          tags: ['e2e'],
          panels: [
            {
              type: 'timeseries',
              title: 'Up',
              gridPos: { x: 0, y: 0, w: 12, h: 8 },
              targets: [{ refId: 'A', expr: 'up' }],
            },
          ],
        },
        message: 'first',
      }),
    );
    uid = created.dashboard.uid;
    assert.equal(created.meta.version, 1);
    const edited = data<Saved>(
      await call(base, 'PUT', `/api/kansoku/dashboards/${uid}`, {
        dashboard: { ...created.dashboard, title: 'E2E edited' },
        version: 1,
        message: 'rename',
      }),
    );
    assert.equal(edited.meta.version, 2);
    const stale = await call(base, 'PUT', `/api/kansoku/dashboards/${uid}`, {
      dashboard: created.dashboard,
      version: 1,
    });
    assert.equal(stale.status, 409);
    assert.equal(stale.json.reason, 'version-mismatch');
    assert.match(stale.json.error ?? '', /changed meanwhile/);
    const bad = await call(base, 'POST', '/api/kansoku/dashboards', {
      dashboard: { title: 'x', panels: [{ type: 'stat', gridPos: { x: 0, y: 0, w: 0, h: 1 } }] },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.path, 'dashboard.panels[0].gridPos.w');
    const versions = data<{ version: number; message: string }[]>(
      await call(base, 'GET', `/api/kansoku/dashboards/${uid}/versions`),
    );
    assert.deepEqual(
      versions.map((v) => [v.version, v.message]),
      [
        [2, 'rename'],
        [1, 'first'],
      ],
    );
    const restored = data<Saved>(
      await call(base, 'POST', `/api/kansoku/dashboards/${uid}/versions/1/restore`),
    );
    assert.equal(restored.meta.version, 3);
    assert.equal(restored.dashboard.title, 'E2E');
    const list = data<{ uid: string }[]>(
      await call(base, 'GET', '/api/kansoku/dashboards?tag=e2e'),
    );
    assert.deepEqual(
      list.map((d) => d.uid),
      [uid],
    );
  });

  it('imports Grafana JSON and serves the Grafana-compatible API', async () => {
    const base = server?.base ?? '';
    const file = path.join(
      PEER_SUITES,
      'grafana-dashboards',
      'risingstack-nodejs',
      'grafana-dashboard.json',
    );
    const source: unknown = existsSync(file)
      ? JSON.parse(await readFile(file, 'utf8'))
      : {
          title: 'Old',
          rows: [{ panels: [{ type: 'graph', span: 12, targets: [{ expr: 'up' }] }] }],
        };
    const imported = data<{ uid: string; version: number; warnings: unknown[] }>(
      await call(base, 'POST', '/api/kansoku/dashboards/import', { dashboard: source }),
    );
    assert.equal(imported.version, 1);
    const exported = await fetch(`${base}/api/kansoku/dashboards/${imported.uid}/export`);
    const ex = (await exported.json()) as { __inputs: { name: string }[] };
    assert.deepEqual(
      ex.__inputs.map((i) => i.name),
      ['DS_PROMETHEUS'],
    );

    const saved = (await (
      await fetch(`${base}/api/dashboards/db`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          dashboard: { uid: 'graf', title: 'Via Grafana API', panels: [] },
          overwrite: false,
        }),
      })
    ).json()) as { status: string; uid: string; version: number };
    assert.deepEqual([saved.status, saved.uid, saved.version], ['success', 'graf', 1]);
    const conflict = await fetch(`${base}/api/dashboards/db`, {
      method: 'POST',
      body: JSON.stringify({ dashboard: { uid: 'graf', title: 'Again', version: 7 } }),
    });
    assert.equal(conflict.status, 412);
    const search = (await (
      await fetch(`${base}/api/search?type=dash-db&query=grafana`)
    ).json()) as { uid: string; type: string }[];
    assert.deepEqual(
      search.map((s) => [s.uid, s.type]),
      [['graf', 'dash-db']],
    );
    const byUid = (await (await fetch(`${base}/api/dashboards/uid/graf`)).json()) as {
      dashboard: { title: string };
      meta: { version: number };
    };
    assert.equal(byUid.dashboard.title, 'Via Grafana API');
    assert.equal(
      (await fetch(`${base}/api/dashboards/uid/graf`, { method: 'DELETE' })).status,
      200,
    );
    assert.equal((await fetch(`${base}/api/dashboards/uid/graf`)).status, 404);
  });

  it('loads the provisioning directory and writes edits back to the file', async () => {
    const base = server?.base ?? '';
    const got = data<Saved>(await call(base, 'GET', '/api/kansoku/dashboards/prov'));
    assert.deepEqual(
      [got.meta.provisioned, got.meta.editable, got.meta.file],
      [true, true, 'team/prov.json'],
    );
    const folders = data<{ title: string }[]>(await call(base, 'GET', '/api/kansoku/folders'));
    assert.deepEqual(
      folders.map((f) => f.title),
      ['team'],
    );
    data<Saved>(
      await call(base, 'PUT', '/api/kansoku/dashboards/prov', {
        dashboard: { ...got.dashboard, title: 'Provisioned, edited' },
        version: got.meta.version,
      }),
    );
    const text = await readFile(path.join(provDir, 'team', 'prov.json'), 'utf8');
    assert.equal((JSON.parse(text) as { title: string }).title, 'Provisioned, edited');
  });

  it('reports cardinality and metrics no dashboard uses', async () => {
    const base = server?.base ?? '';
    let card:
      | {
          numSeries: number;
          seriesCountByMetricName: { name: string }[];
          unused: { name: string }[];
          dashboardsScanned: number;
        }
      | undefined;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      card = data(await call(base, 'GET', '/api/kansoku/cardinality?limit=10000'));
      if ((card?.numSeries ?? 0) > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(card && card.numSeries > 0, 'the self-scrape wrote series');
    assert.ok(card.dashboardsScanned >= 2);
    const unused = new Set(card.unused.map((u) => u.name));
    assert.ok(!unused.has('up'), '"up" is used by a dashboard');
    assert.ok(unused.size > 0);
    assert.equal((await call(base, 'GET', '/api/kansoku/cardinality?limit=0')).status, 400);
  });

  it('keeps dashboards and history across a restart; provisioned ones are read-only without write-back', async () => {
    await server?.stop();
    server = await start([]);
    const base = server.base;
    const got = data<Saved>(await call(base, 'GET', `/api/kansoku/dashboards/${uid}`));
    assert.equal(got.meta.version, 3);
    assert.equal(
      data<unknown[]>(await call(base, 'GET', `/api/kansoku/dashboards/${uid}/versions`)).length,
      3,
    );
    const prov = data<Saved>(await call(base, 'GET', '/api/kansoku/dashboards/prov'));
    assert.equal(prov.dashboard.title, 'Provisioned, edited');
    assert.equal(prov.meta.editable, false);
    const refused = await call(base, 'PUT', '/api/kansoku/dashboards/prov', {
      dashboard: prov.dashboard,
    });
    assert.equal(refused.status, 403);
    assert.match(refused.json.error ?? '', /--dashboards.write-back/);
  });
});
