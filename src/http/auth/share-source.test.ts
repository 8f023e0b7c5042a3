import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthError } from '../../auth/index.js';
import { DashboardService } from '../../dashboards/index.js';
import { MemMetaStore } from '../../meta/index.js';
import { sharedQueries, substitute } from './share-source.js';

const DASHBOARD = {
  uid: 'svc',
  title: 'Service',
  templating: {
    list: [
      { name: 'job', type: 'custom', current: { value: 'api' } },
      { name: 'env', type: 'custom' },
    ],
  },
  panels: [
    {
      id: 1,
      type: 'timeseries',
      title: 'Requests',
      targets: [
        { expr: 'sum(rate(http_requests_total{job="$job",env="${env}"}[$__rate_interval]))' },
      ],
    },
    { id: 2, type: 'stat', title: 'Up', targets: [{ expr: 'up{job="[[job]]"}' }] },
  ],
};

describe('share link queries from the stored dashboard', () => {
  it('substitutes the link variables and keeps the time variables', async () => {
    const svc = new DashboardService(new MemMetaStore());
    await svc.create({ dashboard: DASHBOARD });
    const all = await sharedQueries(svc, 'svc', undefined, { env: 'prod' });
    assert.equal(all.title, 'Service');
    assert.deepEqual(all.queries, [
      'sum(rate(http_requests_total{job="api",env="prod"}[$__rate_interval]))',
      'up{job="api"}',
    ]);
    const one = await sharedQueries(svc, 'svc', '2', { job: 'web', env: 'x' });
    assert.deepEqual(one, { title: 'Up', queries: ['up{job="web"}'] });
  });

  it('refuses unknown dashboards, panels and variables without a value', async () => {
    const svc = new DashboardService(new MemMetaStore());
    await svc.create({ dashboard: DASHBOARD });
    const status = (e: unknown) => (e instanceof AuthError ? e.status : 0);
    await assert.rejects(sharedQueries(svc, 'nope', undefined, {}), (e) => status(e) === 404);
    await assert.rejects(sharedQueries(svc, 'svc', '9', {}), (e) => status(e) === 404);
    await assert.rejects(sharedQueries(svc, 'svc', '1', {}), (e) => status(e) === 400);
  });

  it('substitutes every variable syntax', () => {
    const v = (n: string) => ({ a: 'x' })[n];
    assert.equal(
      substitute('$a ${a} ${a:regex} [[a]] $__interval ${__range}', v),
      'x x x x $__interval $__range',
    );
  });
});
