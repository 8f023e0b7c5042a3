import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import client from 'prom-client';
import { Peer, findBinary, freePort, waitHTTP } from '../support/process.js';
import { readAll } from '../support/storage.js';
import { PromTextParser } from '../../src/parsers/index.js';
import { MemStorage } from '../../src/storage/index.js';
import { parsePrometheusConfig } from '../../src/config/index.js';
import { ScrapeManager } from '../../src/scrape/index.js';
import { Logger } from '../../src/util/index.js';
import { Labels } from '../../src/model/index.js';

const NODE_EXPORTER = findBinary('/usr/bin/prometheus-node-exporter', '/usr/bin/node_exporter');

/** Parses an exposition into `labels-string → value` (what a scrape should store). */
function expected(text: string, target: Record<string, string>): Map<string, number> {
  const p = new PromTextParser(text);
  const out = new Map<string, number>();
  while (true) {
    const k = p.next();
    if (k === 'end') break;
    if (k !== 'series') continue;
    const flat = ['__name__', p.metricName(), ...p.labels([])];
    for (const [n, v] of Object.entries(target)) flat.push(n, v);
    out.set(Labels.fromFlatUnsorted(flat).toString(), p.value());
  }
  return out;
}

async function scrapeInto(
  storage: MemStorage,
  job: string,
  address: string,
  ts: number,
): Promise<void> {
  const m = new ScrapeManager({
    appendable: storage,
    logger: Logger.nop(),
    userAgent: 'Kansoku-test',
  });
  m.applyConfig(
    parsePrometheusConfig(`
scrape_configs:
  - job_name: ${job}
    static_configs: [{targets: ['${address}']}]
`),
  );
  for (let i = 0; i < 100 && m.activeTargets().length === 0; i++)
    await new Promise((r) => setTimeout(r, 10));
  await m.scrapeAllNow(ts);
  const t = m.activeTargets()[0];
  assert.equal(t?.health, 'up', t?.lastError);
  await m.stop();
}

describe('scraping real exporters', () => {
  const peers: Peer[] = [];
  after(async () => {
    await Promise.all(peers.map((p) => p.stop()));
  });

  it(
    'scrapes Debian prometheus-node-exporter and stores every sample',
    {
      skip: NODE_EXPORTER
        ? false
        : 'prometheus-node-exporter is not installed (bash .ci/run installs it)',
      timeout: 30_000,
    },
    async () => {
      const port = await freePort();
      const ne = new Peer(NODE_EXPORTER!, [
        `--web.listen-address=127.0.0.1:${port}`,
        '--collector.disable-defaults',
        '--collector.cpu',
        '--collector.meminfo',
        '--collector.loadavg',
        '--collector.filesystem',
        '--collector.netdev',
      ]);
      peers.push(ne);
      await waitHTTP(`http://127.0.0.1:${port}/metrics`);
      const storage = new MemStorage();
      await scrapeInto(storage, 'node', `127.0.0.1:${port}`, 1_700_000_000_000);
      const cpu = await readAll(storage, { __name__: 'node_cpu_seconds_total', mode: 'idle' });
      assert.ok(cpu.length >= 1, 'node_cpu_seconds_total{mode="idle"} stored');
      const first = cpu[0]!;
      assert.equal(first.labels['job'], 'node');
      assert.equal(first.labels['instance'], `127.0.0.1:${port}`);
      const up = await readAll(storage, { __name__: 'scrape_samples_scraped' });
      assert.ok((up[0]?.samples[0]?.[1] as number) > 50);
      // Everything the exporter served (a second fetch: stable names, counts within a few series).
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const want = expected(text, { job: 'node', instance: `127.0.0.1:${port}` });
      const q = await storage.querier(0, 2e12);
      const names = await q.labelValues('__name__', []);
      q.close();
      for (const key of want.keys()) {
        const name = /^[^{]+/.exec(key)?.[0] ?? '';
        assert.ok(names.includes(name), `${name} stored`);
      }
    },
  );

  it(
    'scrapes an application instrumented with prom-client exactly',
    { timeout: 20_000 },
    async () => {
      const registry = new client.Registry();
      const counter = new client.Counter({
        name: 'app_requests_total',
        help: 'Requests.',
        labelNames: ['route', 'code'],
        registers: [registry],
      });
      const hist = new client.Histogram({
        name: 'app_latency_seconds',
        help: 'Latency.',
        buckets: [0.1, 0.5, 1],
        registers: [registry],
      });
      const gauge = new client.Gauge({
        name: 'app_queue_depth',
        help: 'Queue depth.',
        registers: [registry],
      });
      counter.inc({ route: '/a', code: '200' }, 41);
      counter.inc({ route: '/a', code: '200' });
      counter.inc({ route: '/b "quoted"\n', code: '500' }, 2);
      hist.observe(0.05);
      hist.observe(0.7);
      gauge.set(-3.25);
      const server = http.createServer((_req, res) => {
        void registry.metrics().then((m) => {
          res.writeHead(200, { 'Content-Type': registry.contentType });
          res.end(m);
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const text = await registry.metrics();
        const storage = new MemStorage();
        await scrapeInto(storage, 'app', address, 1_700_000_000_000);
        const want = expected(text, { job: 'app', instance: address });
        const got = new Map<string, number>();
        for (const name of [
          'app_requests_total',
          'app_latency_seconds_bucket',
          'app_latency_seconds_sum',
          'app_latency_seconds_count',
          'app_queue_depth',
        ]) {
          for (const s of await readAll(storage, { __name__: name })) {
            got.set(Labels.fromRecord(s.labels).toString(), s.samples[0]?.[1] as number);
          }
        }
        assert.equal(got.size, want.size);
        assert.deepEqual(got, want);
        assert.equal(
          got.get(
            `app_requests_total{code="500", instance="${address}", job="app", route="/b \\"quoted\\"\\n"}`,
          ),
          2,
        );
      } finally {
        server.close();
      }
    },
  );
});
