/**
 * Evaluation of duration expressions. Constant ones are evaluated by the parser; those using
 * `step()` or `range()` are resolved per query with `resolveDurations`.
 */
import type { DurationExpr, Expr, PosRange } from './ast.js';

/** The query timing that `step()` and `range()` refer to, in milliseconds. */
export interface DurationContext {
  /** The step of a range query (0 for instant queries). */
  readonly stepMs: number;
  /** End minus start of a range query (0 for instant queries). */
  readonly rangeMs: number;
}

/** Thrown when a duration expression evaluates to an unusable value. */
export class DurationError extends Error {
  override readonly name = 'DurationError';
  constructor(
    readonly positionRange: PosRange,
    readonly detail: string,
  ) {
    super(`${positionRange.start}:${positionRange.end}: ${detail}`);
  }
}

const MAX_SECONDS = 2 ** 63 / 1e9;

/** Whether the expression refers to `step()` or `range()`. */
export function usesQueryTiming(e: DurationExpr): boolean {
  switch (e.type) {
    case 'DurationNumber':
      return false;
    case 'DurationUnary':
    case 'DurationParen':
      return usesQueryTiming(e.expr);
    case 'DurationBinary':
      return usesQueryTiming(e.lhs) || usesQueryTiming(e.rhs);
    case 'DurationCall':
      return e.func === 'step' || e.func === 'range' || e.args.some(usesQueryTiming);
  }
}

/** Evaluates a duration expression to seconds. */
export function evalDurationSeconds(e: DurationExpr, ctx: DurationContext): number {
  switch (e.type) {
    case 'DurationNumber':
      return e.seconds;
    case 'DurationParen':
      return evalDurationSeconds(e.expr, ctx);
    case 'DurationUnary':
      return -evalDurationSeconds(e.expr, ctx);
    case 'DurationCall': {
      if (e.func === 'step') return ctx.stepMs / 1000;
      if (e.func === 'range') return ctx.rangeMs / 1000;
      const a = evalDurationSeconds(e.args[0]!, ctx);
      const b = evalDurationSeconds(e.args[1]!, ctx);
      return e.func === 'max_of' ? Math.max(a, b) : Math.min(a, b);
    }
    case 'DurationBinary': {
      const l = evalDurationSeconds(e.lhs, ctx);
      const r = evalDurationSeconds(e.rhs, ctx);
      switch (e.op) {
        case '+':
          return l + r;
        case '-':
          return l - r;
        case '*':
          return l * r;
        case '/':
          if (r === 0) throw new DurationError(e.posRange, 'division by zero');
          return l / r;
        case '%':
          if (r === 0) throw new DurationError(e.posRange, 'modulo by zero');
          return l % r;
        case '^':
          return l ** r;
      }
    }
  }
}

/**
 * Evaluates a duration expression to whole milliseconds, rejecting NaN, infinite, out-of-range
 * and (unless `allowNegative`, as for offsets) non-positive values.
 */
export function durationMs(e: DurationExpr, ctx: DurationContext, allowNegative: boolean): number {
  const s = evalDurationSeconds(e, ctx);
  if (!Number.isFinite(s)) throw new DurationError(e.posRange, 'duration is NaN or infinite');
  if (s <= 0 && !allowNegative)
    throw new DurationError(e.posRange, 'duration must be greater than 0');
  if (s > MAX_SECONDS || s < -MAX_SECONDS)
    throw new DurationError(e.posRange, 'duration is out of range');
  return Math.trunc(s * 1000) || 0;
}

/** The value of a constant duration expression in ms, or 0 when it is not (yet) valid. */
export function constantDurationMs(e: DurationExpr, allowNegative: boolean): number {
  if (usesQueryTiming(e)) return 0;
  try {
    return durationMs(e, { stepMs: 0, rangeMs: 0 }, allowNegative);
  } catch (err) {
    if (err instanceof DurationError) return 0;
    throw err;
  }
}

/**
 * Returns the expression with every duration expression (`offsetExpr`, `rangeExpr`,
 * `stepExpr`) evaluated for the given query timing and stored in `offset`, `range` and `step`.
 * Unchanged subtrees are returned as they are. Throws DurationError for invalid durations.
 */
export function resolveDurations(e: Expr, ctx: DurationContext): Expr {
  switch (e.type) {
    case 'NumberLiteral':
    case 'StringLiteral':
      return e;
    case 'VectorSelector':
      return e.offsetExpr ? { ...e, offset: durationMs(e.offsetExpr, ctx, true) } : e;
    case 'MatrixSelector': {
      const vs = resolveDurations(e.vectorSelector, ctx);
      const range = e.rangeExpr ? durationMs(e.rangeExpr, ctx, false) : e.range;
      if (vs === e.vectorSelector && range === e.range) return e;
      return { ...e, vectorSelector: vs as typeof e.vectorSelector, range };
    }
    case 'SubqueryExpr': {
      const inner = resolveDurations(e.expr, ctx);
      const range = e.rangeExpr ? durationMs(e.rangeExpr, ctx, false) : e.range;
      const step = e.stepExpr ? durationMs(e.stepExpr, ctx, false) : e.step;
      const offset = e.offsetExpr ? durationMs(e.offsetExpr, ctx, true) : e.offset;
      if (inner === e.expr && range === e.range && step === e.step && offset === e.offset) return e;
      return { ...e, expr: inner, range, step, offset };
    }
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'StepInvariantExpr': {
      const inner = resolveDurations(e.expr, ctx);
      return inner === e.expr ? e : { ...e, expr: inner };
    }
    case 'BinaryExpr': {
      const lhs = resolveDurations(e.lhs, ctx);
      const rhs = resolveDurations(e.rhs, ctx);
      return lhs === e.lhs && rhs === e.rhs ? e : { ...e, lhs, rhs };
    }
    case 'AggregateExpr': {
      const inner = resolveDurations(e.expr, ctx);
      const param = e.param === undefined ? undefined : resolveDurations(e.param, ctx);
      if (inner === e.expr && param === e.param) return e;
      return param === undefined ? { ...e, expr: inner } : { ...e, expr: inner, param };
    }
    case 'Call': {
      const args = e.args.map((a) => resolveDurations(a, ctx));
      return args.every((a, i) => a === e.args[i]) ? e : { ...e, args };
    }
  }
}
