/**
 * Property tests: random token soups and mutated real queries never make the parser throw
 * anything but ParseError, never hang, and whatever parses prints back to an equal AST.
 * Pathologically nested input is rejected with a ParseError instead of a stack overflow.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  exprEqual,
  exprToString,
  formatExpr,
  ParseError,
  parseExpr,
  parseMetricSelector,
  type ParseOptions,
} from './index.js';

const ALL: ParseOptions = {
  experimentalFunctions: true,
  durationExpressions: true,
  extendedRangeSelectors: true,
  binopFillModifiers: true,
};

const SEEDS = [
  'sum by (job) (rate(http_requests_total{job=~"api|web", code!="500"}[5m]))',
  'histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m:30s] offset 1h)))',
  'a / on (instance) group_left (node) b > bool 0.5 or c unless d',
  'topk(5, count_values without (x) ("v", y)) + foo @ start() + -2 ^ 2',
  'label_replace(up, "a", "$1", "b", "(.*)") and absent(nope{a="b"})',
  'foo offset -(step() * 2) + rate(x[max_of(1m, range())] anchored) + rate(y[5m:step()])',
  '{"my.metric", "l.x"="v"} + fill_left(0) fill_right(1) bar # comment',
  'quantile_over_time(0.9, m[1h] smoothed) atan2 -Inf != NaN',
  '(((1))) + 0x1F * 1_000.5e-3 - 5m % .5',
  "limitk(2, x) + limit_ratio(0.5, y) + sort_by_label(z, 'a', `b`)",
];

const TOKENS = [
  ...'(){}[],:=@+-*/%^<>!~"\'`#.'.split(''),
  ' ',
  '\n',
  '==',
  '!=',
  '=~',
  '!~',
  '<=',
  '>=',
  'foo',
  'bar',
  '__name__',
  'sum',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'and',
  'or',
  'unless',
  'rate',
  'topk',
  'count_values',
  'start',
  'end',
  'step',
  'range',
  'min_of',
  'fill',
  'anchored',
  'smoothed',
  'atan2',
  '1',
  '0.5',
  '5m',
  '1h30m',
  'Inf',
  'NaN',
  '0x1f',
  '1e3',
  '"a"',
  '"\\n"',
  '`r`',
];

/** Parses and, when that succeeds, checks that both printed forms parse back to an equal AST. */
function check(q: string): void {
  let e;
  try {
    e = parseExpr(q, ALL);
  } catch (err) {
    if (err instanceof ParseError) return;
    throw err;
  }
  const s = exprToString(e);
  assert.ok(
    exprEqual(parseExpr(s, ALL), e),
    `${JSON.stringify(q)} printed as ${JSON.stringify(s)}`,
  );
  const p = formatExpr(e, 20);
  assert.ok(
    exprEqual(parseExpr(p, ALL), e),
    `${JSON.stringify(q)} pretty-printed as ${JSON.stringify(p)}`,
  );
}

const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((ts) => ts.join(''));

const mutated = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.nat({ max: 3 }),
        fc.constantFrom(...TOKENS),
        fc.string({ maxLength: 3 }),
      ),
      {
        minLength: 1,
        maxLength: 4,
      },
    ),
  )
  .map(([seed, edits]) => {
    let s = seed;
    for (const [at, len, tok, junk] of edits) {
      const i = at % (s.length + 1);
      s = s.slice(0, i) + (len % 2 === 0 ? tok : junk) + s.slice(i + len);
    }
    return s;
  });

/** Any text, mostly ASCII, including lone surrogates and astral characters. */
const anyText = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0x10ffff })), {
    maxLength: 60,
  })
  .map((cps) => String.fromCodePoint(...cps));

describe('parser properties', () => {
  it('seeds parse and round-trip', () => {
    for (const q of SEEDS) {
      assert.doesNotThrow(() => parseExpr(q, ALL), q);
      check(q);
    }
  });

  it('random token sequences throw only ParseError and round-trip when valid', () => {
    fc.assert(fc.property(tokenSoup, check), { numRuns: 1000, seed: 42 });
  });

  it('mutated queries throw only ParseError and round-trip when valid', () => {
    fc.assert(fc.property(mutated, check), { numRuns: 1000, seed: 7 });
  });

  it('arbitrary strings throw only ParseError', () => {
    fc.assert(
      fc.property(anyText, (q) => {
        check(q);
        try {
          parseMetricSelector(q);
        } catch (err) {
          if (!(err instanceof ParseError)) throw err;
        }
      }),
      { numRuns: 1000, seed: 3 },
    );
  });
});

describe('deep nesting', () => {
  const N = 100_000;
  const deep: [string, string][] = [
    ['parentheses', '('.repeat(N) + '1' + ')'.repeat(N)],
    ['unary minus', '-'.repeat(N) + '1'],
    ['left-associative chain', '1' + ' + 1'.repeat(N)],
    ['right-associative chain', '2' + ' ^ 2'.repeat(N)],
    ['nested calls', 'abs('.repeat(N) + 'x' + ')'.repeat(N)],
    ['nested aggregations', 'sum('.repeat(N) + 'x' + ')'.repeat(N)],
    ['nested subqueries', 'x' + '[1m:]'.repeat(N)],
    ['nested duration', 'x[' + '('.repeat(N) + '1' + ')'.repeat(N) + ']'],
    ['unclosed', '('.repeat(N)],
  ];
  for (const [name, q] of deep) {
    it(`${name} is rejected with a ParseError`, () => {
      const t0 = performance.now();
      assert.throws(() => parseExpr(q, ALL), ParseError);
      assert.ok(performance.now() - t0 < 2000, 'took too long');
    });
  }

  it('moderate nesting still parses, prints and type-checks', () => {
    const q = '('.repeat(450) + 'x' + ')'.repeat(450) + ' or y'.repeat(500);
    assert.equal(exprToString(parseExpr(q)), q);
    const neg = '-'.repeat(450) + 'x';
    assert.equal(exprToString(parseExpr(neg)), neg);
  });
});
