/**
 * The PromQL parser: AST types, the function registry, parsing, type checking, duration
 * resolution and printing. Behaves like the parser of Prometheus 3.
 */
import type { Matcher } from '../../model/index.js';
import type { Expr } from './ast.js';
import { Parser, type ParseOptions } from './parser.js';

export type {
  AggregateExpr,
  AggregateOp,
  ArithmeticOp,
  AtModifier,
  BinaryExpr,
  BinaryOp,
  Call,
  ComparisonOp,
  DurationBinary,
  DurationCall,
  DurationExpr,
  DurationNumber,
  DurationOp,
  DurationParen,
  DurationUnary,
  Expr,
  MatchCardinality,
  MatrixSelector,
  NumberLiteral,
  ParenExpr,
  PosRange,
  SetOp,
  StepInvariantExpr,
  StringLiteral,
  SubqueryExpr,
  TrimOp,
  UnaryExpr,
  ValueType,
  VectorMatching,
  VectorSelector,
} from './ast.js';
export { children, exprType, isComparisonOp, isSetOp } from './ast.js';
export { documentedType } from './check.js';
export { exprEqual } from './equal.js';
export { ParseError } from './errors.js';
export {
  FUNCTIONS,
  argType,
  getFunction,
  maxArgs,
  minArgs,
  type FunctionDef,
} from './functions.js';
export { formatDuration, NumberSyntaxError } from './numbers.js';
export type { ParseOptions } from './parser.js';
export { DEFAULT_MAX_LINE, formatExpr } from './pretty.js';
export { durationExprToString, exprToString, matcherToString } from './printer.js';
export {
  DurationError,
  evalDurationSeconds,
  resolveDurations,
  usesQueryTiming,
  type DurationContext,
} from './resolve.js';

/**
 * Parses a PromQL expression and type-checks it. Throws ParseError (with a Prometheus-style
 * message and position) for invalid input. Experimental syntax is rejected unless enabled in
 * `opts`, as in Prometheus.
 */
export function parseExpr(input: string, opts?: ParseOptions): Expr {
  return new Parser(input, opts).parseQuery();
}

/**
 * Parses a series selector such as a `match[]` parameter (`up{job="api"}`, `{"my.metric"}`) and
 * returns its matchers; a metric name written before the braces becomes the last matcher.
 */
export function parseMetricSelector(input: string): Matcher[] {
  return [...new Parser(input).parseSeriesSelector().matchers];
}

/**
 * Parses a Prometheus duration (`1h30m`, `5m`, `0`) to milliseconds. Throws NumberSyntaxError
 * with Prometheus' message for invalid text.
 */
export { parseDuration } from './numbers.js';
