import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricFamily, formatValue, renderFamilies } from './index.js';

describe('formatValue', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [1, '1'],
    [-1, '-1'],
    [470.92, '470.92'],
    [113666, '113666'],
    [2466170, '2.46617e+06'],
    [24480221, '2.4480221e+07'],
    [1795308709, '1.795308709e+09'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [0.01, '0.01'],
    [4484.0035290000005, '4484.0035290000005'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [1e21, '1e+21'],
  ];
  for (const [v, want] of cases) {
    it(`formats ${want}`, () => {
      assert.equal(formatValue(v), want);
    });
  }
});

describe('renderFamilies', () => {
  it('sorts families by name and samples by label values, escaping labels and help', () => {
    const b = new MetricFamily('node_b', 'B with \\ and\nnewline.', 'counter', ['device']);
    b.add(2, 'sdb');
    b.add(1, 'a"b\\c\nd');
    const a = new MetricFamily('node_a', 'A.', 'gauge');
    a.add(5);
    const empty = new MetricFamily('node_empty', 'Never rendered.', 'gauge');
    assert.equal(
      renderFamilies([b, a, empty]),
      '# HELP node_a A.\n# TYPE node_a gauge\nnode_a 5\n' +
        '# HELP node_b B with \\\\ and\\nnewline.\n# TYPE node_b counter\n' +
        'node_b{device="a\\"b\\\\c\\nd"} 1\nnode_b{device="sdb"} 2\n',
    );
  });

  it('renders histogram suffixes and omits an empty le', () => {
    const h = new MetricFamily('req_seconds', 'Latency.', 'histogram', ['job', 'le']);
    h.addWithSuffix('_bucket', 3, ['x', '+Inf']);
    h.addWithSuffix('_sum', 1.5, ['x', '']);
    h.addWithSuffix('_count', 3, ['x', '']);
    assert.equal(
      renderFamilies([h]),
      '# HELP req_seconds Latency.\n# TYPE req_seconds histogram\n' +
        'req_seconds_bucket{job="x",le="+Inf"} 3\nreq_seconds_sum{job="x"} 1.5\n' +
        'req_seconds_count{job="x"} 3\n',
    );
  });

  it('leaves out empty labels when omitEmptyLabels is set, keeps them otherwise', () => {
    const f = new MetricFamily('info', 'I.', 'gauge', ['a', 'b']);
    f.add(1, 'x', '');
    f.add(1, '', 'y');
    const g = new MetricFamily('plain', 'P.', 'gauge', ['a']);
    g.add(1, '');
    f.omitEmptyLabels = true;
    assert.equal(
      renderFamilies([f, g]),
      '# HELP info I.\n# TYPE info gauge\ninfo{b="y"} 1\ninfo{a="x"} 1\n' +
        '# HELP plain P.\n# TYPE plain gauge\nplain{a=""} 1\n',
    );
  });

  it('rejects a label count mismatch as a bug', () => {
    const f = new MetricFamily('m', 'M.', 'gauge', ['a']);
    assert.throws(() => {
      f.add(1);
    }, /BUG/);
  });

  it('grows its value buffer past the initial capacity', () => {
    const f = new MetricFamily('m', 'M.', 'gauge', ['i']);
    for (let i = 0; i < 100; i++) f.add(i, String(i));
    assert.equal(f.length, 100);
    assert.equal(f.value(99), 99);
  });
});
