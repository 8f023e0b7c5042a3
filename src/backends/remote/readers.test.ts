import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels, Matcher, STALE_NAN, isStaleNaN } from '../../model/index.js';
import { parseExportLines, parseMatrix, selectorOf } from './readers.js';
import { buildSeriesSet } from './series.js';
import { flavorFromUrls } from './options.js';
import { QueryForwarder, pushdownAllowed } from './pushdown.js';
import { RemoteHttpClient } from './http.js';
import { defaultRemoteBackendOptions } from './options.js';
import { Logger } from '../../util/index.js';

describe('remote readers', () => {
  it('renders selectors with escaped values', () => {
    assert.equal(
      selectorOf([new Matcher('=', '__name__', 'up'), new Matcher('=~', 'path', 'a"b\\c')]),
      '{__name__="up",path=~"a\\"b\\\\c"}',
    );
  });

  it('parses export lines with infinities and staleness markers (null or NaN)', () => {
    const got = parseExportLines(
      '{"metric":{"__name__":"a","job":"x"},"values":[1,+Inf,-Inf,NaN,null],"timestamps":[1,2,3,4,5]}\n\n' +
        '{"metric":{"__name__":"b"},"values":[],"timestamps":[]}\n',
    );
    assert.equal(got.length, 2);
    assert.deepEqual(got[0]?.labels, ['__name__', 'a', 'job', 'x']);
    const vs = got[0].vs;
    assert.deepEqual([vs[0], vs[1], vs[2]], [1, Infinity, -Infinity]);
    assert.ok(isStaleNaN(vs[3]!), 'VictoriaMetrics keeps no other NaN');
    assert.ok(isStaleNaN(vs[4]!));
    assert.equal(got[1]?.n, 0);
  });

  it('parses decimals exactly like Number() (fast path and fallback)', () => {
    const texts = [
      '0',
      '-0',
      '1',
      '-1.5',
      '0.1',
      '123456.789',
      '999999999999999',
      '1234567890123456789',
      '1e-300',
      '3.14159265358979',
      '-0.000001',
      '5e-324',
      '1.7976931348623157e+308',
    ];
    const line = `{"metric":{"__name__":"x"},"values":[${texts.join(',')}],"timestamps":[${texts.map((_, i) => i).join(',')}]}`;
    const got = parseExportLines(line)[0]!;
    texts.forEach((t, i) => {
      assert.ok(Object.is(got.vs[i], Number(t)), `${t}: ${got.vs[i]}`);
    });
  });

  it('parses matrix answers of the query API', () => {
    const got = parseMatrix(
      JSON.stringify({
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: { __name__: 'a' },
              values: [
                [1.5, '2'],
                [3, 'NaN'],
              ],
            },
          ],
        },
      }),
    );
    assert.deepEqual([...got[0]!.ts], [1500, 3000]);
    assert.equal(got[0]!.vs[0], 2);
  });

  it('builds exact, sorted, de-duplicated series without external labels', () => {
    const raw = [
      {
        labels: ['__name__', 'm', 'ext', '1', 'job', 'b'],
        ts: Float64Array.of(30, 10, 20, 10),
        vs: Float64Array.of(3, 1, 2, 9),
        n: 4,
      },
      {
        labels: ['__name__', 'm', 'ext', '1', 'job', 'a'],
        ts: Float64Array.of(5, 50),
        vs: Float64Array.of(0, STALE_NAN),
        n: 2,
      },
      {
        labels: ['__name__', 'm', 'ext', '1', 'job', 'c'],
        ts: Float64Array.of(100),
        vs: Float64Array.of(1),
        n: 1,
      },
    ];
    const set = buildSeriesSet(raw, 10, 50, ['ext'], 0);
    const out: [string, number[], number[]][] = [];
    while (set.next()) {
      const s = set.at();
      const it = s.iterator();
      const ts: number[] = [];
      const vs: number[] = [];
      while (it.next() !== 'none') {
        ts.push(it.atT());
        vs.push(isStaleNaN(it.atF()) ? -1 : it.atF());
      }
      out.push([s.labels.toString(), ts, vs]);
    }
    assert.deepEqual(out, [
      [Labels.fromRecord({ __name__: 'm', job: 'a' }).toString(), [50], [-1]],
      [Labels.fromRecord({ __name__: 'm', job: 'b' }).toString(), [10, 20, 30], [1, 2, 3]],
    ]);
  });

  it('detects flavors from URL shapes', () => {
    assert.equal(
      flavorFromUrls(
        'http://vminsert:8480/insert/0/prometheus/api/v1/write',
        'http://vmselect:8481/select/0/prometheus',
      ),
      'victoriametrics',
    );
    assert.equal(flavorFromUrls('http://mimir/api/v1/push', 'http://mimir/prometheus'), 'mimir');
    assert.equal(flavorFromUrls('http://p:9090/api/v1/write', 'http://p:9090'), undefined);
  });

  it('pushes down on VictoriaMetrics only what MetricsQL answers like PromQL', () => {
    assert.ok(pushdownAllowed('prometheus', 'rate(x[5m])'));
    assert.ok(pushdownAllowed('victoriametrics', 'sum by (job) (up) / count(up)'));
    assert.ok(pushdownAllowed('victoriametrics', 'up{path="rate(x[5m])"}'), 'strings do not count');
    assert.ok(!pushdownAllowed('victoriametrics', 'sum(rate(x[5m]))'));
    assert.ok(!pushdownAllowed('victoriametrics', 'max_over_time(up[10m:1m])'));
    assert.ok(!pushdownAllowed('victoriametrics', 'up @ 100'));
  });

  it('keeps queries local that carry parameters Kansoku applies itself', () => {
    const client = new RemoteHttpClient(
      defaultRemoteBackendOptions('', 'http://x', '', Logger.nop()),
    );
    const all = new QueryForwarder(client, 'http://x', 'victoriametrics', 'all', false);
    const p = (q: Record<string, string>): URLSearchParams => new URLSearchParams(q);
    assert.ok(
      all.accepts(p({ query: 'rate(x[5m])' })),
      'policy all forwards MetricsQL-divergent queries',
    );
    assert.ok(!all.accepts(p({ query: 'up', limit: '5' })));
    assert.ok(!all.accepts(p({ query: 'up', stats: 'all' })));
    assert.ok(!all.accepts(p({ query: 'up', lookback_delta: '1m' })));
    const ext = new QueryForwarder(client, 'http://x', 'prometheus', 'all', true);
    assert.ok(!ext.accepts(p({ query: 'up' })), 'external labels keep queries local');
    client.close();
  });
});
