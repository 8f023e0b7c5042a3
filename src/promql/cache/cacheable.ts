/**
 * Which range queries the result cache may serve: those whose value at a step `t` depends only
 * on samples at or before `t` and on nothing but `t`, the step and the lookback delta. Then a
 * step's value is the same in every range query that contains the step (so cached steps can be
 * merged with freshly evaluated ones), and a write at timestamp `w` can only change steps >= `w`
 * (so late writes invalidate a known suffix).
 */
import { children, exprToString, type Expr } from '../parser/index.js';

/** Why a query is not cached, or `undefined` when it is cacheable. */
export type UncacheableReason =
  'at-modifier' | 'negative-offset' | 'duration-expression' | 'extended-range-selector' | undefined;

/**
 * Checks a parsed query. Unsafe:
 * - `@` (including `@ start()`/`@ end()`): the value depends on the query's range or a fixed
 *   instant, not on the step;
 * - negative offsets: the value at `t` reads samples after `t`, so a write at `w` changes earlier
 *   steps;
 * - duration expressions (`[range()]`, `offset step()*2`, …): `range()` depends on the query's
 *   range; they are all refused to keep the rule simple;
 * - `anchored`/`smoothed` selectors: they read past the evaluation time.
 * Functions are all safe: PromQL has no wall-clock function (`time()` is the step's timestamp,
 * `timestamp()` a sample's), and subquery steps are aligned to absolute time.
 */
export function uncacheableReason(e: Expr): UncacheableReason {
  switch (e.type) {
    case 'VectorSelector':
      if (e.at !== undefined) return 'at-modifier';
      if (e.offsetExpr !== undefined) return 'duration-expression';
      if (e.offset < 0) return 'negative-offset';
      if (e.anchored === true || e.smoothed === true) return 'extended-range-selector';
      return undefined;
    case 'MatrixSelector':
      if (e.rangeExpr !== undefined) return 'duration-expression';
      break;
    case 'SubqueryExpr':
      if (e.at !== undefined) return 'at-modifier';
      if (e.offsetExpr !== undefined || e.rangeExpr !== undefined || e.stepExpr !== undefined)
        return 'duration-expression';
      if (e.offset < 0) return 'negative-offset';
      break;
    case 'StepInvariantExpr':
      // Only the engine produces it (around `@` subtrees); refuse to be safe.
      return 'at-modifier';
    default:
      break;
  }
  for (const c of children(e)) {
    const r = uncacheableReason(c);
    if (r !== undefined) return r;
  }
  return undefined;
}

/**
 * The query's normalised text: the parser's canonical printing, so that spacing, comments and
 * label-matcher spelling differences share one cache entry.
 */
export function normalisedQuery(e: Expr): string {
  return exprToString(e);
}
