/**
 * String quoting and unquoting with the rules of PromQL string literals (Go string syntax):
 * `"…"` and `'…'` with backslash escapes, and raw `` `…` `` strings. Also the few Go formatting
 * helpers (`%q`, `%#U`) that PromQL error messages use.
 */

/** Thrown by `unquoteString` for malformed string literals. */
export class UnquoteError extends Error {
  override readonly name = 'UnquoteError';
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

function hexVal(c: string): number {
  const n = c.charCodeAt(0);
  if (n >= 48 && n <= 57) return n - 48;
  if (n >= 97 && n <= 102) return n - 87;
  if (n >= 65 && n <= 70) return n - 55;
  return 16;
}

/**
 * Decodes a quoted string literal including its quotes. Byte escapes (`\xNN`, octal `\NNN`) are
 * collected as UTF-8 bytes; invalid UTF-8 decodes to U+FFFD.
 */
export function unquoteString(s: string): string {
  const n = s.length;
  if (n < 2) throw new UnquoteError('invalid syntax');
  const quote = s[0]!;
  if (quote !== s[n - 1]) throw new UnquoteError('invalid syntax');
  const body = s.slice(1, n - 1);
  if (quote === '`') {
    if (body.includes('`')) throw new UnquoteError('invalid syntax');
    return body;
  }
  if (quote !== '"' && quote !== "'") throw new UnquoteError('invalid syntax');
  if (body.includes('\n')) throw new UnquoteError('invalid syntax');
  if (!body.includes('\\') && !body.includes(quote)) return body;

  let out = '';
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length > 0) {
      out += Buffer.from(bytes).toString('utf8');
      bytes = [];
    }
  };
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === quote) throw new UnquoteError('invalid syntax');
    if (c !== '\\') {
      flush();
      out += c;
      i++;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) throw new UnquoteError('invalid syntax');
    i += 2;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      flush();
      out += simple;
    } else if (e === quote) {
      flush();
      out += quote;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      let v = 0;
      for (let j = 0; j < len; j++) {
        const d = hexVal(body[i + j] ?? 'g');
        if (d >= 16) throw new UnquoteError('invalid syntax');
        v = v * 16 + d;
      }
      i += len;
      if (e === 'x') {
        bytes.push(v);
      } else {
        if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) throw new UnquoteError('invalid syntax');
        flush();
        out += String.fromCodePoint(v);
      }
    } else if (e >= '0' && e <= '7') {
      let v = 0;
      for (let j = -1; j < 2; j++) {
        const d = (body[i + j] ?? '9').charCodeAt(0) - 48;
        if (d < 0 || d > 7) throw new UnquoteError('invalid syntax');
        v = v * 8 + d;
      }
      i += 2;
      if (v > 255) throw new UnquoteError('invalid syntax');
      bytes.push(v);
    } else {
      throw new UnquoteError('invalid syntax');
    }
  }
  flush();
  return out;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Whether a code point is printable in Go's sense (`unicode.IsPrint`). */
export function isPrintable(cp: number): boolean {
  return PRINTABLE.test(String.fromCodePoint(cp));
}

function escapeCodePoint(cp: number, quote: string): string {
  const ch = String.fromCodePoint(cp);
  if (ch === quote || ch === '\\') return '\\' + ch;
  if (cp < 0x80 && cp >= 0x20 && cp !== 0x7f) return ch;
  switch (cp) {
    case 7:
      return '\\a';
    case 8:
      return '\\b';
    case 12:
      return '\\f';
    case 10:
      return '\\n';
    case 13:
      return '\\r';
    case 9:
      return '\\t';
    case 11:
      return '\\v';
  }
  if (cp >= 0x80 && isPrintable(cp) && !(cp >= 0xd800 && cp < 0xe000)) return ch;
  if (cp < 0x80) return '\\x' + cp.toString(16).padStart(2, '0');
  if (cp >= 0xd800 && cp < 0xe000) return '\\ufffd';
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}

/** Quotes a string like Go's `strconv.Quote` (`%q`). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) out += escapeCodePoint(ch.codePointAt(0) ?? 0, '"');
  return out + '"';
}

/** Quotes a single character like Go's `%q` applied to a rune (`'x'`). */
export function goQuoteRune(cp: number): string {
  return "'" + escapeCodePoint(cp, "'") + "'";
}

/** Formats a code point like Go's `%#U` (`U+0063 'c'`). */
export function goUnicode(cp: number): string {
  const hex = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
  return isPrintable(cp) ? `${hex} '${String.fromCodePoint(cp)}'` : hex;
}

/**
 * How PromQL describes a long token text: texts over `max` UTF-8 bytes are cut to `max`
 * characters, quoted, and followed by `...` (Go's `%.10q...`).
 */
export function goQuoteTruncated(s: string, max: number): string {
  if (Buffer.byteLength(s, 'utf8') <= max) return goQuote(s);
  return goQuote(Array.from(s).slice(0, max).join('')) + '...';
}
