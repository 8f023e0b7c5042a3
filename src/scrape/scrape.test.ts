import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import zlib from 'node:zlib';
import { readAll } from '../../test/support/storage.js';
import { Labels, relabelRule } from '../model/index.js';
import { MemStorage } from '../storage/index.js';
import { parsePrometheusConfig, type ScrapeConfig } from '../config/index.js';
import { Logger } from '../util/index.js';
import {
  HTTPClient,
  ScrapeLoop,
  ScrapeManager,
  buildTarget,
  sampleLabels,
  scrapeOffset,
} from './index.js';

/** A test target: each path serves what `pages` holds for it. */
const pages: Record<string, { body: string; type?: string; gzip?: boolean; status?: number }> = {};
let server: http.Server;
let base = '';

before(async () => {
  server = http.createServer((req, res) => {
    const p = pages[req.url ?? ''] ?? { body: 'not found', status: 404 };
    const headers: Record<string, string> = {
      'Content-Type': p.type ?? 'text/plain; version=0.0.4',
    };
    let body: Buffer = Buffer.from(p.body);
    if (p.gzip === true && (req.headers['accept-encoding'] ?? '').includes('gzip')) {
      headers['Content-Encoding'] = 'gzip';
      body = zlib.gzipSync(body);
    }
    res.writeHead(p.status ?? 200, headers);
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.close();
});

function scrapeConfig(extra = ''): ScrapeConfig {
  const cfg = parsePrometheusConfig(`
scrape_configs:
  - job_name: app
    scrape_interval: 15s
    static_configs:
      - targets: ['${base}']
        labels: {env: test}
${extra}
`);
  return cfg.scrapeConfigs[0]!;
}

function loopFor(cfg: ScrapeConfig, storage: MemStorage, metricsPath = '/metrics'): ScrapeLoop {
  const group = { targets: [base], labels: Labels.fromRecord({ env: 'test' }), source: 't' };
  const r = buildTarget({ ...cfg, metricsPath }, group, base);
  assert.ok('target' in r);
  return new ScrapeLoop(r.target, cfg, {
    appendable: storage,
    client: new HTTPClient(cfg.http),
    logger: Logger.nop(),
    userAgent: 'Kansoku-test',
  });
}

describe('buildTarget', () => {
  it('applies defaults, relabeling, instance and params like Prometheus', () => {
    const cfg = parsePrometheusConfig(`
scrape_configs:
  - job_name: node
    metrics_path: /probe
    params: {module: [http_2xx]}
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - target_label: __address__
        replacement: blackbox:9115
      - source_labels: [__param_target]
        target_label: instance
`).scrapeConfigs[0]!;
    const r = buildTarget(
      cfg,
      { targets: [], labels: Labels.fromRecord({ team: 'a' }), source: 's' },
      'example.com',
    );
    assert.ok('target' in r);
    assert.deepEqual(r.target.labels.toRecord(), {
      instance: 'example.com',
      job: 'node',
      team: 'a',
    });
    assert.equal(r.target.url, 'http://blackbox:9115/probe?module=http_2xx&target=example.com');
    assert.equal(r.target.discoveredLabels.get('__address__'), 'example.com');
    assert.equal(r.target.intervalMs, 60_000);
  });

  it('drops targets that relabeling drops', () => {
    const cfg = parsePrometheusConfig(`
scrape_configs:
  - job_name: x
    relabel_configs: [{source_labels: [__address__], regex: 'skip.*', action: drop}]
`).scrapeConfigs[0]!;
    const r = buildTarget(cfg, { targets: [], labels: Labels.EMPTY, source: 's' }, 'skip:1');
    assert.ok('dropped' in r);
  });

  it('spreads offsets within the interval, stable per target', () => {
    const a = scrapeOffset('a', 15_000, 1_000_000);
    assert.ok(a >= 0 && a < 15_000);
    assert.equal(scrapeOffset('a', 15_000, 1_015_000), a);
  });
});

describe('sampleLabels', () => {
  const target = Labels.fromRecord({ job: 'j', instance: 'i' });
  const scraped = Labels.fromRecord({ __name__: 'm', job: 'mine', exported_job: 'x' });
  const limits = { labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 0 };
  it('renames conflicting labels to exported_ without honor_labels', () => {
    const l = sampleLabels(scraped, target, false, [], limits);
    assert.ok(l instanceof Labels);
    assert.deepEqual(l.toRecord(), {
      __name__: 'm',
      exported_exported_job: 'mine',
      exported_job: 'x',
      instance: 'i',
      job: 'j',
    });
  });
  it('keeps scraped values with honor_labels', () => {
    const l = sampleLabels(scraped, target, true, [], limits);
    assert.ok(l instanceof Labels);
    assert.equal(l.get('job'), 'mine');
    assert.equal(l.get('instance'), 'i');
  });
  it('applies metric relabeling and limits', () => {
    const drop = [relabelRule({ action: 'drop', sourceLabels: ['__name__'], regex: 'm' })];
    assert.equal(sampleLabels(scraped, target, false, drop, limits), undefined);
    const r = sampleLabels(scraped, target, false, [], { ...limits, labelLimit: 2 });
    assert.match(String(r), /label_limit exceeded/);
  });
});

describe('ScrapeLoop', () => {
  it('stores samples with target labels, reports, and writes staleness markers', async () => {
    const storage = new MemStorage();
    pages['/m1'] = {
      body: '# HELP reqs Requests.\n# TYPE reqs counter\nreqs{code="200"} 5\nreqs{code="500"} 1\ntemp 21.5\n',
    };
    const loop = loopFor(scrapeConfig(), storage, '/m1');
    await loop.scrapeOnce(1000);
    assert.equal(loop.health, 'up', loop.lastError);
    pages['/m1'] = { body: 'reqs{code="200"} 7\ntemp 22\n' };
    await loop.scrapeOnce(16_000);
    const reqs = await readAll(storage, { __name__: 'reqs' });
    assert.deepEqual(reqs, [
      {
        labels: { __name__: 'reqs', code: '200', env: 'test', instance: base, job: 'app' },
        samples: [
          [1000, 5],
          [16_000, 7],
        ],
      },
      {
        labels: { __name__: 'reqs', code: '500', env: 'test', instance: base, job: 'app' },
        samples: [
          [1000, 1],
          [16_000, 'stale'],
        ],
      },
    ]);
    const up = await readAll(storage, { __name__: 'up' });
    assert.deepEqual(up[0]?.samples, [
      [1000, 1],
      [16_000, 1],
    ]);
    const added = await readAll(storage, { __name__: 'scrape_series_added' });
    assert.deepEqual(added[0]?.samples, [
      [1000, 3],
      [16_000, 0],
    ]);
    assert.deepEqual(loop.metadata.get('reqs'), { type: 'counter', help: 'Requests.', unit: '' });
  });

  it('marks the target down, writes staleness and keeps nothing from a failed scrape', async () => {
    const storage = new MemStorage();
    pages['/m2'] = { body: 'a 1\n' };
    const loop = loopFor(scrapeConfig(), storage, '/m2');
    await loop.scrapeOnce(1000);
    pages['/m2'] = { body: 'a 2\nbroken line here\n' };
    await loop.scrapeOnce(2000);
    assert.equal(loop.health, 'down');
    assert.match(loop.lastError, /parse error: line 2/);
    const a = await readAll(storage, { __name__: 'a' });
    assert.deepEqual(a[0]?.samples, [
      [1000, 1],
      [2000, 'stale'],
    ]);
    const up = await readAll(storage, { __name__: 'up' });
    assert.deepEqual(up[0]?.samples, [
      [1000, 1],
      [2000, 0],
    ]);
  });

  it('enforces sample_limit on the whole scrape', async () => {
    const storage = new MemStorage();
    pages['/m3'] = { body: 'a 1\nb 2\nc 3\n' };
    const loop = loopFor(scrapeConfig('    sample_limit: 2'), storage, '/m3');
    await loop.scrapeOnce(1000);
    assert.equal(loop.health, 'down');
    assert.match(loop.lastError, /sample_limit exceeded/);
    assert.deepEqual(await readAll(storage, { __name__: 'a' }), []);
  });

  it('reads gzip, OpenMetrics and explicit timestamps', async () => {
    const storage = new MemStorage();
    pages['/m4'] = {
      body: '# TYPE x_bytes gauge\n# UNIT x_bytes bytes\nx_bytes 3 2.5\n# EOF\n',
      type: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
      gzip: true,
    };
    const loop = loopFor(scrapeConfig(), storage, '/m4');
    await loop.scrapeOnce(9000);
    assert.equal(loop.health, 'up', loop.lastError);
    const x = await readAll(storage, { __name__: 'x_bytes' });
    assert.deepEqual(x[0]?.samples, [[2500, 3]]);
  });

  it('reports HTTP errors and timeouts', async () => {
    const storage = new MemStorage();
    const loop = loopFor(scrapeConfig(), storage, '/missing');
    await loop.scrapeOnce(1000);
    assert.equal(loop.health, 'down');
    assert.match(loop.lastError, /HTTP status 404/);
  });

  it('never runs two scrapes of one target at once: a slow scrape makes the next tick a missed one', async () => {
    pages['/slow'] = { body: 'x 1\n' };
    let inFlight = 0;
    let most = 0;
    let commits = 0;
    const slow = {
      appender: () => {
        inFlight++;
        most = Math.max(most, inFlight);
        return {
          append: (ref: number) => ref + 1,
          commit: async () => {
            await new Promise((r) => setTimeout(r, 120));
            commits++;
            inFlight--;
          },
          rollback: () => {
            inFlight--;
            return Promise.resolve();
          },
        };
      },
    };
    const cfg = parsePrometheusConfig(
      `scrape_configs:\n  - job_name: slow\n    scrape_interval: 30ms\n    scrape_timeout: 30ms\n    static_configs:\n      - targets: ['${base}']\n`,
    ).scrapeConfigs[0]!;
    const group = { targets: [base], labels: Labels.EMPTY, source: 't' };
    const r = buildTarget({ ...cfg, metricsPath: '/slow' }, group, base);
    assert.ok('target' in r);
    assert.equal(r.target.intervalMs, 30);
    const loop = new ScrapeLoop(r.target, cfg, {
      appendable: slow,
      client: new HTTPClient(cfg.http),
      logger: Logger.nop(),
      userAgent: 'Kansoku-test',
    });
    loop.start(0);
    await new Promise((res) => setTimeout(res, 500));
    await loop.stop(false);
    assert.equal(most, 1, 'one scrape at a time');
    assert.ok(commits >= 2, `commits ${commits}`);
    assert.ok(loop.missed > 0, 'ticks missed while a scrape ran');
  });
});

describe('ScrapeManager', () => {
  it('discovers targets from files, scrapes them, and reloads', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-sd-'));
    const file = path.join(dir, 'targets.json');
    writeFileSync(file, JSON.stringify([{ targets: [base], labels: { team: 'x' } }]));
    pages['/metrics'] = { body: 'hello 1\n' };
    const storage = new MemStorage();
    const m = new ScrapeManager({ appendable: storage, logger: Logger.nop(), userAgent: 't' });
    m.applyConfig(
      parsePrometheusConfig(`
scrape_configs:
  - job_name: files
    file_sd_configs: [{files: ['${dir}/*.json']}]
`),
    );
    for (let i = 0; i < 50 && m.activeTargets().length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    const t = m.activeTargets();
    assert.equal(t.length, 1);
    const first = t[0]!;
    assert.equal(first.labels.get('team'), 'x');
    assert.equal(first.discoveredLabels.get('__meta_filepath'), file);
    await m.scrapeAllNow(5000);
    const hello = await readAll(storage, { __name__: 'hello' });
    assert.deepEqual(hello[0]?.samples, [[5000, 1]]);
    m.applyConfig({ scrapeConfigs: [] });
    assert.equal(m.activeTargets().length, 0);
    await m.stop();
  });
});
