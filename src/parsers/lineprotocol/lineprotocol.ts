/**
 * A decoder for the InfluxDB line protocol (v1 and v2 write APIs):
 *
 *   measurement[,tag=value…] field=value[,field=value…] [timestamp]
 *
 * Bytes in (already decompressed and decoded as UTF-8), points out through a callback with a
 * reused point object. A bad line is reported with its line and column and skipped; the good lines
 * around it are still delivered, so a writer loses only what was wrong.
 */

/** Timestamp precision of a write request (v2 names; v1's `n`, `u` and `ms` map onto them). */
export type Precision = 'ns' | 'us' | 'ms' | 's' | 'm' | 'h';

/** The type a field value was written with. */
export type FieldType = 'float' | 'integer' | 'unsigned' | 'boolean' | 'string';

/** One decoded point. The object and its arrays are reused: copy what you keep. */
export interface Point {
  /** 1-based line number in the request body. */
  line: number;
  measurement: string;
  /**
   * Where the measurement and tags are in `text`, exactly as written (escapes included), and a
   * 30-bit FNV-1a hash of that text: equal for every line of the same series written the same
   * way, so it can key a cache without building a string (`pointSeriesKey` builds it).
   */
  seriesStart: number;
  seriesEnd: number;
  seriesHash: number;
  /**
   * Where the tags are in `text`: `[keyStart, keyEnd, valueStart, valueEnd, …]`, raw (escaped),
   * valid up to index `tagEnd` (the array is reused and may be longer). Read them as strings with
   * `pointTags`, only when needed (a cached series does not).
   */
  tagBounds: number[];
  tagEnd: number;
  /** The request body the bounds point into. */
  text: string;
  /** How many fields the point has: the field arrays are valid up to this index (reused). */
  fieldCount: number;
  fieldKeys: string[];
  /** Numeric field values (booleans as 1/0; strings as NaN — check `fieldTypes`). */
  fieldValues: number[];
  fieldTypes: FieldType[];
  /** The string value of string fields, '' for others. */
  fieldStrings: string[];
  /** Milliseconds since the epoch, or undefined when the line has no timestamp. */
  timestampMs: number | undefined;
}

/** A line that could not be decoded. */
export interface LineError {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** Parses a v1 (`n`, `u`, `ms`, `s`, `m`, `h`) or v2 (`ns`, `us`, `ms`, `s`) precision name. */
export function parsePrecision(p: string | null | undefined): Precision | undefined {
  switch (p ?? '') {
    case '':
    case 'n':
    case 'ns':
      return 'ns';
    case 'u':
    case 'us':
    case 'µs':
      return 'us';
    case 'ms':
      return 'ms';
    case 's':
      return 's';
    case 'm':
      return 'm';
    case 'h':
      return 'h';
    default:
      return undefined;
  }
}

class LineFail extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Decodes every line of `text`, calling `onPoint` for each good point and `onError` for each bad
 * line. Returns the number of points and errors.
 */
export function parseLineProtocol(
  text: string,
  precision: Precision,
  onPoint: (p: Point) => void,
  onError: (e: LineError) => void,
): { points: number; errors: number } {
  const p: Point = {
    line: 0,
    measurement: '',
    seriesStart: 0,
    seriesEnd: 0,
    seriesHash: 0,
    tagBounds: [],
    tagEnd: 0,
    fieldCount: 0,
    text,
    fieldKeys: [],
    fieldValues: [],
    fieldTypes: [],
    fieldStrings: [],
    timestampMs: undefined,
  };
  let points = 0;
  let errors = 0;
  let pos = 0;
  let line = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    line++;
    let le = end;
    if (le > pos && text.charCodeAt(le - 1) === 13) le--;
    let s = pos;
    while (s < le && (text.charCodeAt(s) === 32 || text.charCodeAt(s) === 9)) s++;
    if (s < le && text.charCodeAt(s) !== 35 /* # */) {
      p.line = line;
      try {
        parseLine(text, s, le, precision, p);
        points++;
        onPoint(p);
      } catch (e) {
        if (!(e instanceof LineFail)) throw e;
        errors++;
        onError({ line, column: e.at - pos + 1, message: e.message });
      }
    }
    pos = end + 1;
  }
  return { points, errors };
}

