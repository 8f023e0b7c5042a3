import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exprToString, ParseError, parseExpr, parseMetricSelector, type Expr } from './index.js';

const ALL = {
  experimentalFunctions: true,
  durationExpressions: true,
  extendedRangeSelectors: true,
  binopFillModifiers: true,
};

function parse(q: string): Expr {
  return parseExpr(q, ALL);
}

/** Parses `q` and expects the first error at [start, end) with this message. */
function fails(q: string, start: number, end: number, detail: string): void {
  assert.throws(
    () => parse(q),
    (err: unknown) => {
      assert.ok(err instanceof ParseError, `not a ParseError: ${String(err)}`);
      assert.equal(err.detail, detail, q);
      assert.deepEqual(err.positionRange, { start, end }, q);
      return true;
    },
  );
}

describe('parseExpr: literals', () => {
  const cases: [string, number][] = [
    ['1', 1],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
    ['.5', 0.5],
    ['5.', 5],
    ['123.4567', 123.4567],
    ['5e-3', 0.005],
    ['5e3', 5000],
    ['0xc', 12],
    ['0755', 493],
    ['08', 8],
    ['1_000', 1000],
    ['1_000.5e1', 10005],
    ['- 1', -1],
    ['- - 1', 1],
    ['5m', 300],
    ['1h30m', 5400],
    ['0x_1f', 31],
  ];
  for (const [q, v] of cases) {
    it(q, () => {
      const e = parse(q);
      assert.ok(e.type === 'NumberLiteral');
      assert.equal(e.value, v);
    });
  }
  it('NaN in any case', () => {
    const e = parse('nAn');
    assert.ok(e.type === 'NumberLiteral' && Number.isNaN(e.value));
  });
  it('strings with every quote style and Go escapes', () => {
    const cases: [string, string][] = [
      ['"a\\nb"', 'a\nb'],
      ["'it\\'s'", "it's"],
      ['`raw\\n`', 'raw\\n'],
      ['"\\u00e9\\x41\\101"', 'éAA'],
      ['"\\xc3\\xa9"', 'é'],
      ['"\\U0001F600"', '😀'],
    ];
    for (const [q, v] of cases) {
      const e = parse(q);
      assert.ok(e.type === 'StringLiteral');
      assert.equal(e.value, v);
    }
  });
});

