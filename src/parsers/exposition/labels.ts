import { CH, isNameChar, isNameStart, scanQuoted, type Scanned } from './lex.js';

/** How strictly label sets are read. */
export interface LabelSyntax {
  /** OpenMetrics 1.0: no spaces, no trailing comma, no quoted names. */
  readonly strict: boolean;
}

/** Result of reading a label set. */
export interface LabelSetResult {
  /** Index just after the closing `}`. */
  end: number;
  /** A metric name given inside the braces as a quoted string (`{"my.metric"}`), or ''. */
  quotedName: string;
  /** An error message, or '' on success; `errorAt` is its index. */
  error: string;
  errorAt: number;
}

const scratch: Scanned = { value: '', end: 0 };

function skipBlanks(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== CH.space && c !== CH.tab) break;
    i++;
  }
  return i;
}

/**
 * Reads `{name="value",…}` starting at `s[i] === '{'` and appends the pairs to `out` (when given).
 * Duplicate names are an error. Returns where it stopped and why.
 */
export function readLabelSet(
  s: string,
  i: number,
  lineEnd: number,
  syntax: LabelSyntax,
  out: string[] | undefined,
  res: LabelSetResult,
): LabelSetResult {
  res.quotedName = '';
  res.error = '';
  const start = out ? out.length : 0;
  let j = i + 1;
  let afterComma = false;
  let count = 0;
  for (;;) {
    if (!syntax.strict) j = skipBlanks(s, j, lineEnd);
    if (j >= lineEnd) return fail(res, 'unterminated label set', j);
    const c = s.charCodeAt(j);
    if (c === CH.rbrace) {
      if (afterComma && syntax.strict) return fail(res, 'trailing comma in label set', j);
      res.end = j + 1;
      return res;
    }
    if (c === CH.comma) return fail(res, 'unexpected comma in label set', j);
    let name: string;
    let nameFrom = -1;
    let nameTo = -1;
    if (c === CH.quote && !syntax.strict) {
      scanQuoted(s, j, lineEnd, scratch);
      if (scratch.end < 0) return fail(res, 'unterminated quoted label name', j);
      name = scratch.value;
      j = skipBlanks(s, scratch.end, lineEnd);
      if (s.charCodeAt(j) !== CH.eq) {
        // A quoted metric name inside the braces: `{"my.metric", a="b"}`.
        if (count > 0 || res.quotedName !== '') {
          return fail(res, 'a quoted metric name must come first in the label set', j);
        }
        res.quotedName = name;
        count++;
        const sep = readSeparator(s, j, lineEnd, syntax, res);
        if (sep < 0) return res;
        if (sep === 0) return res;
        j = res.end;
        afterComma = true;
        continue;
      }
    } else {
      if (!isNameStart(c, false)) return fail(res, `invalid label name character '${s[j]}'`, j);
      const ns = j;
      while (j < lineEnd && isNameChar(s.charCodeAt(j), false)) j++;
      const ne = j;
      // Names are only materialised when labels are wanted (a syntax check allocates nothing);
      // error messages slice them on demand.
      name = out ? s.slice(ns, ne) : '';
      nameFrom = ns;
      nameTo = ne;
      if (!syntax.strict) j = skipBlanks(s, j, lineEnd);
      if (j >= lineEnd || s.charCodeAt(j) !== CH.eq) {
        return fail(res, `expected '=' after label name "${s.slice(ns, ne)}"`, j);
      }
    }
    j++; // '='
    if (!syntax.strict) j = skipBlanks(s, j, lineEnd);
    if (j >= lineEnd || s.charCodeAt(j) !== CH.quote) {
      return fail(
        res,
        `expected '"' to start the value of label "${nameFrom >= 0 && name === '' ? s.slice(nameFrom, nameTo) : name}"`,
        j,
      );
    }
    scanQuoted(s, j, lineEnd, scratch, out !== undefined);
    if (scratch.end < 0)
      return fail(
        res,
        `unterminated value of label "${nameFrom >= 0 && name === '' ? s.slice(nameFrom, nameTo) : name}"`,
        j,
      );
    if (out) {
      for (let k = start; k < out.length; k += 2) {
        if (out[k] === name) return fail(res, `duplicate label name "${name}"`, j);
      }
      out.push(name, scratch.value);
    }
    count++;
    const sep = readSeparator(s, scratch.end, lineEnd, syntax, res);
    if (sep <= 0) return res;
    j = res.end;
    afterComma = true;
  }
}

/**
 * After a label: reads `,` (returns 1, res.end after it) or `}` (returns 0, res.end after it);
 * returns -1 on error.
 */
function readSeparator(
  s: string,
  j: number,
  lineEnd: number,
  syntax: LabelSyntax,
  res: LabelSetResult,
): number {
  if (!syntax.strict) j = skipBlanks(s, j, lineEnd);
  if (j >= lineEnd) {
    fail(res, 'unterminated label set', j);
    return -1;
  }
  const c = s.charCodeAt(j);
  if (c === CH.rbrace) {
    res.end = j + 1;
    return 0;
  }
  if (c === CH.comma) {
    res.end = j + 1;
    return 1;
  }
  fail(res, `expected ',' or '}' in label set, got '${s[j]}'`, j);
  return -1;
}

function fail(res: LabelSetResult, msg: string, at: number): LabelSetResult {
  res.error = msg;
  res.errorAt = at;
  res.end = -1;
  return res;
}

/** Creates an empty result slot for `readLabelSet`. */
export function newLabelSetResult(): LabelSetResult {
  return { end: 0, quotedName: '', error: '', errorAt: 0 };
}
