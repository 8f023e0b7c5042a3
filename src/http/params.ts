/**
 * Parsing of Prometheus API request parameters: timestamps (RFC 3339 or Unix seconds),
 * durations (Prometheus duration or float seconds), booleans. Errors are `BadInputError`s with
 * Prometheus' wording, naming the parameter.
 */
import { parseDuration } from '../config/index.js';
import { BadInputError, MAX_TIME, MIN_TIME } from '../model/index.js';

/** A request parameter is missing or malformed (HTTP 400, `bad_data`). */
export class BadParamError extends BadInputError {
  override readonly name = 'BadParamError';
}

/** The largest duration in seconds that fits Go's int64 nanoseconds. */
const MAX_DURATION_SECONDS = 9223372036.854;

const FLOAT_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const RFC3339_RE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** Parses a decimal float like Go's `strconv.ParseFloat` (decimal forms plus Inf/NaN words). */
export function parseGoFloat(s: string): number | undefined {
  if (FLOAT_RE.test(s)) return Number(s);
  const w = s.toLowerCase().replace(/^[+]/, '');
  if (w === 'inf' || w === 'infinity') return Infinity;
  if (w === '-inf' || w === '-infinity') return -Infinity;
  if (w === 'nan') return NaN;
  return undefined;
}

/**
 * Parses a timestamp parameter into ms: Unix seconds with an optional fraction (rounded to the
 * millisecond) or RFC 3339. Returns `fallback` when the value is absent or empty.
 */
export function parseTimeParam(value: string | null, name: string, fallback: number): number {
  if (value === null || value === '') return fallback;
  const f = parseGoFloat(value);
  if (f !== undefined && Number.isFinite(f)) {
    const ms = Math.round(f * 1000);
    return Math.min(Math.max(ms, MIN_TIME), MAX_TIME);
  }
  if (RFC3339_RE.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new BadParamError(
    `invalid parameter "${name}": cannot parse "${value}" to a valid timestamp`,
  );
}

/**
 * Parses a duration parameter into ms: float seconds (`15`, `0.5`) or a Prometheus duration
 * (`5m`). Throws `BadParamError` naming the parameter otherwise.
 */
export function parseDurationParam(value: string, name: string): number {
  const f = parseGoFloat(value);
  if (f !== undefined) {
    // Go holds durations as int64 nanoseconds: about ±292 years.
    const ms = f * 1000;
    if (!Number.isFinite(ms) || Math.abs(f) > MAX_DURATION_SECONDS) {
      throw new BadParamError(
        `invalid parameter "${name}": cannot parse "${value}" to a valid duration. It overflows int64`,
      );
    }
    return Math.round(ms);
  }
  try {
    return parseDuration(value);
  } catch {
    throw new BadParamError(
      `invalid parameter "${name}": cannot parse "${value}" to a valid duration`,
    );
  }
}

/** Parses a boolean like Go's `strconv.ParseBool`; absent or empty gives `fallback`. */
export function parseBoolParam(value: string | null, name: string, fallback: boolean): boolean {
  if (value === null || value === '') return fallback;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new BadParamError(`invalid parameter "${name}": cannot parse "${value}" to a boolean`);
}
