/**
 * Label lists of `by`/`without`, `on`/`ignoring` and `group_left`/`group_right`, and the
 * modifiers between a binary operator and its right operand (`bool`, vector matching, `fill`).
 */
import type { MatchCardinality } from './ast.js';
import { isNumberToken } from './durations.js';
import { goQuote } from './gostrings.js';
import { isAggregatorKind, isPreprocessorKind, type Token, type TokenKind } from './tokenkinds.js';
import { unquoteToken } from './selectors.js';
import { tokenRange, type ErrorContext, type TokenStream } from './tokens.js';

/** The modifiers of a binary operator as written, before type checks decide what applies. */
export interface RawMatching {
  readonly returnBool: boolean;
  readonly card: MatchCardinality;
  readonly on: boolean;
  readonly labels: readonly string[];
  readonly include: readonly string[];
  readonly fill?: { readonly lhs?: number; readonly rhs?: number };
}

const LABEL_WORDS: ReadonlySet<TokenKind> = new Set<TokenKind>([
  'IDENTIFIER',
  'METRIC_IDENTIFIER',
  'bool',
  'by',
  'group_left',
  'group_right',
  'fill',
  'fill_left',
  'fill_right',
  'ignoring',
  'offset',
  'on',
  'and',
  'or',
  'unless',
  'atan2',
  'anchored',
  'smoothed',
]);

function isLabelWord(t: Token): boolean {
  return LABEL_WORDS.has(t.kind) || isAggregatorKind(t.kind) || isPreprocessorKind(t.kind);
}

const GROUPING = 'grouping opts';
const ctx = (expected: string): ErrorContext => ({ context: GROUPING, expected });

function parseLabel(ts: TokenStream): string {
  const t = ts.next();
  if (isLabelWord(t)) return t.val;
  if (t.kind !== 'STRING') return ts.unexpected(t, ctx('label'));
  const name = unquoteToken(ts, t);
  if (name === '' || /[\uD800-\uDFFF]/u.test(name.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))) {
    ts.fail(tokenRange(t), `invalid label name for grouping: ${goQuote(name)}`);
  }
  return name;
}

/** Parses `(label, "label", …)` after `by`, `without`, `on`, `ignoring` or `group_x`. */
export function parseGroupingLabels(ts: TokenStream): string[] {
  const open = ts.peek();
  if (open.kind !== '(') ts.unexpected(open, ctx('"("'));
  ts.next();
  const labels: string[] = [];
  if (ts.accept(')')) return labels;
  for (;;) {
    labels.push(parseLabel(ts));
    const t = ts.peek();
    if (t.kind === ',') {
      ts.next();
      if (ts.accept(')')) return labels;
    } else if (t.kind === ')') {
      ts.next();
      return labels;
    } else {
      ts.unexpected(t, ctx('"," or ")"'));
    }
  }
}

function parseFillValue(ts: TokenStream, seconds: (t: Token) => number): number {
  ts.expect('(');
  const sign = ts.accept('+') ?? ts.accept('-');
  const t = ts.peek();
  if (!isNumberToken(t)) ts.unexpected(t);
  ts.next();
  ts.expect(')');
  const v = seconds(t);
  return sign?.kind === '-' ? -v : v;
}

function parseFill(ts: TokenStream, seconds: (t: Token) => number): RawMatching['fill'] {
  const first = ts.accept('fill') ?? ts.accept('fill_left') ?? ts.accept('fill_right');
  if (first === undefined) return undefined;
  const v = parseFillValue(ts, seconds);
  if (first.kind === 'fill') return { lhs: v, rhs: v };
  const otherKind = first.kind === 'fill_left' ? 'fill_right' : 'fill_left';
  const second = ts.accept(otherKind);
  const w = second === undefined ? undefined : parseFillValue(ts, seconds);
  const [lhs, rhs] = first.kind === 'fill_left' ? [v, w] : [w, v];
  if (lhs === undefined) return { rhs: rhs! };
  return rhs === undefined ? { lhs } : { lhs, rhs };
}

/**
 * Parses the modifiers after a binary operator: `bool`, `on(…)`/`ignoring(…)` with an optional
 * `group_left(…)`/`group_right(…)`, then `fill(v)`, `fill_left(v)`, `fill_right(v)`.
 * `seconds` gives the value of a number or duration token.
 */
export function parseBinaryModifiers(ts: TokenStream, seconds: (t: Token) => number): RawMatching {
  const returnBool = ts.accept('bool') !== undefined;
  let card: MatchCardinality = 'one-to-one';
  let on = false;
  let labels: string[] = [];
  let include: string[] = [];
  const matchKw = ts.accept('on') ?? ts.accept('ignoring');
  if (matchKw !== undefined) {
    on = matchKw.kind === 'on';
    labels = parseGroupingLabels(ts);
    const group = ts.accept('group_left') ?? ts.accept('group_right');
    if (group !== undefined) {
      card = group.kind === 'group_left' ? 'many-to-one' : 'one-to-many';
      if (ts.at('(')) include = parseGroupingLabels(ts);
    }
  }
  const fill = parseFill(ts, seconds);
  const raw = { returnBool, card, on, labels, include };
  return fill === undefined ? raw : { ...raw, fill };
}
