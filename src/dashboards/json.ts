/** Small readers for untyped JSON: objects, strings, numbers and arrays without casts. */

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** Whether `v` is a plain JSON object (not an array, not null). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `v` as an object, or undefined. */
export function asObject(v: unknown): JsonObject | undefined {
  return isObject(v) ? v : undefined;
}

/** `v` as an array, or an empty array. */
export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? (v as unknown[]) : [];
}

/** `v` as a string, or undefined. */
export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `v` as a finite number (numeric strings included), or undefined. */
export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

/** `v` as a boolean, or undefined. */
export function asBool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

/** A deep copy of a JSON value. */
export function cloneJson<T>(v: T): T {
  return structuredClone(v);
}

/**
 * JSON text with object keys sorted at every level and two-space indentation, so that the same
 * dashboard always serializes to the same bytes (stable diffs in git).
 */
export function stableStringify(v: unknown): string {
  return JSON.stringify(sortKeys(v), null, 2) + '\n';
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}

/** A shallow copy of `o` without the given keys. */
export function omit(o: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v;
  return out;
}

/** A JSON value as text for messages: strings as they are, everything else as JSON. */
export function textOf(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined ? 'undefined' : JSON.stringify(v);
}
