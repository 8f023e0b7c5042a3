import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthService } from '../../auth/index.js';
import { DashboardService } from '../../dashboards/index.js';
import { MemMetaStore } from '../../meta/index.js';
import { MemStorage } from '../../storage/index.js';
import { startTestServer, type TestServer } from '../testkit.js';
import { testAuthOptions } from './testkit.js';

const DASHBOARD = {
  uid: 'svc',
  title: 'Service',
  time: { from: 'now-1h', to: 'now' },
  templating: {
    list: [
      { name: 'job', label: 'Job', type: 'custom', current: { value: 'api' } },
      { name: 'q', type: 'query', query: 'label_values(secret_metric, job)' },
    ],
  },
  annotations: {
    list: [
      { builtIn: 1, datasource: '-- Grafana --', name: 'Annotations & Alerts', enable: true },
      { name: 'deploys', enable: true, expr: 'changes(deploy_version{job="$job"}[5m]) > 0' },
    ],
  },
  panels: [
    {
      id: 1,
      type: 'timeseries',
      title: 'Requests',
      targets: [{ refId: 'A', expr: 'rate(http_requests_total{job="$job"}[$__rate_interval])' }],
    },
    { id: 2, type: 'stat', title: 'Secret', targets: [{ refId: 'A', expr: 'secret_metric' }] },
  ],
};

interface View {
  kind: string;
  title: string;
  time: { from: string; to: string };
  panels: { id: number; title: string; targets: { expr: string }[] }[];
  annotations: { list: { name: string; expr: string }[] };
  variables: { name: string; label: string; value: string }[];
  withheld: number;
}

describe('/api/kansoku/share/dashboard', () => {
  let now = Date.now();
  let server: TestServer;
  let auth: AuthService;
  let dashboards: DashboardService;
  let write: string;
  before(async () => {
    auth = new AuthService(new MemMetaStore(), testAuthOptions({ now: () => now }));
    await auth.users.create('editor', 'editor', 'editor-password-1');
    write = (
      await auth.tokens.create({
        name: 'w',
        user: 'editor',
        scopes: ['write'],
        matchers: [],
        expiresAt: 0,
      })
    ).token;
    dashboards = new DashboardService(new MemMetaStore());
    await dashboards.create({ dashboard: DASHBOARD });
    server = await startTestServer(new MemStorage(), { auth, dashboards });
  });
  after(() => server.close());

  const create = async (target: Record<string, unknown>, expires = '') => {
    const r = await fetch(`${server.base}/api/kansoku/shares`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${write}` },
      body: JSON.stringify({
        target: { title: 'x', queries: ['up'], variables: {}, ...target },
        expires,
      }),
    });
    assert.equal(r.status, 200, await r.clone().text());
    return ((await r.json()) as { data: { token: string; info: { id: string } } }).data;
  };
  const view = (token: string) =>
    fetch(`${server.base}/api/kansoku/share/dashboard`, {
      headers: { Authorization: `Bearer ${token}` },
    });
  const read = async (token: string): Promise<View> => {
    const r = await view(token);
    assert.equal(r.status, 200, await r.clone().text());
    return ((await r.json()) as { data: View }).data;
  };

  it('gives a dashboard link the panels and annotations with its variables, nothing else', async () => {
    const { token } = await create({
      kind: 'dashboard',
      dashboard: 'svc',
      variables: { job: 'web' },
    });
    const v = await read(token);
    assert.equal(v.kind, 'dashboard');
    assert.equal(v.title, 'Service');
    assert.deepEqual(v.time, { from: 'now-1h', to: 'now' });
    assert.deepEqual(
      v.panels.map((p) => p.targets[0]?.expr),
      ['rate(http_requests_total{job="web"}[$__rate_interval])', 'secret_metric'],
    );
    assert.deepEqual(v.annotations.list, [
      { name: 'deploys', enable: true, expr: 'changes(deploy_version{job="web"}[5m]) > 0' },
    ]);
    assert.deepEqual(v.variables, [{ name: 'job', label: 'Job', value: 'web' }]);
    assert.deepEqual(Object.keys(v).sort(), [
      'annotations',
      'kind',
      'panels',
      'refresh',
      'time',
      'timezone',
      'title',
      'variables',
      'withheld',
    ]);
    assert.ok(!JSON.stringify(v).includes('label_values'));
    // The annotation query is one the link may run.
    const q = encodeURIComponent('changes(deploy_version{job="web"}[5m]) > 0');
    const r = await fetch(`${server.base}/api/v1/query?query=${q}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(r.status, 200);
  });

  it('gives a panel link only its panel', async () => {
    const { token } = await create({ kind: 'panel', dashboard: 'svc', panel: '1' });
    const v = await read(token);
    assert.equal(v.kind, 'panel');
    assert.equal(v.title, 'Requests');
    assert.deepEqual(
      v.panels.map((p) => [p.id, p.title]),
      [[1, 'Requests']],
    );
    assert.deepEqual(v.annotations.list, []);
    assert.ok(!JSON.stringify(v).includes('secret_metric'));
    const r = await fetch(`${server.base}/api/v1/query?query=secret_metric`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(r.status, 403);
  });

  it('follows edits of the dashboard and withholds queries the link may not run', async () => {
    const { token } = await create({ kind: 'dashboard', dashboard: 'svc' });
    const cur = (await dashboards.get('svc')).dashboard;
    const panels = structuredClone(DASHBOARD.panels);
    panels[0] = { ...panels[0]!, title: 'Requests per second' };
    panels[1] = { ...panels[1]!, targets: [{ refId: 'A', expr: 'other_metric' }] };
    await dashboards.update('svc', { dashboard: { ...cur, panels }, overwrite: true });
    const v = await read(token);
    assert.deepEqual(
      v.panels.map((p) => [p.title, p.targets.length]),
      [
        ['Requests per second', 1],
        ['Secret', 0],
      ],
    );
    assert.equal(v.withheld, 1);
    const edited = (await dashboards.get('svc')).dashboard;
    await dashboards.update('svc', { dashboard: { ...edited, panels: cur.panels } });
  });

  it('refuses revoked and expired links, sessions and tokens', async () => {
    const a = await create({ kind: 'dashboard', dashboard: 'svc' });
    const del = await fetch(`${server.base}/api/kansoku/shares/${a.info.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${write}` },
    });
    assert.equal(del.status, 200);
    assert.equal((await view(a.token)).status, 401);
    const b = await create({ kind: 'dashboard', dashboard: 'svc' }, '1h');
    assert.equal((await view(b.token)).status, 200);
    now += 2 * 3600_000;
    assert.equal((await view(b.token)).status, 401);
    assert.equal((await view(write)).status, 404);
    assert.equal((await fetch(`${server.base}/api/kansoku/share/dashboard`)).status, 401);
  });
});