describe('parseExpr: structure', () => {
  it('keeps Prometheus precedence and associativity', () => {
    const cases: [string, string][] = [
      ['1 + 2 * 3', '1 + 2 * 3'],
      ['(1 + 2) * 3', '(1 + 2) * 3'],
      ['2 ^ 3 ^ 2', '2 ^ 3 ^ 2'],
      ['a or b and c unless d', 'a or b and c unless d'],
      ['-a ^ b', '-a ^ b'],
      ['a atan2 b', 'a atan2 b'],
    ];
    for (const [q, s] of cases) assert.equal(exprToString(parse(q)), s);
    const pow = parse('2 ^ 3 ^ 2');
    assert.ok(pow.type === 'BinaryExpr' && pow.rhs.type === 'BinaryExpr', '^ is right-associative');
    const sub = parse('1 - 2 - 3');
    assert.ok(sub.type === 'BinaryExpr' && sub.lhs.type === 'BinaryExpr', '- is left-associative');
    const unary = parse('-a ^ b');
    assert.ok(
      unary.type === 'UnaryExpr' && unary.expr.type === 'BinaryExpr',
      'unary binds looser than ^',
    );
    const mul = parse('-a * b');
    assert.ok(mul.type === 'BinaryExpr' && mul.lhs.type === 'UnaryExpr', 'unary binds like *');
    const or = parse('a or b and c');
    assert.ok(or.type === 'BinaryExpr' && or.op === 'or');
  });

  it('parses selectors with all matcher types and UTF-8 names', () => {
    const e = parse('{"my.metric", "label.x"="v", a!="b", c=~"d|e", f!~\'g\'}');
    assert.ok(e.type === 'VectorSelector');
    assert.equal(e.name, '');
    assert.deepEqual(
      e.matchers.map((m) => [m.name, m.type, m.value]),
      [
        ['__name__', '=', 'my.metric'],
        ['label.x', '=', 'v'],
        ['a', '!=', 'b'],
        ['c', '=~', 'd|e'],
        ['f', '!~', 'g'],
      ],
    );
  });

  it('appends the name matcher last', () => {
    const e = parse('foo{bar="baz",}');
    assert.ok(e.type === 'VectorSelector');
    assert.deepEqual(
      e.matchers.map((m) => m.toString()),
      ['bar="baz"', '__name__="foo"'],
    );
  });

  it('accepts keywords as metric names where Prometheus does', () => {
    for (const q of [
      'sum',
      'by',
      'offset',
      'and{a="b"}',
      'start',
      'step',
      'fill + fill',
      'min_of',
    ]) {
      assert.doesNotThrow(() => parse(q), q);
    }
  });

  it('parses offset, @ and ranges on selectors and subqueries', () => {
    const e = parse('rate(foo[5m] offset -1h @ 100)');
    assert.ok(e.type === 'Call' && e.args[0]?.type === 'MatrixSelector');
    const m = e.args[0];
    assert.equal(m.range, 300_000);
    assert.equal(m.vectorSelector.offset, -3_600_000);
    assert.deepEqual(m.vectorSelector.at, { kind: 'timestamp', ms: 100_000 });
    const s = parse('foo[1h:5m] @ end() offset 10m');
    assert.ok(s.type === 'SubqueryExpr');
    assert.deepEqual(
      [s.range, s.step, s.offset, s.at],
      [3_600_000, 300_000, 600_000, { kind: 'end' }],
    );
    const d = parse('foo[1h:]');
    assert.ok(d.type === 'SubqueryExpr' && d.step === 0);
  });

  it('parses aggregations with the grouping before or after the body', () => {
    for (const q of ['sum by (a, "b.c") (x)', 'sum(x) by (a, "b.c",)']) {
      const e = parse(q);
      assert.ok(e.type === 'AggregateExpr');
      assert.deepEqual(e.grouping, ['a', 'b.c']);
      assert.equal(e.without, false);
    }
    const w = parse('count_values without (instance) ("v", x)');
    assert.ok(w.type === 'AggregateExpr' && w.without && w.param?.type === 'StringLiteral');
    for (const op of ['topk', 'bottomk', 'quantile', 'limitk', 'limit_ratio']) {
      const p = parse(`${op}(0.5, x)`);
      assert.ok(p.type === 'AggregateExpr' && p.param?.type === 'NumberLiteral', op);
    }
  });

  it('records vector matching', () => {
    const e = parse('a / on (x) group_left (y) b');
    assert.ok(e.type === 'BinaryExpr');
    assert.deepEqual(e.matching, { card: 'many-to-one', on: true, labels: ['x'], include: ['y'] });
    const s = parse('a and b');
    assert.ok(s.type === 'BinaryExpr' && s.matching?.card === 'many-to-many');
    const n = parse('a + 1');
    assert.ok(n.type === 'BinaryExpr' && n.matching === undefined);
    const f = parse('a + fill_right(-1) fill_left(2) b');
    assert.ok(f.type === 'BinaryExpr');
    assert.deepEqual(f.matching?.fill, { lhs: 2, rhs: -1 });
  });

  it('keeps positions', () => {
    const e = parse('sum(rate(foo[5m])) + 1');
    assert.deepEqual(e.posRange, { start: 0, end: 22 });
    assert.ok(e.type === 'BinaryExpr');
    assert.deepEqual(e.lhs.posRange, { start: 0, end: 18 });
  });

  it('skips comments', () => {
    const e = parse('# leading\nfoo # trailing\n + bar{a="b" # inside\n}');
    assert.equal(exprToString(e), 'foo + bar{a="b"}');
  });
});

describe('parseExpr: duration expressions', () => {
  it('evaluates constant durations and keeps the expression for printing', () => {
    const e = parse('rate(x[5m * 2])');
    assert.ok(e.type === 'Call' && e.args[0]?.type === 'MatrixSelector');
    assert.equal(e.args[0].range, 600_000);
    assert.equal(exprToString(e), 'rate(x[5m * 2])');
  });
  it('binds only the first operand of an offset', () => {
    const e = parse('foo offset 100 + 2');
    assert.ok(e.type === 'BinaryExpr' && e.lhs.type === 'VectorSelector');
    assert.equal(e.lhs.offset, 100_000);
    const p = parse('foo offset (2 ^ 2)');
    assert.ok(p.type === 'VectorSelector' && p.offset === 4000);
    const n = parse('foo offset -2 ^ 2');
    assert.ok(n.type === 'BinaryExpr' && n.op === '^');
  });
  it('keeps step() and range() for the engine', () => {
    const e = parse('foo offset -step()');
    assert.ok(
      e.type === 'VectorSelector' && e.offset === 0 && e.offsetExpr?.type === 'DurationUnary',
    );
  });
  it('rejects duration arithmetic unless enabled', () => {
    assert.throws(() => parseExpr('x[5m*2]'), /experimental duration expression is not enabled/);
    assert.doesNotThrow(() => parseExpr('x[5m] offset -5m'));
  });
});

