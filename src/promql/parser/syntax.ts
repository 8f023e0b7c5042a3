/** Tables of PromQL syntax shared by the parser: operator precedence and word classes. */
import type { AggregateOp } from './ast.js';
import { isNumberToken } from './durations.js';
import { isAggregatorKind, type Token, type TokenKind } from './tokenkinds.js';

/** Binding strength of binary operators (higher binds tighter); `^` is right-associative. */
export const PRECEDENCE: Readonly<Partial<Record<TokenKind, number>>> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '<': 3,
  '<=': 3,
  '>': 3,
  '>=': 3,
  '</': 3,
  '>/': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  atan2: 5,
  '^': 6,
};
/** The binding strength of `^`, which is also the operand level of unary `+`/`-`. */
export const POW_PRECEDENCE = 6;

/** Tokens that may name a metric when they start an expression. */
export const METRIC_WORDS: ReadonlySet<TokenKind> = new Set<TokenKind>([
  'IDENTIFIER',
  'METRIC_IDENTIFIER',
  'by',
  'without',
  'offset',
  'fill',
  'fill_left',
  'fill_right',
  'and',
  'or',
  'unless',
  'anchored',
  'smoothed',
  'start',
  'end',
  'step',
  'range',
  'max_of',
  'min_of',
]);

/** Aggregations that take a parameter before the vector. */
export const PARAM_AGGREGATIONS: ReadonlySet<AggregateOp> = new Set<AggregateOp>([
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'limitk',
  'limit_ratio',
]);

/** Whether a token can begin an expression. */
export function canStartExpr(t: Token): boolean {
  return (
    METRIC_WORDS.has(t.kind) ||
    isAggregatorKind(t.kind) ||
    isNumberToken(t) ||
    t.kind === 'STRING' ||
    t.kind === '(' ||
    t.kind === '{' ||
    t.kind === '+' ||
    t.kind === '-'
  );
}