function parseLine(t: string, i: number, le: number, precision: Precision, p: Point): void {
  const start = i;
  // The arrays are reused without truncation (setting `length` costs more than the parse).
  p.tagEnd = 0;
  p.fieldCount = 0;
  // Measurement: up to an unescaped ',' or ' '.
  const m = readToken(t, i, le, false);
  if (m.value === '') throw new LineFail(i, 'missing measurement');
  p.measurement = m.value;
  i = m.end;
  while (i < le && t.charCodeAt(i) === 44 /* , */) {
    const keyEnd = scanToken(t, i + 1, le);
    if (keyEnd === i + 1) throw new LineFail(i + 1, 'missing tag key');
    if (keyEnd >= le || t.charCodeAt(keyEnd) !== 61 /* = */) {
      throw new LineFail(
        keyEnd,
        `missing '=' after tag key ${JSON.stringify(rawName(t, i + 1, keyEnd))}`,
      );
    }
    const valueEnd = scanToken(t, keyEnd + 1, le);
    if (valueEnd === keyEnd + 1) {
      throw new LineFail(
        keyEnd + 1,
        `missing value of tag ${JSON.stringify(rawName(t, i + 1, keyEnd))}`,
      );
    }
    const b = p.tagBounds;
    const n = p.tagEnd;
    b[n] = i + 1;
    b[n + 1] = keyEnd;
    b[n + 2] = keyEnd + 1;
    b[n + 3] = valueEnd;
    p.tagEnd = n + 4;
    i = valueEnd;
  }
  if (i >= le || t.charCodeAt(i) !== 32) throw new LineFail(i, 'missing fields');
  p.seriesStart = start;
  p.seriesEnd = i;
  let h = 0x811c9dc5;
  for (let k = start; k < i; k++) h = Math.imul(h ^ t.charCodeAt(k), 0x01000193);
  // 30 bits: small integers, which maps key without allocating a heap number.
  p.seriesHash = h & 0x3fffffff;
  while (i < le && t.charCodeAt(i) === 32) i++;
  // Fields.
  for (;;) {
    const k = readToken(t, i, le, true);
    const key = k.value;
    if (key === '') throw new LineFail(i, 'missing field key');
    if (k.end >= le || t.charCodeAt(k.end) !== 61) {
      throw new LineFail(k.end, `missing '=' after field key ${JSON.stringify(key)}`);
    }
    i = readFieldValue(t, k.end + 1, le, key, p);
    if (i < le && t.charCodeAt(i) === 44) {
      i++;
      continue;
    }
    break;
  }
  p.timestampMs = undefined;
  if (i < le) {
    if (t.charCodeAt(i) !== 32) throw new LineFail(i, 'unexpected character after fields');
    while (i < le && t.charCodeAt(i) === 32) i++;
    if (i < le) {
      let j = i;
      while (j < le && t.charCodeAt(j) !== 32) j++;
      p.timestampMs =
        fastTimestamp(t, i, j, precision) ?? timestampToMs(t.slice(i, j), precision, i);
      while (j < le && t.charCodeAt(j) === 32) j++;
      if (j < le) throw new LineFail(j, 'unexpected text after the timestamp');
    }
  }
}

/** The end of an escaped tag key or value starting at `i`: the first unescaped ',', ' ' or '='. */
function scanToken(t: string, i: number, le: number): number {
  let j = i;
  while (j < le) {
    const c = t.charCodeAt(j);
    if (c === 92 /* \ */ && j + 1 < le) {
      j += 2;
      continue;
    }
    if (c === 44 || c === 32 || c === 61) break;
    j++;
  }
  return j;
}

/** The unescaped name in `t[from, to)`. */
function rawName(t: string, from: number, to: number): string {
  const raw = t.slice(from, to);
  return raw.includes('\\') ? unescapeName(raw) : raw;
}

