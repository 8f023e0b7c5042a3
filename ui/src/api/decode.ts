/**
 * Small runtime decoders for JSON from the Kansoku API. Every response is checked here once, so
 * the rest of the UI can trust its types; nothing parsed from the wire is cast.
 */

/** A response that does not have the expected shape. */
export class DecodeError extends Error {
  constructor(path: string, expected: string, got: unknown) {
    super(`cannot decode API response: ${path} should be ${expected}, got ${describe(got)}`);
    this.name = 'DecodeError';
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

/** Checks one value and returns it typed; `path` names the value in error messages. */
export type Decoder<T> = (v: unknown, path: string) => T;

/** A string. */
export const str: Decoder<string> = (v, p) => {
  if (typeof v !== 'string') throw new DecodeError(p, 'a string', v);
  return v;
};

/** A number. */
export const num: Decoder<number> = (v, p) => {
  if (typeof v !== 'number') throw new DecodeError(p, 'a number', v);
  return v;
};

/** A boolean. */
export const bool: Decoder<boolean> = (v, p) => {
  if (typeof v !== 'boolean') throw new DecodeError(p, 'a boolean', v);
  return v;
};

/** A plain object, as a record of unknown values. */
export function obj(v: unknown, p: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new DecodeError(p, 'an object', v);
  }
  return v as Record<string, unknown>;
}

/** An array whose items all pass `item`. */
export function arr<T>(item: Decoder<T>): Decoder<T[]> {
  return (v, p) => {
    if (!Array.isArray(v)) throw new DecodeError(p, 'an array', v);
    return v.map((x: unknown, i) => item(x, `${p}[${i}]`));
  };
}

/** An object whose values all pass `item`. */
export function record<T>(item: Decoder<T>): Decoder<Record<string, T>> {
  return (v, p) => {
    const o = obj(v, p);
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(o)) out[k] = item(x, `${p}.${k}`);
    return out;
  };
}

/** A value that may be missing (undefined or null); gives `fallback` then. */
export function opt<T>(item: Decoder<T>, fallback: T): Decoder<T> {
  return (v, p) => (v === undefined || v === null ? fallback : item(v, p));
}

/** A field of an object, decoded. */
export function field<T>(o: Record<string, unknown>, key: string, d: Decoder<T>, p: string): T {
  return d(o[key], `${p}.${key}`);
}

/** A string, number or boolean shown as text (flags and runtime info mix them). */
export const scalarText: Decoder<string> = (v, p) => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new DecodeError(p, 'a string, number or boolean', v);
};
