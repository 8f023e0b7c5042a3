/** Character-level helpers shared by the exposition parsers. */

/** Char codes used by the scanners. */
export const CH = {
  tab: 9,
  nl: 10,
  space: 32,
  quote: 34,
  hash: 35,
  comma: 44,
  minus: 45,
  dot: 46,
  colon: 58,
  eq: 61,
  backslash: 92,
  underscore: 95,
  lbrace: 123,
  rbrace: 125,
} as const;

/** Class bits of ASCII characters: 1 = may start a label name, 2 = may continue one. */
const NAME_CLASS = (() => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === CH.underscore;
    if (letter) t[c] = 3;
    else if (c >= 48 && c <= 57) t[c] = 2;
  }
  return t;
})();

/** Whether c can start a metric name (`[a-zA-Z_:]`). */
export function isNameStart(c: number, allowColon: boolean): boolean {
  return c < 128 ? (NAME_CLASS[c]! & 1) !== 0 || (allowColon && c === CH.colon) : false;
}

/** Whether c can continue a metric name (`[a-zA-Z0-9_:]`). */
export function isNameChar(c: number, allowColon: boolean): boolean {
  return c < 128 ? NAME_CLASS[c]! !== 0 || (allowColon && c === CH.colon) : false;
}

/** Result slot of `scanQuoted`: the decoded string and the index after the closing quote. */
export interface Scanned {
  value: string;
  end: number;
}

/**
 * Scans a double-quoted label value starting at `s[i] === '"'`. Escapes `\\`, `\"` and `\n` are
 * decoded; any other backslash sequence is kept as written (as Prometheus does). Returns -1 in
 * `end` when the string is not terminated on this line.
 */
export function scanQuoted(
  s: string,
  i: number,
  lineEnd: number,
  out: Scanned,
  /** When false, only `end` is computed (no string is built): syntax checks of cached series. */
  wantValue = true,
): Scanned {
  let j = i + 1;
  let hasEscape = false;
  while (j < lineEnd) {
    const c = s.charCodeAt(j);
    if (c === CH.quote) break;
    if (c === CH.backslash) {
      hasEscape = true;
      j += 2;
      continue;
    }
    j++;
  }
  if (j >= lineEnd) {
    out.end = -1;
    return out;
  }
  if (wantValue) out.value = hasEscape ? unescapeLabelValue(s.slice(i + 1, j)) : s.slice(i + 1, j);
  out.end = j + 1;
  return out;
}

/** Decodes `\\`, `\"` and `\n`; keeps other escapes as written. */
export function unescapeLabelValue(raw: string): string {
  let out = '';
  for (let k = 0; k < raw.length; k++) {
    const c = raw[k]!;
    if (c === '\\' && k + 1 < raw.length) {
      const n = raw[k + 1]!;
      if (n === '\\' || n === '"') {
        out += n;
        k++;
        continue;
      }
      if (n === 'n') {
        out += '\n';
        k++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/** Decodes `\\` and `\n` in HELP text; keeps other escapes as written. */
export function unescapeHelp(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let k = 0; k < raw.length; k++) {
    const c = raw[k]!;
    if (c === '\\' && k + 1 < raw.length) {
      const n = raw[k + 1]!;
      if (n === '\\') {
        out += '\\';
        k++;
        continue;
      }
      if (n === 'n') {
        out += '\n';
        k++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

const STRICT_FLOAT = /^[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)$/;

/**
 * Parses an OpenMetrics number: decimal with optional fraction and exponent, `NaN`, `+Inf`,
 * `-Inf`, `Inf` (case-insensitive for the special values, like the reference parsers). Returns
 * undefined for anything else (hex, underscores, spaces).
 */
export function parseStrictFloat(s: string): number | undefined {
  if (STRICT_FLOAT.test(s)) return Number(s);
  switch (s.toLowerCase()) {
    case 'nan':
      return NaN;
    case '+inf':
    case 'inf':
    case '+infinity':
    case 'infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    default:
      return undefined;
  }
}

/** Powers of ten that are exact doubles, for `decimalAt`. */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * The common sample value without building a string: `[-]digits[.digits]` in `s[i, j)` with at
 * most 15 digits in all. Its value is the integer of the digits divided by a power of ten; both
 * are exact doubles and IEEE division rounds correctly, so the result equals what `Number` and
 * Go's `ParseFloat` give. Returns undefined for anything else, which the full parsers decide.
 */
export function decimalAt(s: string, i: number, j: number): number | undefined {
  let k = i;
  const neg = k < j && s.charCodeAt(k) === 45;
  if (neg) k++;
  let m = 0;
  let digits = 0;
  let dot = -1;
  for (; k < j; k++) {
    const c = s.charCodeAt(k);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
    } else if (c === 46 && dot < 0) dot = k;
    else return undefined;
  }
  if (digits === 0 || digits > 15) return undefined;
  const frac = dot < 0 ? 0 : j - dot - 1;
  const v = frac === 0 ? m : m / POW10[frac]!;
  return neg ? -v : v;
}

/** A non-negative integer of at most 15 digits in `s[i, j)`, or undefined. */
export function smallIntAt(s: string, i: number, j: number): number | undefined {
  if (j <= i || j - i > 15) return undefined;
  let m = 0;
  for (let k = i; k < j; k++) {
    const d = s.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return undefined;
    m = m * 10 + d;
  }
  return m;
}

/**
 * Parses a float like Go's `strconv.ParseFloat` as used by Prometheus' text parser: decimals,
 * exponents, special values, hexadecimal floats, and underscores only after a base prefix.
 */
export function parseGoFloat(s: string): number | undefined {
  const strict = parseStrictFloat(s);
  if (strict !== undefined) return strict;
  const m = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/.exec(s);
  if (m) {
    const intPart = m[2] ?? '';
    const frac = m[3] ?? '';
    if (intPart === '' && frac === '') return undefined;
    if (frac !== '' || m[3] !== undefined) {
      if (m[4] === undefined) return undefined; // hex floats with a fraction need an exponent
    }
    let v = intPart === '' ? 0 : parseInt(intPart, 16);
    for (let k = 0; k < frac.length; k++) v += parseInt(frac[k]!, 16) / 16 ** (k + 1);
    if (m[4] !== undefined) v *= 2 ** Number(m[4]);
    return m[1] === '-' ? -v : v;
  }
  return undefined;
}
