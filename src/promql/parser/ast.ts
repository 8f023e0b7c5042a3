/**
 * The PromQL abstract syntax tree: a discriminated union of expression nodes (`Expr`) plus the
 * small union of duration expressions (`DurationExpr`) that may appear where PromQL expects a
 * duration (ranges, subquery steps, offsets).
 *
 * Nodes are plain, immutable-by-convention objects. Every node carries `posRange`, the half-open
 * range `[start, end)` of character offsets (UTF-16 code units) of its text in the query.
 */
import type { Matcher } from '../../model/index.js';
import type { FunctionDef } from './functions.js';

/** The type of value an expression evaluates to. `none` is only used for invalid trees. */
export type ValueType = 'none' | 'scalar' | 'vector' | 'matrix' | 'string';

/** A half-open range `[start, end)` of character offsets into the query text. */
export interface PosRange {
  readonly start: number;
  readonly end: number;
}

/** Arithmetic binary operators. */
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2';
/** Comparison binary operators (filtering, or returning 0/1 with `bool`). */
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
/** Native histogram trim operators (`</` trims buckets above, `>/` below a value). */
export type TrimOp = '</' | '>/';
/** Set operators between instant vectors. */
export type SetOp = 'and' | 'or' | 'unless';
/** Every binary operator of PromQL. */
export type BinaryOp = ArithmeticOp | ComparisonOp | TrimOp | SetOp;

/** Every aggregation operator of PromQL (`limitk` and `limit_ratio` are experimental). */
export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'count'
  | 'min'
  | 'max'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'count_values'
  | 'quantile'
  | 'limitk'
  | 'limit_ratio';

/** The cardinality of a vector-vector binary operation. */
export type MatchCardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

/**
 * How the two sides of a vector-vector binary operation are matched. Present on every
 * `BinaryExpr` whose two operands are both vectors (set operators get `many-to-many`); absent
 * when either side is a scalar.
 */
export interface VectorMatching {
  readonly card: MatchCardinality;
  /** True for `on(...)`, false for `ignoring(...)` or when no modifier was given. */
  readonly on: boolean;
  /** The labels of `on(...)` / `ignoring(...)`. */
  readonly labels: readonly string[];
  /** The extra labels of `group_left(...)` / `group_right(...)`. */
  readonly include: readonly string[];
  /**
   * Values to fill in for a missing match on either side (`fill(v)`, `fill_left(v)`,
   * `fill_right(v)`, experimental). `undefined` on a side means no filling on that side.
   */
  readonly fill?: { readonly lhs?: number; readonly rhs?: number };
}

/** The `@` modifier of a selector or subquery. `ms` is a Unix timestamp in milliseconds. */
export type AtModifier =
  | { readonly kind: 'timestamp'; readonly ms: number }
  | { readonly kind: 'start' }
  | { readonly kind: 'end' };

// ---------------------------------------------------------------------------------------------
// Duration expressions

/** Operators allowed inside duration expressions. */
export type DurationOp = '+' | '-' | '*' | '/' | '%' | '^';

/**
 * A number or duration literal inside a duration expression, in seconds (`5m` → 300,
 * `1.5` → 1.5). `isDuration` records whether it was written with units, for printing.
 */
export interface DurationNumber {
  readonly type: 'DurationNumber';
  readonly seconds: number;
  readonly isDuration: boolean;
  readonly posRange: PosRange;
}

/** A unary `+` or `-` in a duration expression. */
export interface DurationUnary {
  readonly type: 'DurationUnary';
  readonly op: '+' | '-';
  readonly expr: DurationExpr;
  readonly posRange: PosRange;
}

/** A binary arithmetic operation in a duration expression. */
export interface DurationBinary {
  readonly type: 'DurationBinary';
  readonly op: DurationOp;
  readonly lhs: DurationExpr;
  readonly rhs: DurationExpr;
  readonly posRange: PosRange;
}

/**
 * `step()` (the query step), `range()` (the query range; 0 for instant queries) or
 * `max_of(a, b)` / `min_of(a, b)` inside a duration expression.
 */
export interface DurationCall {
  readonly type: 'DurationCall';
  readonly func: 'step' | 'range' | 'max_of' | 'min_of';
  readonly args: readonly DurationExpr[];
  readonly posRange: PosRange;
}

/** A parenthesised duration expression. */
export interface DurationParen {
  readonly type: 'DurationParen';
  readonly expr: DurationExpr;
  readonly posRange: PosRange;
}

/**
 * A duration written as an expression (Prometheus 3 duration arithmetic), kept for printing
 * and, when it uses `step()` or `range()`, for resolution at query time.
 */
export type DurationExpr =
  DurationNumber | DurationUnary | DurationBinary | DurationCall | DurationParen;

// ---------------------------------------------------------------------------------------------
// Expressions

/** A number literal. `isDuration` is set when it was written as a duration (`5m`, in seconds). */
export interface NumberLiteral {
  readonly type: 'NumberLiteral';
  readonly value: number;
  readonly isDuration?: boolean;
  readonly posRange: PosRange;
}

/** A string literal, with escapes already decoded. */
export interface StringLiteral {
  readonly type: 'StringLiteral';
  readonly value: string;
  readonly posRange: PosRange;
}

