/**
 * A series-selector parser for `match[]` parameters (`name{label="value", other=~"re"}`), used
 * until the PromQL parser provides one.
 */
import {
  BadInputError,
  METRIC_NAME,
  Matcher,
  MatcherError,
  type MatchType,
} from '../model/index.js';

/** Parses one series selector into matchers; throws `BadInputError` with the reason. */
export function parseSelector(text: string): Matcher[] {
  const fail = (why: string): never => {
    throw new BadInputError(`cannot parse series selector ${JSON.stringify(text)}: ${why}`);
  };
  const s = text.trim();
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(\{[\s\S]*\})?$/.exec(s);
  if (!m || (m[1] === undefined && m[2] === undefined))
    return fail('expected name{label="value", …}');
  const out: Matcher[] = [];
  try {
    if (m[1] !== undefined) out.push(new Matcher('=', METRIC_NAME, m[1]));
    const body = m[2]?.slice(1, -1) ?? '';
    const re =
      /\s*([a-zA-Z_][a-zA-Z0-9_]*|"(?:[^"\\]|\\.)*")\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*(,|$)/y;
    let pos = 0;
    while (pos < body.length && body.slice(pos).trim() !== '') {
      re.lastIndex = pos;
      const lm = re.exec(body);
      if (!lm) return fail(`unexpected text at ${JSON.stringify(body.slice(pos))}`);
      const name = lm[1]!.startsWith('"') ? unquote(lm[1]!) : lm[1]!;
      out.push(new Matcher(lm[2] as MatchType, name, unquote(lm[3]!)));
      pos = re.lastIndex;
    }
  } catch (err) {
    if (err instanceof MatcherError) return fail(err.message);
    throw err;
  }
  if (out.length === 0 || out.every((x) => x.matchesEmpty())) {
    return fail('match[] must contain at least one non-empty matcher');
  }
  return out;
}

function unquote(q: string): string {
  const inner = q.slice(1, -1);
  return inner.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}
