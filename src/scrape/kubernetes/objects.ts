/**
 * Minimal, validated access to Kubernetes API objects as decoded from JSON. The API's answers are
 * input from outside: every field is read through these helpers, never by casting.
 */

/** A decoded JSON object. */
export type Obj = Readonly<Record<string, unknown>>;

/** Returns `o[key]` if it is an object, else an empty object. */
export function obj(o: unknown, key: string): Obj {
  const v = isObj(o) ? o[key] : undefined;
  return isObj(v) ? v : {};
}

/** Returns `o[key]` as an array of objects (non-objects dropped). */
export function arr(o: unknown, key: string): Obj[] {
  const v = isObj(o) ? o[key] : undefined;
  return Array.isArray(v) ? v.filter(isObj) : [];
}

/** Returns `o[key]` as a string ('' when absent or not a string). */
export function str(o: unknown, key: string): string {
  const v = isObj(o) ? o[key] : undefined;
  return typeof v === 'string' ? v : '';
}

/** Returns `o[key]` as a number (undefined when absent). */
export function num(o: unknown, key: string): number | undefined {
  const v = isObj(o) ? o[key] : undefined;
  return typeof v === 'number' ? v : undefined;
}

/** Returns `o[key]` as a boolean (undefined when absent). */
export function bool(o: unknown, key: string): boolean | undefined {
  const v = isObj(o) ? o[key] : undefined;
  return typeof v === 'boolean' ? v : undefined;
}

/** Returns `o[key]` as a string map (labels, annotations). */
export function strMap(o: unknown, key: string): [string, string][] {
  return Object.entries(obj(o, key)).filter((e): e is [string, string] => typeof e[1] === 'string');
}

/** Whether a value is a non-array object. */
export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `namespace/name` of an object. */
export function objKey(o: Obj): string {
  const m = obj(o, 'metadata');
  return `${str(m, 'namespace')}/${str(m, 'name')}`;
}

/** Replaces characters that are invalid in label names with `_`, like Prometheus. */
export function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

/**
 * Adds `<prefix>_label_<name>`, `<prefix>_labelpresent_<name>`, `<prefix>_annotation_<name>` and
 * `<prefix>_annotationpresent_<name>` for an object's metadata.
 */
export function addObjectMeta(out: Record<string, string>, prefix: string, o: Obj): void {
  const meta = obj(o, 'metadata');
  for (const [k, v] of strMap(meta, 'labels')) {
    out[`${prefix}_label_${sanitize(k)}`] = v;
    out[`${prefix}_labelpresent_${sanitize(k)}`] = 'true';
  }
  for (const [k, v] of strMap(meta, 'annotations')) {
    out[`${prefix}_annotation_${sanitize(k)}`] = v;
    out[`${prefix}_annotationpresent_${sanitize(k)}`] = 'true';
  }
}

/** Joins host and port like Go's net.JoinHostPort (IPv6 in brackets). */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