/**
 * An instant vector selector. `matchers` include the `__name__` matcher derived from `name`
 * (like Prometheus). Duration fields are in milliseconds.
 *
 * When `offsetExpr` is present the offset was written as an expression; `offset` then holds its
 * value if it is constant, and 0 if it depends on `step()`/`range()` — call `resolveDurations`
 * (exported beside the parser) with the query's step and range to fill it in.
 */
export interface VectorSelector {
  readonly type: 'VectorSelector';
  readonly name: string;
  readonly matchers: readonly Matcher[];
  /** The offset as written, in ms; negative offsets look into the future. 0 when none. */
  readonly offset: number;
  readonly offsetExpr?: DurationExpr;
  readonly at?: AtModifier;
  /** `anchored` modifier (experimental extended range selectors). */
  readonly anchored?: boolean;
  /** `smoothed` modifier (experimental extended range selectors). */
  readonly smoothed?: boolean;
  readonly posRange: PosRange;
}

/**
 * A range vector selector `sel[range]`. Offset, `@` and `anchored`/`smoothed` modifiers written
 * after the range are stored on the inner `vectorSelector`. `range` is in ms (see
 * `VectorSelector` for the meaning of `rangeExpr`).
 */
export interface MatrixSelector {
  readonly type: 'MatrixSelector';
  readonly vectorSelector: VectorSelector;
  readonly range: number;
  readonly rangeExpr?: DurationExpr;
  readonly posRange: PosRange;
}

/**
 * A subquery `expr[range:step]`. `step` 0 means the default evaluation interval. All durations
 * are in ms; `*Expr` fields have the meaning described on `VectorSelector`.
 */
export interface SubqueryExpr {
  readonly type: 'SubqueryExpr';
  readonly expr: Expr;
  readonly range: number;
  readonly rangeExpr?: DurationExpr;
  readonly step: number;
  readonly stepExpr?: DurationExpr;
  readonly offset: number;
  readonly offsetExpr?: DurationExpr;
  readonly at?: AtModifier;
  readonly posRange: PosRange;
}

/** A parenthesised expression. */
export interface ParenExpr {
  readonly type: 'ParenExpr';
  readonly expr: Expr;
  readonly posRange: PosRange;
}

/** A unary `-` or `+` applied to a non-literal (negated number literals fold into the literal). */
export interface UnaryExpr {
  readonly type: 'UnaryExpr';
  readonly op: '-' | '+';
  readonly expr: Expr;
  readonly posRange: PosRange;
}

/** A binary operation. `matching` is present when both operands are instant vectors. */
export interface BinaryExpr {
  readonly type: 'BinaryExpr';
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  /** The `bool` modifier of a comparison. */
  readonly returnBool: boolean;
  readonly matching?: VectorMatching;
  readonly posRange: PosRange;
}

/**
 * An aggregation. `param` is the first argument of `topk`, `bottomk`, `quantile`,
 * `count_values`, `limitk` and `limit_ratio`.
 */
export interface AggregateExpr {
  readonly type: 'AggregateExpr';
  readonly op: AggregateOp;
  readonly expr: Expr;
  readonly param?: Expr;
  readonly grouping: readonly string[];
  /** True for `without(...)`, false for `by(...)` or no grouping. */
  readonly without: boolean;
  readonly posRange: PosRange;
}

/** A function call; `func` is the signature from the function registry. */
export interface Call {
  readonly type: 'Call';
  readonly func: FunctionDef;
  readonly args: readonly Expr[];
  readonly posRange: PosRange;
}

/**
 * Marks a subtree whose value does not change across the steps of a range query (for example a
 * selector with `@`). The parser never produces it; the engine may wrap subtrees in it.
 */
export interface StepInvariantExpr {
  readonly type: 'StepInvariantExpr';
  readonly expr: Expr;
  readonly posRange: PosRange;
}

/** Any PromQL expression. */
export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | ParenExpr
  | UnaryExpr
  | BinaryExpr
  | AggregateExpr
  | Call
  | StepInvariantExpr;

/** The value type an expression evaluates to (the parser has already checked it). */
export function exprType(e: Expr): ValueType {
  switch (e.type) {
    case 'NumberLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'VectorSelector':
    case 'AggregateExpr':
      return 'vector';
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return 'matrix';
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'StepInvariantExpr':
      return exprType(e.expr);
    case 'BinaryExpr':
      return exprType(e.lhs) === 'scalar' && exprType(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'Call':
      return e.func.returnType;
  }
}

/** Whether `op` is a comparison operator (the only ones that accept `bool`). */
export function isComparisonOp(op: BinaryOp): op is ComparisonOp {
  return op === '==' || op === '!=' || op === '>' || op === '<' || op === '>=' || op === '<=';
}

/** Whether `op` is a set operator (`and`, `or`, `unless`). */
export function isSetOp(op: BinaryOp): op is SetOp {
  return op === 'and' || op === 'or' || op === 'unless';
}

/** The direct child expressions of a node, in source order. */
export function children(e: Expr): Expr[] {
  switch (e.type) {
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'VectorSelector':
      return [];
    case 'MatrixSelector':
      return [e.vectorSelector];
    case 'SubqueryExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'StepInvariantExpr':
      return [e.expr];
    case 'BinaryExpr':
      return [e.lhs, e.rhs];
    case 'AggregateExpr':
      return e.param === undefined ? [e.expr] : [e.param, e.expr];
    case 'Call':
      return [...e.args];
  }
}
