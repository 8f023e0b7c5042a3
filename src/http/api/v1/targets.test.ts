import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Labels } from '../../../model/index.js';
import { Engine } from '../../../promql/index.js';
import type { ActiveTargetInfo } from '../../../scrape/index.js';
import { MemStorage } from '../../../storage/index.js';
import { startTestServer, type TestServer } from '../../testkit.js';
import type { TargetsView } from './targets.js';

function target(
  job: string,
  instance: string,
  health: 'up' | 'down',
  lastScrape: number,
): ActiveTargetInfo {
  return {
    scrapePool: job,
    discoveredLabels: Labels.fromRecord({ __address__: instance, job }),
    labels: Labels.fromRecord({ instance, job }),
    scrapeUrl: `http://${instance}/metrics`,
    health,
    lastError: health === 'down' ? 'connection refused' : '',
    lastScrape,
    lastScrapeDurationMs: 12,
    scrapeInterval: '15s',
    scrapeTimeout: '10s',
    metadata: new Map([
      ['up_time', { type: 'gauge', help: 'Seconds up.', unit: '' }],
      ['reqs_total', { type: 'counter', help: `Requests of ${job}.`, unit: '' }],
    ]),
  };
}

const view: TargetsView = {
  activeTargets: () => [
    target('api', 'a:1', 'up', 1_700_000_000_000),
    target('db', 'd:1', 'down', 0),
  ],
  droppedTargets: () => [
    { scrapePool: 'db', discoveredLabels: Labels.fromRecord({ __address__: 'x:1', job: 'db' }) },
  ],
  poolNames: () => ['api', 'db'],
};

describe('/api/v1 targets and metadata', () => {
  const storage = new MemStorage();
  let server: TestServer;
  before(async () => {
    server = await startTestServer(storage, {
      apiV1: {
        engine: new Engine(),
        buildInfo: {},
        flags: {},
        runtime: () => ({
          startTime: new Date(0),
          reloadConfigSuccess: true,
          lastConfigTime: new Date(0),
          corruptionCount: 0,
          storageRetention: '15d',
        }),
        queryTimeoutMs: 1000,
        targets: () => view,
        configYaml: () => 'global: {}\n',
      },
    });
  });
  after(async () => {
    await server.close();
    await storage.close();
  });

  async function data(path: string): Promise<unknown> {
    const res = await fetch(server.base + path);
    assert.equal(res.status, 200, path);
    return ((await res.json()) as { data: unknown }).data;
  }

  it('lists scrape pools', async () => {
    assert.deepEqual(await data('/api/v1/scrape_pools'), { scrapePools: ['api', 'db'] });
  });

  it('lists targets in Prometheus shape, filtered by state and pool', async () => {
    const all = (await data('/api/v1/targets')) as {
      activeTargets: Record<string, unknown>[];
      droppedTargets: unknown[];
    };
    assert.equal(all.activeTargets.length, 2);
    assert.deepEqual(all.activeTargets[0], {
      discoveredLabels: { __address__: 'a:1', job: 'api' },
      labels: { instance: 'a:1', job: 'api' },
      scrapePool: 'api',
      scrapeUrl: 'http://a:1/metrics',
      globalUrl: 'http://a:1/metrics',
      lastError: '',
      lastScrape: '2023-11-14T22:13:20.000Z',
      lastScrapeDuration: 0.012,
      health: 'up',
      scrapeInterval: '15s',
      scrapeTimeout: '10s',
    });
    assert.equal(all.activeTargets[1]!['lastScrape'], '0001-01-01T00:00:00Z');
    assert.deepEqual(all.droppedTargets, [
      { discoveredLabels: { __address__: 'x:1', job: 'db' }, scrapePool: 'db' },
    ]);
    const active = (await data('/api/v1/targets?state=active&scrapePool=db')) as {
      activeTargets: { scrapePool: string }[];
      droppedTargets: unknown[];
    };
    assert.deepEqual(
      active.activeTargets.map((t) => t.scrapePool),
      ['db'],
    );
    assert.deepEqual(active.droppedTargets, []);
  });

  it('answers target metadata', async () => {
    assert.deepEqual(
      await data('/api/v1/targets/metadata?metric=reqs_total&match_target={job="db"}'),
      [
        {
          target: { instance: 'd:1', job: 'db' },
          type: 'counter',
          help: 'Requests of db.',
          unit: '',
        },
      ],
    );
    const all = (await data('/api/v1/targets/metadata?limit=1')) as { metric: string }[];
    assert.deepEqual(
      all.map((x) => x.metric),
      ['up_time', 'reqs_total'],
    );
  });

  it('answers metric metadata merged over targets', async () => {
    assert.deepEqual(await data('/api/v1/metadata'), {
      reqs_total: [
        { type: 'counter', help: 'Requests of api.', unit: '' },
        { type: 'counter', help: 'Requests of db.', unit: '' },
      ],
      up_time: [{ type: 'gauge', help: 'Seconds up.', unit: '' }],
    });
    assert.deepEqual(await data('/api/v1/metadata?limit=1&limit_per_metric=1'), {
      reqs_total: [{ type: 'counter', help: 'Requests of api.', unit: '' }],
    });
  });

  it('answers the empty endpoints and the configuration', async () => {
    assert.deepEqual(await data('/api/v1/rules'), { groups: [] });
    assert.deepEqual(await data('/api/v1/alerts'), { alerts: [] });
    assert.deepEqual(await data('/api/v1/query_exemplars?query=up'), []);
    assert.deepEqual(await data('/api/v1/status/config'), { yaml: 'global: {}\n' });
  });
});
