/**
 * The postfix modifiers of selectors and subqueries: `[range]`, `[range:step]`, `offset`, `@`,
 * `anchored` and `smoothed`, with Prometheus' checks of where each may appear.
 */
import type {
  AtModifier,
  DurationExpr,
  Expr,
  MatrixSelector,
  PosRange,
  SubqueryExpr,
  VectorSelector,
} from './ast.js';
import { formatFloatF6, goRound } from './numbers.js';
import { constantDurationMs } from './resolve.js';
import type { TokenStream } from './tokens.js';

/** Milliseconds of a duration literal given in seconds (rounded to ns, then truncated to ms). */
export function secondsToMs(seconds: number): number {
  return Math.trunc(goRound(seconds * 1e9) / 1e6) || 0;
}

/** A duration slot's value: literal → ms; expression → its constant value and the expression. */
export function durationSlot(
  d: DurationExpr,
  allowNegative: boolean,
): { ms: number; expr: DurationExpr | undefined } {
  if (d.type === 'DurationNumber') return { ms: secondsToMs(d.seconds), expr: undefined };
  return { ms: constantDurationMs(d, allowNegative), expr: d };
}

const OFFSET_TARGET =
  'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery';
const AT_TARGET =
  '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery';
const RANGES_ONLY = 'ranges only allowed for vector selectors';

function withEnd(r: PosRange, end: number): PosRange {
  return { start: r.start, end };
}

function setOffset<T extends VectorSelector | SubqueryExpr>(n: T, d: DurationExpr): T {
  const { ms, expr } = durationSlot(d, true);
  // The caller has checked that no offset was set before, so `n` has no `offsetExpr` yet.
  return expr === undefined ? { ...n, offset: ms } : { ...n, offset: ms, offsetExpr: expr };
}

/** Applies `offset d` (ending at `end`) to `e`. */
export function applyOffset(ts: TokenStream, e: Expr, d: DurationExpr, end: number): Expr {
  const target = e.type === 'MatrixSelector' ? e.vectorSelector : e;
  if (target.type !== 'VectorSelector' && target.type !== 'SubqueryExpr') {
    return ts.fail(e.posRange, OFFSET_TARGET);
  }
  if (target.offset !== 0 || target.offsetExpr !== undefined) {
    ts.fail(e.posRange, 'offset may not be set multiple times');
  }
  const updated = setOffset(target, d);
  if (e.type === 'MatrixSelector') {
    return { ...e, vectorSelector: updated as VectorSelector, posRange: withEnd(e.posRange, end) };
  }
  return { ...updated, posRange: withEnd(e.posRange, end) };
}

/** Applies `@ <timestamp in seconds>` or `@ start()` / `@ end()` (ending at `end`) to `e`. */
export function applyAt(ts: TokenStream, e: Expr, at: AtModifier | number, end: number): Expr {
  let mod: AtModifier;
  if (typeof at === 'number') {
    if (!Number.isFinite(at) || at >= 2 ** 63 || at <= -(2 ** 63)) {
      ts.fail(e.posRange, `timestamp out of bounds for @ modifier: ${formatFloatF6(at)}`);
    }
    mod = { kind: 'timestamp', ms: goRound(at * 1000) || 0 };
  } else {
    mod = at;
  }
  const target = e.type === 'MatrixSelector' ? e.vectorSelector : e;
  if (e.type === 'MatrixSelector' && target.type !== 'VectorSelector')
    ts.fail(e.posRange, RANGES_ONLY);
  if (target.type !== 'VectorSelector' && target.type !== 'SubqueryExpr')
    return ts.fail(e.posRange, AT_TARGET);
  if (target.at !== undefined) ts.fail(e.posRange, '@ <timestamp> may not be set multiple times');
  if (e.type === 'MatrixSelector') {
    return {
      ...e,
      vectorSelector: { ...(target as VectorSelector), at: mod },
      posRange: withEnd(e.posRange, end),
    };
  }
  return { ...target, at: mod, posRange: withEnd(e.posRange, end) };
}

/** Applies the `anchored` or `smoothed` modifier (experimental extended range selectors). */
export function applyExtendedRange(
  ts: TokenStream,
  e: Expr,
  kind: 'anchored' | 'smoothed',
  enabled: boolean,
  end: number,
): Expr {
  if (!enabled) ts.fail(e.posRange, `${kind} modifier is experimental and not enabled`);
  const other = kind === 'anchored' ? 'smoothed' : 'anchored';
  const mark = (vs: VectorSelector): VectorSelector => {
    if (vs[other] === true)
      ts.fail(e.posRange, 'anchored and smoothed modifiers cannot be used together');
    return { ...vs, [kind]: true };
  };
  switch (e.type) {
    case 'VectorSelector':
      return { ...mark(e), posRange: withEnd(e.posRange, end) };
    case 'MatrixSelector':
      return { ...e, vectorSelector: mark(e.vectorSelector), posRange: withEnd(e.posRange, end) };
    case 'SubqueryExpr':
      return ts.fail(e.posRange, `${kind} modifier is not supported for subqueries`);
    default:
      return ts.fail(e.posRange, `${kind} modifier not implemented`);
  }
}

/** Builds `e[range]`; `bracket` spans the brackets, for error positions. */
export function makeMatrix(
  ts: TokenStream,
  e: Expr,
  range: DurationExpr,
  bracket: PosRange,
): MatrixSelector {
  if (e.type !== 'VectorSelector') return ts.fail(bracket, RANGES_ONLY);
  if (e.offset !== 0 || e.offsetExpr !== undefined)
    ts.fail(bracket, 'no offset modifiers allowed before range');
  if (e.at !== undefined) ts.fail(bracket, 'no @ modifiers allowed before range');
  const { ms, expr } = durationSlot(range, false);
  const base = {
    type: 'MatrixSelector' as const,
    vectorSelector: e,
    range: ms,
    posRange: { start: e.posRange.start, end: bracket.end },
  };
  return expr === undefined ? base : { ...base, rangeExpr: expr };
}

/** Builds `e[range:step]`; `step` is undefined for `e[range:]`. */
export function makeSubquery(
  e: Expr,
  range: DurationExpr,
  step: DurationExpr | undefined,
  end: number,
): SubqueryExpr {
  const r = durationSlot(range, false);
  const s = step === undefined ? { ms: 0, expr: undefined } : durationSlot(step, false);
  let out: SubqueryExpr = {
    type: 'SubqueryExpr',
    expr: e,
    range: r.ms,
    step: s.ms,
    offset: 0,
    posRange: { start: e.posRange.start, end },
  };
  if (r.expr !== undefined) out = { ...out, rangeExpr: r.expr };
  if (s.expr !== undefined) out = { ...out, stepExpr: s.expr };
  return out;
}
