/**
 * The step-invariance check of Prometheus' script runner: every selector and subquery without an
 * `@` gets `@ <eval time>`, and the query must then give the same answer at other eval times.
 */
import { parseExpr, type Expr } from '../parser/index.js';

/** Functions whose result depends on the evaluation time even with step-invariant arguments. */
const TIME_DEPENDENT = new Set([
  'time',
  'timestamp',
  'predict_linear',
  'days_in_month',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'hour',
  'minute',
  'month',
  'year',
  'start',
  'end',
  'range',
  'step',
]);

/** All syntax the `.test` files use. */
export const TEST_PARSE_OPTIONS = {
  experimentalFunctions: true,
  durationExpressions: true,
  extendedRangeSelectors: true,
  binopFillModifiers: true,
} as const;

function usesTimeDependent(e: Expr): boolean {
  switch (e.type) {
    case 'Call':
      return TIME_DEPENDENT.has(e.func.name) || e.args.some(usesTimeDependent);
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'VectorSelector':
    case 'MatrixSelector':
      return false;
    case 'BinaryExpr':
      return usesTimeDependent(e.lhs) || usesTimeDependent(e.rhs);
    case 'AggregateExpr':
      return usesTimeDependent(e.expr) || (e.param !== undefined && usesTimeDependent(e.param));
    default:
      return usesTimeDependent(e.expr);
  }
}

/** Adds `@ ms` to every selector and subquery that lacks one; stops below a subquery with `@`. */
export function withAt(e: Expr, ms: number): Expr {
  const at = { kind: 'timestamp', ms } as const;
  switch (e.type) {
    case 'NumberLiteral':
    case 'StringLiteral':
      return e;
    case 'VectorSelector':
      return e.at ? e : { ...e, at };
    case 'MatrixSelector':
      return e.vectorSelector.at ? e : { ...e, vectorSelector: { ...e.vectorSelector, at } };
    case 'SubqueryExpr':
      return e.at ? e : { ...e, at };
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'StepInvariantExpr':
      return { ...e, expr: withAt(e.expr, ms) };
    case 'BinaryExpr':
      return { ...e, lhs: withAt(e.lhs, ms), rhs: withAt(e.rhs, ms) };
    case 'AggregateExpr':
      return {
        ...e,
        expr: withAt(e.expr, ms),
        ...(e.param !== undefined ? { param: withAt(e.param, ms) } : {}),
      };
    case 'Call':
      return { ...e, args: e.args.map((a) => withAt(a, ms)) };
  }
}

/** The (expression, time) pairs the check evaluates, or none when the check does not apply. */
export function atModifierCases(expr: string, t: number): { expr: Expr; t: number }[] {
  const parsed = parseExpr(expr, TEST_PARSE_OPTIONS);
  if (usesTimeDependent(parsed)) return [];
  const rewritten = withAt(parsed, t);
  const times = t === 0 ? [-1000, 0, 1000] : [-10 * t, 0, Math.trunc(t / 5), t, 10 * t];
  return times.map((et) => ({ expr: rewritten, t: et }));
}