/**
 * A copy of `s` that does not share memory with the request body. V8 makes slices of long
 * strings views into their parent, so a label or cache key kept for the life of a series would
 * otherwise keep the whole body it came from alive.
 */
export function detachString(s: string): string {
  return Buffer.from(s, 'utf16le').toString('utf16le');
}

/** The measurement and tag text of a point as written (the series key `seriesHash` hashes). */
export function pointSeriesKey(p: Point): string {
  return detachString(p.text.slice(p.seriesStart, p.seriesEnd));
}

/** The tags of a point as flat `[key, value, …]` pairs, unescaped, in the order written. */
export function pointTags(p: Point): string[] {
  const b = p.tagBounds;
  const out: string[] = [];
  for (let i = 0; i < p.tagEnd; i += 2) out.push(detachString(rawName(p.text, b[i]!, b[i + 1]!)));
  return out;
}

/** Scratch result of `readToken`; read its fields before the next call. */
const tok = { value: '', end: 0 };

/** Reads an escaped name up to an unescaped ',', ' ' (and '=' when `stopAtEq`). */
function readToken(t: string, i: number, le: number, stopAtEq: boolean): typeof tok {
  let j = i;
  let escaped = false;
  while (j < le) {
    const c = t.charCodeAt(j);
    if (c === 92 /* \ */ && j + 1 < le) {
      escaped = true;
      j += 2;
      continue;
    }
    if (c === 44 || c === 32 || (stopAtEq && c === 61)) break;
    j++;
  }
  tok.value = escaped ? unescapeName(t.slice(i, j)) : t.slice(i, j);
  tok.end = j;
  return tok;
}

