import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { parsePrometheusConfig, type ScrapeConfig } from '../config/index.js';
import { isStaleNaN, Labels } from '../model/index.js';
import type { Appendable, Appender, SeriesRef } from '../storage/index.js';
import { Logger } from '../util/index.js';
import { SeriesCache } from './cache.js';
import { HTTPClient, ScrapeLoop, buildTarget } from './index.js';

/** What the test target serves next. */
let page = { body: '', type: 'text/plain; version=0.0.4' };
let server: http.Server;
let base = '';

before(async () => {
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': page.type });
    res.end(page.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.close();
});

/** Records committed samples as `labels t value` lines (report series left out). */
class Recorder implements Appendable {
  committed: string[] = [];
  private nextRef = 1;
  private readonly refs = new Map<string, SeriesRef>();
  appender(): Appender {
    const pending: string[] = [];
    return {
      append: (ref, labels, t, v) => {
        const l = labels.toString();
        let r = this.refs.get(l);
        if (r === undefined) this.refs.set(l, (r = this.nextRef++));
        assert.ok(ref === 0 || ref === r, `stale ref ${ref} for ${l}`);
        const name = labels.metricName();
        if (name !== 'up' && !name.startsWith('scrape_')) {
          pending.push(`${l} ${t} ${isStaleNaN(v) ? 'stale' : String(v)}`);
        }
        return r;
      },
      commit: () => {
        this.committed.push(...pending);
        return Promise.resolve();
      },
      rollback: () => Promise.resolve(),
    };
  }
  take(): string[] {
    const out = this.committed.sort();
    this.committed = [];
    return out;
  }
}

const CONFIGS: Record<string, string> = {
  plain: '',
  honor: '    honor_labels: true',
  relabel: `    metric_relabel_configs:
      - source_labels: [__name__]
        regex: drop_.*
        action: drop
      - regex: x
        action: labeldrop`,
  limit: '    label_limit: 6',
};

function configFor(name: string): ScrapeConfig {
  return parsePrometheusConfig(`
scrape_configs:
  - job_name: app
    static_configs:
      - targets: ['${base}']
        labels: {env: test}
${CONFIGS[name] ?? ''}
`).scrapeConfigs[0]!;
}

function loopFor(cfg: ScrapeConfig, store: Appendable): ScrapeLoop {
  const group = { targets: [base], labels: Labels.fromRecord({ env: 'test' }), source: 't' };
  const r = buildTarget(cfg, group, base);
  assert.ok('target' in r);
  return new ScrapeLoop(r.target, cfg, {
    appendable: store,
    client: new HTTPClient(cfg.http),
    logger: Logger.nop(),
    userAgent: 'Kansoku-test',
  });
}

/** Series texts, including different texts of one label set and lines that fail a limit. */
const POOL = [
  'foo',
  'foo{a="1"}',
  'foo{a="1",}',
  'foo {a="1"}',
  'foo{a="2"}',
  'foo{x="1"}',
  'foo{x="2"}',
  'drop_me{a="1"}',
  'bar{job="x"}',
  'bar{instance="i",a="b",c="d"}',
  '{"my.metric"}',
  'baz_total{le="+Inf"}',
];

const scrape = fc.record({
  lines: fc.array(fc.tuple(fc.constantFrom(...POOL), fc.integer({ min: 0, max: 9 })), {
    maxLength: 10,
  }),
  om: fc.boolean(),
});

describe('scrape loop series cache', () => {
  it('stores exactly what an empty cache stores, plus staleness for series that went away', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(CONFIGS)),
        fc.array(scrape, { minLength: 1, maxLength: 8 }),
        async (cfgName, scrapes) => {
          const cfg = configFor(cfgName);
          const warm = new Recorder();
          const loop = loopFor(cfg, warm);
          let prev = new Set<string>();
          let ts = 1000;
          for (const s of scrapes) {
            ts += 1000;
            const text = s.lines.map(([k, v]) => `${k} ${v}\n`).join('');
            page = s.om
              ? { body: `${text}# EOF\n`, type: 'application/openmetrics-text; version=1.0.0' }
              : { body: text, type: 'text/plain; version=0.0.4' };
            await loop.scrapeOnce(ts);
            const cold = new Recorder();
            const fresh = loopFor(cfg, cold);
            await fresh.scrapeOnce(ts);
            await fresh.stop(false);
            assert.equal(loop.health, fresh.health);
            assert.equal(loop.lastError, fresh.lastError);
            const now = cold.take();
            const cur = new Set(now.map((r) => r.slice(0, r.lastIndexOf(` ${ts} `))));
            const stale = [...prev].filter((l) => !cur.has(l)).map((l) => `${l} ${ts} stale`);
            assert.deepEqual(warm.take(), [...now, ...stale].sort(), `${cfgName}: ${text}`);
            prev = cur;
          }
          await loop.stop(false);
        },
      ),
      {
        numRuns: 40,
        examples: [
          // Text and OpenMetrics spellings of one series share an entry; the text-only
          // spelling must not become a hint for an OpenMetrics scrape.
          [
            'plain',
            [
              { lines: [['foo{a="1",}', 0]], om: false },
              { lines: [['foo{a="1"}', 0]], om: true },
              { lines: [['foo{a="1",}', 0]], om: true },
            ],
          ],
        ],
      },
    );
  });

  it('gives texts with equal final labels one entry and forgets unseen entries', () => {
    const c = new SeriesCache();
    const l = Labels.fromRecord({ __name__: 'foo', a: '1' });
    const [a, addedA] = c.add('foo{a="1"}', l, 1);
    const [b, addedB] = c.add('foo{a="1",}', Labels.fromRecord({ a: '1', __name__: 'foo' }), 1);
    assert.equal(a, b);
    assert.deepEqual([addedA, addedB], [true, false]);
    const [d, addedD] = c.add('drop_me', undefined, 1);
    assert.equal(d.labels, undefined);
    assert.equal(addedD, false);
    a.lastIter = 10;
    c.sweep(15);
    assert.equal(c.size, 2);
    assert.equal(c.get('drop_me'), undefined);
    c.sweep(25);
    assert.equal(c.size, 0);
    const [e, addedE] = c.add('foo{a="1"}', l, 26);
    assert.notEqual(e, a);
    assert.equal(addedE, true);
  });
});
