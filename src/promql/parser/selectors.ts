/**
 * Label matcher lists (`{job="api", "my.label"=~"a|b", "my.metric"}`) and the metric selector
 * parser used for `match[]` parameters.
 */
import { Matcher, MatcherError, type MatchType } from '../../model/index.js';
import type { Token } from './tokenkinds.js';
import { goQuote, unquoteString, UnquoteError } from './gostrings.js';
import { tokenRange, type ErrorContext, type TokenStream } from './tokens.js';

/** The label that holds a series' metric name. */
export const METRIC_NAME_LABEL = '__name__';

const LABEL_MATCHING = 'label matching';

function ctx(expected: string): ErrorContext {
  return { context: LABEL_MATCHING, expected };
}

function isMatchOp(t: Token): t is Token & { kind: MatchType } {
  return t.kind === '=' || t.kind === '!=' || t.kind === '=~' || t.kind === '!~';
}

/** Decodes a STRING token, reporting malformed escapes like Prometheus. */
export function unquoteToken(ts: TokenStream, t: Token): string {
  try {
    return unquoteString(t.val);
  } catch (err) {
    if (!(err instanceof UnquoteError)) throw err;
    return ts.fail(tokenRange(t), `error unquoting string ${goQuote(t.val)}: ${err.message}`);
  }
}

/** Builds a matcher, reporting invalid regular expressions at `range`. */
export function newMatcher(
  ts: TokenStream,
  type: MatchType,
  name: string,
  value: string,
  range: { start: number; end: number },
): Matcher {
  try {
    return new Matcher(type, name, value);
  } catch (err) {
    if (!(err instanceof MatcherError)) throw err;
    return ts.fail(range, err.message);
  }
}

function parseMatcher(ts: TokenStream): Matcher {
  const t = ts.next();
  if (t.kind !== 'IDENTIFIER' && t.kind !== 'STRING') ts.unexpected(t, ctx('identifier or "}"'));
  const name = t.kind === 'STRING' ? unquoteToken(ts, t) : t.val;
  const op = ts.peek();
  if (!isMatchOp(op)) {
    if (t.kind === 'STRING') return newMatcher(ts, '=', METRIC_NAME_LABEL, name, tokenRange(t));
    return ts.unexpected(op, ctx('label matching operator'));
  }
  ts.next();
  const v = ts.next();
  if (v.kind !== 'STRING') ts.unexpected(v, ctx('string'));
  const value = unquoteToken(ts, v);
  return newMatcher(ts, op.kind, name, value, { start: t.pos, end: ts.prevEnd });
}

/**
 * Parses the matchers after an opening `{` up to and including the closing `}` (a trailing
 * comma is allowed).
 */
export function parseLabelMatchers(ts: TokenStream): Matcher[] {
  const out: Matcher[] = [];
  if (ts.accept('}')) return out;
  for (;;) {
    out.push(parseMatcher(ts));
    const t = ts.peek();
    if (t.kind === ',') {
      ts.next();
      if (ts.accept('}')) return out;
    } else if (t.kind === '}') {
      ts.next();
      return out;
    } else {
      ts.unexpected(t, ctx('"," or "}"'));
    }
  }
}
