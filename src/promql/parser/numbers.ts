/**
 * Number and duration text: parsing PromQL number literals and Prometheus duration strings, and
 * formatting floats and durations exactly as Prometheus prints them.
 */

/** Thrown when a number or duration text cannot be parsed; the message is Prometheus'. */
export class NumberSyntaxError extends Error {
  override readonly name = 'NumberSyntaxError';
}

const INT64_MAX = 9223372036854775807n;

/** Rounds half away from zero, like Go's `math.Round`. */
export function goRound(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** Go's rule for underscores in number literals: only between digits (or after a base prefix). */
function underscoresOk(s: string): boolean {
  if (!s.includes('_')) return true;
  let prev = '^';
  let i = 0;
  if (s.length >= 2 && s[0] === '0' && /[xXbBoO]/.test(s[1]!)) {
    i = 2;
    prev = '0';
  }
  let hex = i === 2 && (s[1] === 'x' || s[1] === 'X');
  for (; i < s.length; i++) {
    const c = s[i]!;
    const digit = (c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c));
    if (digit) {
      prev = '0';
    } else if (c === '_') {
      if (prev !== '0') return false;
      prev = '_';
    } else {
      if (prev === '_') return false;
      prev = '!';
      if (c === 'p' || c === 'P') hex = false;
    }
  }
  return prev !== '_';
}

/** Decimal integers that are exact as doubles and need none of Go's base-prefix rules. */
const SIMPLE_INT = /^(?:0|[1-9][0-9]{0,14})$/;

/** Go's `strconv.ParseInt(s, 0, 64)` for the texts the lexer produces; undefined when invalid. */
function parseGoInt(s: string): number | undefined {
  if (!underscoresOk(s)) return undefined;
  const t = s.replaceAll('_', '');
  let digits: string;
  let radix: number;
  if (/^0[xX]/.test(t)) {
    digits = t.slice(2);
    radix = 16;
    if (!/^[0-9a-fA-F]+$/.test(digits)) return undefined;
  } else if (/^0[0-7]*$/.test(t)) {
    digits = t === '0' ? '0' : t.slice(1);
    radix = 8;
  } else if (/^[1-9][0-9]*$/.test(t)) {
    digits = t;
    radix = 10;
  } else {
    return undefined;
  }
  if (s.includes('_') && radix === 10 && t === s) return undefined;
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : '';
  const big = BigInt(prefix + digits);
  if (big > INT64_MAX) return undefined;
  return Number(big);
}

/**
 * Parses a NUMBER token like Prometheus: as an int64 with Go base prefixes first (so `0755` is
 * octal and `0x1F` hex), else as a float (`1e3`, `.5`, `Inf`, `NaN`, `1_000.5`).
 */
export function parseNumber(s: string): number {
  if (SIMPLE_INT.test(s)) return Number(s);
  const i = parseGoInt(s);
  if (i !== undefined) return i;
  const lower = s.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  if (!underscoresOk(s) || !/^(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?\d[\d_]*)?$/.test(s)) {
    throw new NumberSyntaxError(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
  }
  const v = Number(s.replaceAll('_', ''));
  if (!Number.isFinite(v)) {
    throw new NumberSyntaxError(
      `strconv.ParseFloat: parsing ${JSON.stringify(s)}: value out of range`,
    );
  }
  return v;
}

const UNITS: readonly (readonly [string, number])[] = [
  ['y', 365 * 24 * 3600 * 1000],
  ['w', 7 * 24 * 3600 * 1000],
  ['d', 24 * 3600 * 1000],
  ['h', 3600 * 1000],
  ['m', 60 * 1000],
  ['s', 1000],
  ['ms', 1],
];
const UNIT_POS: ReadonlyMap<string, number> = new Map(UNITS.map(([u], i) => [u, i + 1]));
const UNIT_MS: ReadonlyMap<string, number> = new Map(UNITS);
/** The largest duration Prometheus accepts: 2^63 - 1 ns, in ms. */
const MAX_DURATION_MS = 9223372036854.775;

/**
 * Parses a Prometheus duration (`1h30m`, `5m`, `10s53ms`, `0`): integers with units y, w, d, h,
 * m, s, ms from largest to smallest, each at most once. Returns milliseconds.
 */
export function parseDuration(s: string): number {
  if (s === '0') return 0;
  if (s === '') throw new NumberSyntaxError('empty duration string');
  const invalid = (): NumberSyntaxError =>
    new NumberSyntaxError(`not a valid duration string: ${JSON.stringify(s)}`);
  let rest = s;
  let total = 0;
  let lastPos = 0;
  while (rest !== '') {
    const num = /^[0-9]+/.exec(rest);
    if (!num) throw invalid();
    rest = rest.slice(num[0].length);
    const unit = /^[^0-9]+/.exec(rest);
    if (!unit) throw invalid();
    rest = rest.slice(unit[0].length);
    const pos = UNIT_POS.get(unit[0]);
    const mult = UNIT_MS.get(unit[0]);
    if (pos === undefined || mult === undefined) {
      throw new NumberSyntaxError(
        `unknown unit ${JSON.stringify(unit[0])} in duration ${JSON.stringify(s)}`,
      );
    }
    if (pos <= lastPos) throw invalid();
    lastPos = pos;
    total += Number(num[0]) * mult;
    if (total > MAX_DURATION_MS) throw new NumberSyntaxError('duration out of range');
  }
  return total;
}

/**
 * Formats milliseconds like Prometheus (`model.Duration`): `1h30m`, `90d` (years and weeks only
 * when exact), `0s` for zero, `-5m` for negative values. Fractions of a millisecond are dropped.
 */
export function formatDuration(ms: number): string {
  let rest = Math.trunc(ms);
  if (rest === 0) return '0s';
  const sign = rest < 0 ? '-' : '';
  rest = Math.abs(rest);
  let out = '';
  for (const [unit, mult] of UNITS) {
    if ((unit === 'y' || unit === 'w') && rest % mult !== 0) continue;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      out += `${v}${unit}`;
      rest -= v * mult;
    }
  }
  return sign + out;
}

/** The shortest round-trip digits and decimal exponent of a finite, non-zero float. */
function shortestDigits(v: number): { digits: string; exp: number } {
  const [mant = '', e = '0'] = Math.abs(v).toExponential().split('e');
  return { digits: mant.replace('.', ''), exp: Number(e) };
}

/** Formats a float like Go's `strconv.FormatFloat(v, 'f', -1, 64)` (no exponent). */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const sign = v < 0 ? '-' : '';
  const { digits, exp } = shortestDigits(v);
  const point = exp + 1;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Formats a float like Go's `%v` (`strconv.FormatFloat(v, 'g', -1, 64)`): `1e+06`, `0.5`. */
export function formatFloatG(v: number): string {
  if (!Number.isFinite(v) || v === 0) return formatFloat(v);
  const { digits, exp } = shortestDigits(v);
  if (exp < -4 || exp >= 6) {
    const sign = v < 0 ? '-' : '';
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const es = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : `${Math.abs(exp)}`;
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${es}`;
  }
  return formatFloat(v);
}

/** Formats a float like Go's `%f` (six decimals; `+Inf`, `-Inf`, `NaN`). */
export function formatFloatF6(v: number): string {
  if (!Number.isFinite(v)) return formatFloat(v);
  if (Math.abs(v) < 1e21) return v.toFixed(6);
  return `${BigInt(v).toString()}.000000`;
}
