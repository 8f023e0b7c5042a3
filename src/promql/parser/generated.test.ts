/**
 * Grammar-driven property test: randomly generated, well-typed queries covering every construct
 * must parse, and their printed and pretty-printed forms must parse back to an equal AST.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { exprEqual, exprToString, formatExpr, parseExpr, type ParseOptions } from './index.js';

const ALL: ParseOptions = {
  experimentalFunctions: true,
  durationExpressions: true,
  extendedRangeSelectors: true,
  binopFillModifiers: true,
};

const name = fc.constantFrom(
  'up',
  'http_requests_total',
  'a:b:c',
  'sum',
  'by',
  'offset',
  'node_cpu',
);
const labelName = fc.constantFrom('job', 'instance', '"dotted.name"', 'le', 'code', 'on', 'bool');
const str = fc.constantFrom('"x"', "'y'", '`z`', '"a\\nb"', '"é"', '""', '"\\\\d+"');
const matcher = fc
  .tuple(labelName, fc.constantFrom('=', '!=', '=~', '!~'), str)
  .map(([l, op, v]) => `${l}${op}${v}`);
const literalDuration = fc.constantFrom('5m', '1h30m', '30s', '1d', '2w', '10s53ms', '300', '1.5');
const durationExpr = fc.oneof(
  literalDuration,
  fc
    .tuple(literalDuration, fc.constantFrom('+', '*'), fc.constantFrom('2', '1m'))
    .map((p) => p.join(' ')),
  fc.constantFrom('step()', 'step() * 2', 'max_of(range(), 1m)', '(5m + 1m)', '1h / 2'),
);
const offset = fc.oneof(
  fc.constant(''),
  literalDuration.map((d) => ` offset ${d}`),
  literalDuration.map((d) => ` offset -${d}`),
  fc.constantFrom(' offset -step()', ' offset (1h + 5m)', ' offset min_of(step(), 1s)'),
);
const at = fc.constantFrom('', ' @ 100', ' @ -1.5', ' @ start()', ' @ end()');

const selector = fc
  .tuple(name, fc.array(matcher, { maxLength: 3 }))
  .map(([n, ms]) => (ms.length === 0 ? n : `${n}{${ms.join(', ')}}`));

const num = fc.oneof(
  fc.double({ noNaN: false, noDefaultInfinity: false }).map((v) => {
    if (Number.isNaN(v)) return 'NaN';
    if (v === Infinity) return 'Inf';
    if (v === -Infinity) return '-Inf';
    return String(v);
  }),
  fc.constantFrom('0x1f', '1_000', '.5', '5.', '0755', '1e3', '5m'),
);

interface Typed {
  vector: string;
  scalar: string;
  matrix: string;
}

const { vector, scalar } = fc.letrec<Typed>((tieAny) => {
  const tie = (k: keyof Typed): fc.Arbitrary<string> => tieAny(k) as fc.Arbitrary<string>;
  return {
    vector: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.tuple(selector, at, offset).map(([s, a, o]) => `${s}${a}${o}`),
      fc
        .tuple(fc.constantFrom('rate', 'increase', 'max_over_time', 'changes'), tie('matrix'))
        .map(([f, m]) => `${f}(${m})`),
      fc
        .tuple(
          fc.constantFrom('sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar'),
          fc.constantFrom('', ' by (job)', ' without (instance, "dotted.name")', ' by ()'),
          fc.boolean(),
          tie('vector'),
        )
        .map(([op, g, after, v]) => (after ? `${op}(${v})${g}` : `${op}${g} (${v})`)),
      fc
        .tuple(
          fc.constantFrom('topk', 'bottomk', 'quantile', 'limitk', 'limit_ratio'),
          tie('scalar'),
          tie('vector'),
        )
        .map(([op, p, v]) => `${op}(${p}, ${v})`),
      fc
        .tuple(tie('vector'), fc.constantFrom('', ' by (job)'))
        .map(([v, g]) => `count_values${g} ("x", ${v})`),
      fc
        .tuple(
          tie('vector'),
          fc.constantFrom(
            '+',
            '-',
            '*',
            '/',
            '%',
            '^',
            'atan2',
            '==',
            '!=',
            '>',
            '<=',
            '> bool',
            '== bool',
          ),
          fc.constantFrom(
            '',
            ' on (job)',
            ' ignoring (instance)',
            ' on (job) group_left ()',
            ' on (job) group_right (le)',
            ' fill (0)',
            ' fill_left (1) fill_right (-2)',
          ),
          tie('vector'),
        )
        .map(([l, op, m, r]) => `(${l}) ${op}${m} (${r})`),
      fc
        .tuple(
          tie('vector'),
          fc.constantFrom('and', 'or', 'unless'),
          fc.constantFrom('', ' on (job)'),
          tie('vector'),
        )
        .map(([l, op, m, r]) => `(${l}) ${op}${m} (${r})`),
      fc
        .tuple(tie('scalar'), fc.constantFrom('+', '*', '>', '^'), tie('vector'))
        .map(([l, op, r]) => `(${l}) ${op} (${r})`),
      tie('vector').map((v) => `(${v})`),
      tie('vector').map((v) => `-(${v})`),
      tie('vector').map((v) => `abs(${v})`),
      tie('vector').map((v) => `label_replace(${v}, "dst", "$1", "src", "(.*)")`),
      tie('vector').map((v) => `sort_by_label(${v}, "a", "b")`),
      fc.tuple(tie('scalar'), tie('vector')).map(([s, v]) => `histogram_quantile(${s}, ${v})`),
      tie('scalar').map((s) => `vector(${s})`),
    ),
    scalar: fc.oneof(
      { depthSize: 'small' },
      num,
      fc.constantFrom('time()', 'pi()', 'step()'),
      tie('vector').map((v) => `scalar(${v})`),
      fc
        .tuple(
          tie('scalar'),
          fc.constantFrom('+', '-', '*', '/', '^', '== bool', '> bool'),
          tie('scalar'),
        )
        .map(([l, op, r]) => `(${l}) ${op} (${r})`),
      tie('scalar').map((s) => `(${s})`),
    ),
    matrix: fc.oneof(
      fc
        .tuple(selector, durationExpr, fc.constantFrom('', ' anchored', ' smoothed'), at, offset)
        .map(([s, d, x, a, o]) => `${s}[${d}]${x}${a}${o}`),
      fc
        // A subquery range must contain a digit before its colon (as in Prometheus' lexer).
        .tuple(tie('vector'), literalDuration, fc.option(durationExpr), at, offset)
        .map(([v, r, st, a, o]) => `(${v})[${r}:${st ?? ''}]${a}${o}`),
    ),
  };
});

describe('generated queries', () => {
  it('parse and round-trip through both printers', () => {
    fc.assert(
      fc.property(fc.oneof(vector, scalar), (q) => {
        const e = parseExpr(q, ALL);
        const s = exprToString(e);
        assert.ok(exprEqual(parseExpr(s, ALL), e), `${q}\nprinted as\n${s}`);
        const p = formatExpr(e, 40);
        assert.ok(exprEqual(parseExpr(p, ALL), e), `${q}\npretty-printed as\n${p}`);
      }),
      { numRuns: 800, seed: 11 },
    );
  });
});
