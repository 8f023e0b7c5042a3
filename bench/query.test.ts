import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateSeries } from './datagen.js';
import { FlagError } from './flags.js';
import { median, percentile, resultCount, type QueryServerResult } from './query.js';
import { splitQueryFlags } from './query-flags.js';
import { countMismatches, queryTable } from './query-report.js';
import { QUERY_SET, caseRange, caseUrl } from './query-set.js';

describe('query benchmark statistics', () => {
  it('takes medians and nearest-rank percentiles of unsorted values', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
    assert.equal(percentile([7, 1, 2, 3, 4, 5, 6], 90), 7);
    assert.equal(percentile([10, 20, 30], 90), 30);
    assert.equal(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 90), 90);
    assert.equal(percentile([3], 90), 3);
  });

  it('counts series, names and values in API answers and surfaces errors', () => {
    const range = '{"status":"success","data":{"resultType":"matrix","result":[{},{},{}]}}';
    assert.equal(resultCount(range, 'range'), 3);
    assert.equal(resultCount('{"status":"success","data":["a","b"]}', 'labels'), 2);
    assert.equal(resultCount('{"status":"success","data":[]}', 'series'), 0);
    assert.throws(
      () => resultCount('{"status":"error","error":"parse error"}', 'range'),
      /parse error/,
    );
    assert.throws(() => resultCount('not json', 'values'), /unexpected answer/);
  });
});

describe('query benchmark set', () => {
  it('has at least 12 range queries over 1 h and 2 h at 15 s and 60 s steps', () => {
    const ranges = QUERY_SET.filter((q) => q.kind === 'range');
    assert.ok(ranges.length >= 12);
    for (const combo of ['1h/15s', '1h/60s', '2h/15s', '2h/60s'])
      assert.ok(
        ranges.some((q) => caseRange(q) === combo),
        combo,
      );
    assert.ok(QUERY_SET.some((q) => q.kind === 'series'));
    assert.ok(QUERY_SET.some((q) => q.kind === 'labels'));
    assert.equal(new Set(QUERY_SET.map((q) => q.id)).size, QUERY_SET.length, 'unique ids');
  });

  it('uses only metric names the generator produces', () => {
    const names = new Set(generateSeries(200, 1).labels.map((l) => l[1]));
    for (const q of QUERY_SET) {
      const used = q.expr.match(/\b(node|http)_[a-zA-Z0-9_]+/g) ?? [];
      assert.ok(used.length > 0, q.id);
      for (const m of used) assert.ok(names.has(m), `${q.id}: ${m}`);
    }
  });

  it('builds URLs with the range, step and matcher, and nocache for VictoriaMetrics', () => {
    const range = QUERY_SET.find((q) => q.kind === 'range' && q.hours === 2 && q.stepSec === 60);
    assert.ok(range !== undefined);
    const u = new URL('http://x' + caseUrl(range, 7_200_000, false));
    assert.equal(u.pathname, '/api/v1/query_range');
    assert.equal(u.searchParams.get('query'), range.expr);
    assert.equal(u.searchParams.get('start'), '0.000');
    assert.equal(u.searchParams.get('end'), '7200.000');
    assert.equal(u.searchParams.get('step'), '60');
    assert.equal(u.searchParams.get('nocache'), null);
    const values = QUERY_SET.find((q) => q.kind === 'values');
    assert.ok(values !== undefined);
    const v = new URL('http://x' + caseUrl(values, 7_200_000, true));
    assert.equal(v.pathname, `/api/v1/label/${values.label ?? ''}/values`);
    assert.equal(v.searchParams.get('match[]'), values.expr);
    assert.equal(v.searchParams.get('nocache'), '1');
  });
});

describe('query benchmark flags', () => {
  it('runs queries by default with 7 repetitions, 3 with --quick', () => {
    assert.deepEqual(splitQueryFlags([]), { query: true, repeat: 7, ingestAdded: false, rest: [] });
    assert.equal(splitQueryFlags(['--quick']).repeat, 3);
    assert.equal(splitQueryFlags(['--quick', '--query-repeat=5']).repeat, 5);
  });

  it('takes query out of --only and adds ingest when needed', () => {
    assert.deepEqual(splitQueryFlags(['--only=ingest,query']).rest, ['--only=ingest']);
    const q = splitQueryFlags(['--only=query', '--series=10']);
    assert.equal(q.query, true);
    assert.equal(q.ingestAdded, true);
    assert.deepEqual(q.rest, ['--only=ingest', '--series=10']);
    const m = splitQueryFlags(['--only=micro']);
    assert.equal(m.query, false);
    assert.deepEqual(m.rest, ['--only=micro']);
    assert.throws(() => splitQueryFlags(['--query-repeat=0']), FlagError);
  });
});

describe('query benchmark report', () => {
  const first = QUERY_SET[0];
  const second = QUERY_SET[1];
  assert.ok(first !== undefined && second !== undefined);
  const results: QueryServerResult[] = [
    {
      server: 'kansoku',
      title: 'Kansoku',
      cases: [
        { id: first.id, medianMs: 12.5, p90Ms: 20, resultCount: 10 },
        { id: second.id, error: 'HTTP 422: bad data' },
      ],
      sumMedianMs: 12.5,
      cpuSeconds: 1.25,
      wallSeconds: 3,
      readyMs: 900,
    },
    {
      server: 'prometheus',
      title: 'Prometheus',
      cases: [
        { id: first.id, medianMs: 3, p90Ms: 4, resultCount: 11 },
        { id: second.id, medianMs: 5, p90Ms: 6, resultCount: 4 },
      ],
      sumMedianMs: 8,
      cpuSeconds: 0.5,
      wallSeconds: 2,
      readyMs: 100,
    },
    { server: 'victoriametrics', title: 'VM', skipped: 'not installed' },
  ];

  it('reports differing result counts without failing', () => {
    assert.deepEqual(countMismatches(results), [`${first.id}: Kansoku 10, Prometheus 11`]);
  });

  it('renders medians, p90, sums, CPU seconds, errors and mismatches', () => {
    const t = queryTable(results, 7);
    assert.match(t, /12\.5 \/ 20\.0/);
    assert.match(t, /3\.00 \/ 4\.00/);
    assert.match(t, /10\|11\|- !/);
    assert.match(t, /sum of medians, ms\s+12\.5\s+8\.00\s+skipped/);
    assert.match(t, /server CPU s, query phase\s+1\.25\s+0\.50/);
    assert.match(t, /Kansoku: .* failed — HTTP 422: bad data/);
    assert.match(t, /VM: skipped — not installed/);
    assert.match(t, /result counts differ:/);
  });
});
