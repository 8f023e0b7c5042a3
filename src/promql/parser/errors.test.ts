/** Error messages and positions for invalid queries, in Prometheus' words. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParseError, parseExpr } from './index.js';
import { positionText } from './errors.js';

const ALL = {
  experimentalFunctions: true,
  durationExpressions: true,
  extendedRangeSelectors: true,
  binopFillModifiers: true,
};

/** [query, start, end, message] */
const CASES: [string, number, number, string][] = [
  // Lexical.
  ['foo{a="b"', 9, 9, 'unexpected end of input inside braces'],
  ['foo[5m', 6, 6, 'unclosed left bracket'],
  ['foo ]', 4, 5, "unexpected right bracket ']'"],
  ['foo[1m][1m]', 7, 11, 'ranges only allowed for vector selectors'],
  ['"abc', 0, 4, 'unterminated quoted string'],
  // Syntax, with the construct and what was expected.
  [
    'foo offset',
    10,
    10,
    'unexpected end of input in offset, expected number, duration, step(), or range()',
  ],
  [
    'foo offset bar',
    11,
    14,
    'unexpected identifier "bar" in offset, expected number, duration, step(), or range()',
  ],
  ['foo @', 5, 5, 'unexpected end of input in @, expected timestamp'],
  ['foo @ start(1)', 12, 13, 'unexpected number "1" in @, expected timestamp'],
  ['foo[5m 1m]', 7, 9, 'unexpected duration "1m" in subquery or range, expected ":" or "]"'],
  ['foo[5m:1m 1m]', 10, 12, 'unexpected duration "1m" in subquery selector, expected "]"'],
  [
    'foo[5m:,]',
    7,
    8,
    'unexpected "," in subquery selector, expected number, duration, step(), range(), or "]"',
  ],
  ['foo{a="b" c="d"}', 10, 11, 'unexpected identifier "c" in label matching, expected "," or "}"'],
  ['foo{a}', 5, 6, 'unexpected "}" in label matching, expected label matching operator'],
  ['foo{"a"=~b}', 9, 10, 'unexpected identifier "b" in label matching, expected string'],
  ['sum by (a b) (x)', 10, 11, 'unexpected identifier "b" in grouping opts, expected "," or ")"'],
  ['sum by (without) (x)', 8, 15, 'unexpected <without> in grouping opts, expected label'],
  ['sum by (a) x', 11, 12, 'unexpected identifier "x" in aggregation'],
  ['sum(x', 5, 5, 'unclosed left parenthesis'],
  ['foo bool bar', 4, 8, 'unexpected <bool>'],
  ['foo + on bar', 9, 12, 'unexpected identifier "bar" in grouping opts, expected "("'],
  ['"abcdefghijklmn" "x"', 17, 20, 'unexpected string "\\"x\\""'],
  ['1 "abcdefghijklmn"', 2, 18, 'unexpected string "\\"abcdefghi"...'],
  ['foo:bar()', 7, 8, 'unexpected "("'],
  ['atan2', 0, 5, 'unexpected <op:atan2>'],
  // Checks made while parsing.
  ['foo @ 1 @ 2', 0, 7, '@ <timestamp> may not be set multiple times'],
  [
    'sum(x) @ 1',
    0,
    6,
    '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
  ],
  ['foo @ 1 [5m]', 8, 12, 'no @ modifiers allowed before range'],
  ['x anchored smoothed', 0, 10, 'anchored and smoothed modifiers cannot be used together'],
  ['x[5m:] anchored', 0, 6, 'anchored modifier is not supported for subqueries'],
  ['sum(x) smoothed', 0, 6, 'smoothed modifier not implemented'],
  ['sum()', 0, 5, 'no arguments for aggregate expression provided'],
  [
    'sum(a, b)',
    0,
    9,
    'wrong number of arguments for aggregate expression provided, expected 1, got 2',
  ],
  ['sum by ("") (x)', 8, 10, 'invalid label name for grouping: ""'],
  ['1 + fill(0) 2', 0, 13, 'filling in missing series only allowed between instant vectors'],
  ['a and fill(0) b', 0, 15, 'filling in missing series not allowed for set operators'],
  ['x[5m] offset 1m offset 1m', 0, 15, 'offset may not be set multiple times'],
  [
    'foo offset 0x',
    11,
    13,
    'error parsing number: strconv.ParseFloat: parsing "0x": invalid syntax',
  ],
  ['foo offset 5mm', 11, 14, 'bad number or duration syntax: "5mm"'],
  [
    '99e999',
    0,
    6,
    'error parsing number: strconv.ParseFloat: parsing "99e999": value out of range',
  ],
  ['x[1y1y]', 2, 7, 'bad number or duration syntax: "1y1"'],
  ['x[1m1d]', 2, 6, 'not a valid duration string: "1m1d"'],
  ['x[5m % 0]', 5, 6, 'modulo by zero'],
  ['x[5m * -0]', 0, 0, ''],
  // Type checks.
  // The operator range of Prometheus ends on the operator's last character, inclusive.
  ['a + on(b) group_left(b) c', 2, 22, 'label "b" must not occur in ON and GROUP clause at once'],
  ['x[5m] + 1', 0, 5, 'binary expression must contain only scalar and instant vector types'],
  ['1 + "s"', 4, 7, 'binary expression must contain only scalar and instant vector types'],
  ['a / on(b) 1', 0, 11, 'vector matching only allowed between instant vectors'],
  ['sum(x[5m])', 4, 9, 'expected type instant vector in aggregation expression, got range vector'],
  ['quantile("a", x)', 9, 12, 'expected type scalar in aggregation parameter, got string'],
  ['round()', 0, 7, 'expected at least 1 argument(s) in call to "round", got 0'],
  [
    'label_join(x, "a", ",", 1)',
    24,
    25,
    'expected type string in call to function "label_join", got scalar',
  ],
  [
    'info(x, y[5m])',
    0,
    14,
    'expected type instant vector in call to function "info", got range vector',
  ],
  ['info(x, sum(y))', 8, 14, 'expected label selectors only'],
  ['info(x, {__name__=""})', 0, 0, ''],
  ['scalar(x) == 1', 10, 11, 'comparisons between scalars must use BOOL modifier'],
  [
    '-x[1m]',
    0,
    6,
    'unary expression only allowed on expressions of type scalar or instant vector, got "range vector"',
  ],
  ['(1)[5m:]', 0, 8, 'subquery is only allowed on instant vector, got scalar instead'],
  ['{a=~".*"} offset 5m', 0, 19, 'vector selector must contain at least one non-empty matcher'],
];

describe('parse errors', () => {
  for (const [q, start, end, detail] of CASES) {
    it(JSON.stringify(q), () => {
      if (detail === '') {
        assert.doesNotThrow(() => parseExpr(q, ALL));
        return;
      }
      assert.throws(
        () => parseExpr(q, ALL),
        (err: unknown) => {
          assert.ok(err instanceof ParseError, String(err));
          assert.equal(err.detail, detail);
          assert.deepEqual(err.positionRange, { start, end });
          assert.equal(err.message, `${positionText(q, start)}: parse error: ${detail}`);
          return true;
        },
      );
    });
  }

  it('rejects anything after a complete expression', () => {
    assert.throws(() => parseExpr('foo bar'), {
      message: '1:5: parse error: unexpected identifier "bar"',
    });
  });

  it('describes positions as line:column', () => {
    assert.equal(positionText('', 0), 'unknown position');
    assert.equal(positionText('abc', 4), 'invalid position');
    assert.equal(positionText('a\nbc', 3), '2:2');
    assert.equal(positionText('abc', 0), '1:1');
  });
});
