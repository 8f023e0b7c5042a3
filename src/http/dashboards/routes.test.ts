import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DashboardService } from '../../dashboards/index.js';
import { MemMetaStore } from '../../meta/index.js';
import { MemStorage } from '../../storage/index.js';
import { startTestServer, type TestServer } from '../testkit.js';

describe('dashboard routes', () => {
  let server: TestServer;
  const call = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${server.base}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  before(async () => {
    server = await startTestServer(new MemStorage(), {
      dashboards: new DashboardService(new MemMetaStore()),
    });
  });
  after(async () => {
    await server.close();
  });

  it('answers 404, 400 with a path, and bad JSON in the envelope', async () => {
    const missing = await call('GET', '/api/kansoku/dashboards/nope');
    assert.equal(missing.status, 404);
    assert.deepEqual([missing.json['status'], missing.json['errorType']], ['error', 'not_found']);
    const bad = await call('POST', '/api/kansoku/dashboards', { dashboard: { title: '' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.json['path'], 'dashboard.title');
    const res = await fetch(`${server.base}/api/kansoku/dashboards`, {
      method: 'POST',
      body: '{nope',
    });
    assert.equal(res.status, 400);
    assert.match(
      ((await res.json()) as { error: string }).error,
      /cannot parse request body as JSON/,
    );
    assert.equal((await call('GET', '/api/kansoku/dashboards/x/versions/zero')).status, 400);
  });

  it('serves folders, duplicates, versions and exports', async () => {
    const folder = await call('POST', '/api/kansoku/folders', { title: 'Ops', uid: 'ops' });
    assert.equal(folder.status, 200);
    const created = await call('POST', '/api/kansoku/dashboards', {
      dashboard: { uid: 'd1', title: 'One' },
      folder: 'ops',
    });
    assert.equal(created.status, 200);
    const dup = await call('POST', '/api/kansoku/dashboards/d1/duplicate', { title: 'Two' });
    assert.equal((dup.json['data'] as { dashboard: { title: string } }).dashboard.title, 'Two');
    const list = await call('GET', '/api/kansoku/dashboards?folder=ops');
    assert.deepEqual(
      (list.json['data'] as { title: string }[]).map((d) => d.title),
      ['One', 'Two'],
    );
    const v1 = await call('GET', '/api/kansoku/dashboards/d1/versions/1');
    assert.equal((v1.json['data'] as { dashboard: { title: string } }).dashboard.title, 'One');
    const ex = await fetch(`${server.base}/api/kansoku/dashboards/d1/export`);
    assert.equal(ex.headers.get('content-disposition'), 'inline; filename="One.json"');
    assert.equal(((await ex.json()) as { id: unknown }).id, null);
    assert.equal((await call('DELETE', '/api/kansoku/folders/ops')).status, 409);
    const search = (await (
      await fetch(`${server.base}/api/search?folderUIDs=ops&type=dash-db`)
    ).json()) as { folderTitle: string }[];
    assert.deepEqual(
      search.map((s) => s.folderTitle),
      ['Ops', 'Ops'],
    );
    const folderId = (search[0] as unknown as { folderId: number }).folderId;
    const saved = await call('POST', '/api/dashboards/db', {
      dashboard: { uid: 'g1', title: 'G' },
      folderId,
    });
    assert.equal(saved.json['status'], 'success');
    assert.equal(
      (await call('GET', '/api/kansoku/dashboards/g1')).json['data'] !== undefined,
      true,
    );
    const meta = (await call('GET', '/api/dashboards/uid/g1')).json['meta'] as {
      folderUid: string;
    };
    assert.equal(meta.folderUid, 'ops');
    assert.equal((await call('DELETE', '/api/kansoku/dashboards/d1')).status, 200);
    const grafana404 = await call('GET', '/api/dashboards/uid/d1');
    assert.deepEqual([grafana404.status, grafana404.json['message']], [404, 'Dashboard not found']);
  });
});
