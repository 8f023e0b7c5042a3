import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exprEqual, exprToString, formatExpr, parseExpr, type ParseOptions } from './index.js';

const ALL: ParseOptions = {
  experimentalFunctions: true,
  durationExpressions: true,
  extendedRangeSelectors: true,
  binopFillModifiers: true,
};

/** [input, canonical String() output]; an empty output means "same as input". */
const CANONICAL: [string, string][] = [
  ['sum by() (x{job="s"})', 'sum(x{job="s"})'],
  ['sum by(code) (x{job="s"})', 'sum by (code) (x{job="s"})'],
  ['sum without() (x)', 'sum without () (x)'],
  ['sum(x) by ("foo.bar", baz)', 'sum by ("foo.bar", baz) (x)'],
  ['topk(5, x)', ''],
  ['count_values("v", x)', ''],
  ['a + on(b) group_left c', 'a + on (b) group_left () c'],
  ['a + ignoring(b) group_right(c, "d.e") f', 'a + ignoring (b) group_right (c, "d.e") f'],
  ['a and on() b', 'a and on () b'],
  ['a + ignoring() b', 'a + b'],
  ['a > bool 1', ''],
  ['a + fill(0) b', 'a + fill (0) b'],
  ['a + fill_left(1e6) fill_right(-2) b', 'a + fill_left (1e+06) fill_right (-2) b'],
  ['a + fill_left(3) fill_right(3) b', 'a + fill (3) b'],
  ['foo{b="c",a=~"d"}', 'foo{a=~"d",b="c"}'],
  ['{__name__="foo"}', ''],
  ['{x="y", __name__="foo"}', '{__name__="foo",x="y"}'],
  ['foo{}', 'foo'],
  ['{"my.metric", "l.x"="v"}', '{"l.x"="v",__name__="my.metric"}'],
  ['foo{"a b"!="\\n"}', 'foo{"a b"!="\\n"}'],
  ['foo offset 5m', ''],
  ['foo offset -90s', 'foo offset -1m30s'],
  ['foo @ 1603775019', 'foo @ 1603775019.000'],
  ['foo @ -1.5', 'foo @ -1.500'],
  ['foo @ start() offset 1h', ''],
  ['foo[5m] @ end() offset 1w', ''],
  ['foo[300]', 'foo[5m]'],
  ['foo[1.5]', 'foo[1s500ms]'],
  ['foo[90d]', ''],
  ['foo[52w]', ''],
  ['foo[364d]', 'foo[52w]'],
  ['foo[8d]', ''],
  ['foo[365d]', 'foo[1y]'],
  ['x[5m:]', ''],
  ['x[1h:5m] offset 10m @ 100', 'x[1h:5m] @ 100.000 offset 10m'],
  ['rate(x[5m] anchored)', ''],
  ['rate(x[5m] smoothed @ 1 offset 2m)', 'rate(x[5m] smoothed @ 1.000 offset 2m)'],
  ['x anchored', ''],
  ['x[5m * 2:step()]', ''],
  ['x offset (1h + 5m)', ''],
  ['x offset -step()', ''],
  ['x offset -(5m)', ''],
  ['x[((5m))]', 'x[(5m)]'],
  ['x[max_of(1m, range() * 2)]', ''],
  ['x[-5m + 10m]', ''],
  ['1e3', '1000'],
  ['1e100', '1' + '0'.repeat(100)],
  ['0.1', ''],
  ['0x1f', '31'],
  ['-1', ''],
  ['+Inf', ''],
  ['-inf', '-Inf'],
  ['nan', 'NaN'],
  ['5m', ''],
  ['-5m', ''],
  ['"a\\tb\'c"', '"a\\tb\'c"'],
  ["'\"'", '"\\""'],
  ['`\\d+`', '"\\\\d+"'],
  ['"é😀"', ''],
  ['-(1)', ''],
  ['-x ^ 2', ''],
  ['(1 + 2) * 3', ''],
  ['sum(rate(x[5m])) by (job) / on (job) group_left sum(y) by (job)', ''],
];

describe('exprToString', () => {
  for (const [input, want] of CANONICAL) {
    it(input, () => {
      const e = parseExpr(input, ALL);
      const s = exprToString(e);
      if (want === '' && input.startsWith('sum(rate(x[5m])) by')) {
        assert.equal(s, 'sum by (job) (rate(x[5m])) / on (job) group_left () sum by (job) (y)');
      } else {
        assert.equal(s, want === '' ? input : want);
      }
      assert.ok(exprEqual(parseExpr(s, ALL), e), 'printed form parses back to an equal AST');
    });
  }
});

describe('formatExpr', () => {
  it('keeps short queries on one line', () => {
    assert.equal(formatExpr(parseExpr('sum by (job) (rate(x[5m]))')), 'sum by (job) (rate(x[5m]))');
  });

  it('splits long nodes and indents children', () => {
    const q =
      'sum by (job) (rate(http_requests_total{job="api-server",handler="/api/v1/query"}[5m])) / ' +
      'sum by (job) (rate(http_requests_total{job="api-server"}[5m]))';
    assert.equal(
      formatExpr(parseExpr(q)),
      [
        '  sum by (job) (rate(http_requests_total{handler="/api/v1/query",job="api-server"}[5m]))',
        '/',
        '  sum by (job) (rate(http_requests_total{job="api-server"}[5m]))',
      ].join('\n'),
    );
  });

  it('applies the rules to each node with a narrow width', () => {
    const cases: [string, string][] = [
      ['sum(a) by (b)', 'sum by (b) (\n  a\n)'],
      ['topk(5, foo)', 'topk(\n  5,\n  foo\n)'],
      ['a + on(x) b', '  a\n+ on (x)\n  b'],
      [
        'label_replace(up, "a", "b", "c", "d")',
        'label_replace(\n  up,\n  "a",\n  "b",\n  "c",\n  "d"\n)',
      ],
      ['(aaaa + bbbb)', '(\n    aaaa\n  +\n    bbbb\n)'],
      ['-(aaaa + bbbb)', '-(\n    aaaa\n  +\n    bbbb\n)'],
      ['sum(aaaaaaa)[5m:]', 'sum(\n  aaaaaaa\n)[5m:]'],
      ['sum(aaaa)[5m:]', 'sum(aaaa)[5m:]'],
      ['some_long_metric_name{a="b"}', 'some_long_metric_name{a="b"}'],
    ];
    for (const [q, want] of cases) {
      const e = parseExpr(q);
      const got = formatExpr(e, 10);
      assert.equal(got, want, q);
      assert.ok(exprEqual(parseExpr(got), e), `${q}: pretty form parses back equal`);
    }
  });
});