describe('parseExpr: errors', () => {
  const cases: [string, number, number, string][] = [
    ['', 0, 0, 'no expression found in input'],
    ['1+', 2, 2, 'unexpected end of input'],
    ['(1))', 4, 4, "unexpected right parenthesis ')'"],
    ['((1)', 4, 4, 'unclosed left parenthesis'],
    ['1 == 1', 2, 3, 'comparisons between scalars must use BOOL modifier'],
    ['foo + bool 10', 4, 9, 'bool modifier can only be used on comparison operators'],
    ['1 and 1', 0, 7, 'set operator "and" not allowed in binary scalar expression'],
    ['foo and on(bar) group_left(baz) bar', 0, 35, 'no grouping allowed for "and" operation'],
    ['{}', 0, 2, 'vector selector must contain at least one non-empty matcher'],
    ['foo{__name__="bar"}', 0, 19, 'metric name must not be set twice: "foo" or "bar"'],
    ['foo{a=b}', 6, 7, 'unexpected identifier "b" in label matching, expected string'],
    ['foo[5m1h]', 4, 8, 'not a valid duration string: "5m1h"'],
    ['foo[0m]', 4, 6, 'duration must be greater than 0'],
    [
      'foo[]',
      4,
      5,
      'unexpected "]" in subquery or range selector, expected number, duration, step(), or range()',
    ],
    ['some_metric OFFSET 1m[5m]', 21, 25, 'no offset modifiers allowed before range'],
    ['foo offset 1s offset 2s', 0, 13, 'offset may not be set multiple times'],
    [
      'sum (some_metric) by test',
      21,
      25,
      'unexpected identifier "test" in grouping opts, expected "("',
    ],
    [
      'topk(some_metric)',
      0,
      17,
      'wrong number of arguments for aggregate expression provided, expected 2, got 1',
    ],
    ['floor(1)', 6, 7, 'expected type instant vector in call to function "floor", got scalar'],
    ['hour(a, b, c)', 0, 13, 'expected at most 1 argument(s) in call to "hour", got 3'],
    ['label_join(a)', 0, 13, 'expected at least 3 argument(s) in call to "label_join", got 1'],
    ['rate(x[1m],)', 10, 11, 'trailing commas not allowed in function call args'],
    ['nope()', 0, 4, 'unknown function with name "nope"'],
    [
      '-"s"',
      0,
      4,
      'unary expression only allowed on expressions of type scalar or instant vector, got "string"',
    ],
    ['x[5m][1m:]', 0, 10, 'subquery is only allowed on instant vector, got matrix instead'],
    ['foo @ NaN', 0, 3, 'timestamp out of bounds for @ modifier: NaN'],
    ['"\\c"', 0, 4, "unknown escape sequence U+0063 'c'"],
    ['foo[5s/0d]', 6, 7, 'division by zero'],
    ['sum(x y)', 6, 7, 'unexpected identifier "y" in aggregation'],
    ['a - on(b) ignoring(c) d', 10, 18, 'unexpected <ignoring>'],
  ];
  for (const [q, s, e, m] of cases) {
    it(JSON.stringify(q), () => {
      fails(q, s, e, m);
    });
  }

  it('formats messages like Prometheus', () => {
    assert.throws(() => parse('foo +\n  bar baz'), {
      message: '2:7: parse error: unexpected identifier "baz"',
    });
  });

  it('gates experimental features', () => {
    assert.throws(() => parseExpr('limitk(1, x)'), /limitk\(\) is experimental/);
    assert.throws(
      () => parseExpr('sort_by_label(x, "a")'),
      /function "sort_by_label" is not enabled/,
    );
    assert.throws(
      () => parseExpr('rate(x[1m] anchored)'),
      /anchored modifier is experimental and not enabled/,
    );
    assert.throws(
      () => parseExpr('a + fill(0) b'),
      /binop fill modifiers are experimental and not enabled/,
    );
  });
});

describe('parseMetricSelector', () => {
  it('returns the matchers of a series selector', () => {
    assert.deepEqual(
      parseMetricSelector('up{job="api"}').map((m) => m.toString()),
      ['job="api"', '__name__="up"'],
    );
    assert.deepEqual(
      parseMetricSelector('{"my.metric"}').map((m) => m.toString()),
      ['__name__="my.metric"'],
    );
  });
  it('rejects anything else', () => {
    assert.throws(() => parseMetricSelector('rate(x[5m])'), ParseError);
    assert.throws(() => parseMetricSelector('up + 1'), ParseError);
  });
});