function unescapeName(raw: string): string {
  return raw.replace(/\\([,= \\"])/g, '$1');
}

function readFieldValue(t: string, i: number, le: number, key: string, p: Point): number {
  if (i >= le) throw new LineFail(i, `missing value of field ${JSON.stringify(key)}`);
  if (t.charCodeAt(i) === 34 /* " */) {
    let j = i + 1;
    let out = '';
    let from = j;
    while (j < le) {
      const c = t.charCodeAt(j);
      if (c === 92 && j + 1 < le) {
        const n = t[j + 1];
        if (n === '"' || n === '\\') {
          out += t.slice(from, j) + n;
          j += 2;
          from = j;
          continue;
        }
      }
      if (c === 34) break;
      j++;
    }
    if (j >= le) throw new LineFail(i, `unterminated string value of field ${JSON.stringify(key)}`);
    out += t.slice(from, j);
    push(p, key, NaN, 'string', out);
    return j + 1;
  }
  let j = i;
  while (j < le) {
    const c = t.charCodeAt(j);
    if (c === 44 || c === 32) break;
    j++;
  }
  const fast = decimalValue(t, i, j);
  if (fast !== undefined) {
    push(p, key, fast, 'float', '');
    return j;
  }
  const raw = t.slice(i, j);
  const last = raw[raw.length - 1];
  if (last === 'i' || last === 'u') {
    const digits = raw.slice(0, -1);
    if (!(last === 'i' ? /^-?[0-9]+$/ : /^[0-9]+$/).test(digits)) {
      throw new LineFail(
        i,
        `invalid ${last === 'i' ? 'integer' : 'unsigned'} value ${JSON.stringify(raw)} of field ${JSON.stringify(key)}`,
      );
    }
    push(p, key, Number(digits), last === 'i' ? 'integer' : 'unsigned', '');
    return j;
  }
  switch (raw) {
    case 't':
    case 'T':
    case 'true':
    case 'True':
    case 'TRUE':
      push(p, key, 1, 'boolean', '');
      return j;
    case 'f':
    case 'F':
    case 'false':
    case 'False':
    case 'FALSE':
      push(p, key, 0, 'boolean', '');
      return j;
    default:
      break;
  }
  const v = floatValue(raw);
  if (v === undefined) {
    throw new LineFail(i, `invalid value ${JSON.stringify(raw)} of field ${JSON.stringify(key)}`);
  }
  push(p, key, v, 'float', '');
  return j;
}

/** Powers of ten that are exact doubles, for `decimalValue`. */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * The common float field value without building a string: `[-]digits[.digits]` with at most 15
 * digits in all, whose value is the integer of its digits divided by a power of ten. Both are
 * exact doubles and IEEE division rounds correctly, so the result equals `Number(text)`. Returns
 * undefined for anything else (exponents, more digits, other characters).
 */
function decimalValue(t: string, i: number, j: number): number | undefined {
  let k = i;
  const neg = k < j && t.charCodeAt(k) === 45;
  if (neg) k++;
  let m = 0;
  let digits = 0;
  let scale = -1;
  for (; k < j; k++) {
    const c = t.charCodeAt(k);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
    } else if (c === 46 && scale < 0) scale = k;
    else return undefined;
  }
  if (digits === 0 || digits > 15) return undefined;
  const frac = scale < 0 ? 0 : j - scale - 1;
  const v = frac === 0 ? m : m / POW10[frac]!;
  return neg ? -v : v;
}

/**
 * A float field value (`[+-]?(digits[.digits]|.digits)([eE][+-]?digits)?`), or undefined. Only
 * digits, '.', 'e', 'E', '+' and '-' may occur, and then `Number` accepts exactly the strings of
 * that grammar (it refuses the others with NaN; the empty string is refused here).
 */
function floatValue(raw: string): number | undefined {
  if (raw.length === 0) return undefined;
  for (let k = 0; k < raw.length; k++) {
    const c = raw.charCodeAt(k);
    // 0-9 . + - e E
    if (!((c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45 || c === 101 || c === 69))
      return undefined;
  }
  const v = Number(raw);
  return Number.isNaN(v) ? undefined : v;
}

function push(p: Point, key: string, v: number, type: FieldType, str: string): void {
  const n = p.fieldCount++;
  p.fieldKeys[n] = key;
  p.fieldValues[n] = v;
  p.fieldTypes[n] = type;
  p.fieldStrings[n] = str;
}

const DIGITS_TO_DROP: Record<Precision, number> = { ns: 6, us: 3, ms: 0, s: 0, m: 0, h: 0 };
const MULTIPLIER: Record<Precision, number> = {
  ns: 1,
  us: 1,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * The common case of `timestampToMs` without building strings: a positive timestamp of at most
 * 22 digits, whose whole milliseconds fit in 16 digits (exact in a double). Returns undefined
 * for anything else (signs, other characters, too many digits), which the slow path decides.
 */
function fastTimestamp(t: string, i: number, j: number, precision: Precision): number | undefined {
  const drop = DIGITS_TO_DROP[precision];
  const n = j - i;
  if (n === 0 || n - drop > 15 || n > 22) return undefined;
  let ms = 0;
  for (let k = i; k < j; k++) {
    const d = t.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return undefined;
    if (k < j - drop) ms = ms * 10 + d;
  }
  const out = ms * MULTIPLIER[precision];
  return Number.isSafeInteger(out) ? out : undefined;
}

/**
 * Converts an integer timestamp in the given precision to ms without losing precision on
 * nanosecond values (which exceed 2^53): digits below a millisecond are dropped as text.
 */
function timestampToMs(raw: string, precision: Precision, at: number): number {
  if (!/^-?[0-9]+$/.test(raw)) throw new LineFail(at, `invalid timestamp ${JSON.stringify(raw)}`);
  const neg = raw.startsWith('-');
  let digits = neg ? raw.slice(1) : raw;
  const drop = DIGITS_TO_DROP[precision];
  let frac = false;
  if (drop > 0) {
    frac = /[1-9]/.test(digits.slice(-drop));
    digits = digits.length > drop ? digits.slice(0, digits.length - drop) : '0';
  }
  let ms = Number(digits) * MULTIPLIER[precision];
  if (neg) ms = -ms - (frac ? 1 : 0); // floor for negative sub-millisecond values
  if (!Number.isSafeInteger(ms)) throw new LineFail(at, `timestamp ${raw} is out of range`);
  return ms;
}
