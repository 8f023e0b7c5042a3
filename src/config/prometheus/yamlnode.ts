import { LineCounter, Scalar, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { parseBytes, parseDuration } from '../duration.js';

/** An invalid configuration: the message says what and where (file and line when known). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}

/** Shared state while reading one document: positions and collected warnings. */
export interface ReadContext {
  readonly lines: LineCounter;
  /** Parts of the file that Kansoku reads but does not act on, by name. */
  readonly unsupported: string[];
}

/** Parses YAML text into its root node, with Go-yaml-like errors for syntax problems. */
export function parseYaml(text: string): { root: unknown; ctx: ReadContext } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const pos = lines.linePos(err.pos[0]);
    throw new ConfigError(`yaml: ${err.message.split('\n')[0]!}`, pos.line);
  }
  return { root: doc.contents, ctx: { lines, unsupported: [] } };
}

/** The first line of a node, when it has a position. */
export function lineOf(ctx: ReadContext, node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? ctx.lines.linePos(range[0]).line : undefined;
}

/** Whether a node is absent or YAML null. */
export function isNull(node: unknown): boolean {
  return node === undefined || node === null || (isScalar(node) && node.value === null);
}

/**
 * Reads a mapping field by field. Every key read is marked; `done()` rejects the keys nobody
 * read, with Go's wording ("field x not found in type config.plain"), and duplicated keys are
 * rejected as Go does ("field x already set in type config.plain").
 */
export class ObjReader {
  private readonly seen = new Set<string>();
  private readonly items = new Map<string, { key: unknown; value: unknown }>();

  constructor(
    readonly ctx: ReadContext,
    readonly node: unknown,
    readonly typeName: string,
  ) {
    if (isNull(node)) return;
    if (!isMap(node)) {
      throw new ConfigError(
        `yaml: unmarshal errors: cannot unmarshal ${describe(node)} into ${typeName}`,
        lineOf(ctx, node),
      );
    }
    for (const it of node.items) {
      const k = isScalar(it.key) ? String(it.key.value) : String(it.key);
      if (this.items.has(k)) {
        throw new ConfigError(`field ${k} already set in type ${typeName}`, lineOf(ctx, it.key));
      }
      this.items.set(k, { key: it.key, value: it.value });
    }
  }

  /** All keys, in file order. */
  keys(): string[] {
    return [...this.items.keys()];
  }

  /** Whether the key is present (even as null). */
  has(key: string): boolean {
    return this.items.has(key);
  }

  /** The raw node of a key (marks it read). */
  raw(key: string): unknown {
    this.seen.add(key);
    return this.items.get(key)?.value;
  }

  /** Marks keys as known but not acted on, recording them as unsupported when present. */
  unsupported(prefix: string, ...keys: string[]): void {
    for (const k of keys) {
      if (this.items.has(k) && !isNull(this.items.get(k)!.value)) {
        this.ctx.unsupported.push(prefix === '' ? k : `${prefix}.${k}`);
      }
      this.seen.add(k);
    }
  }

  /** Marks keys as known and ignored on purpose (accepted for compatibility). */
  ignore(...keys: string[]): void {
    for (const k of keys) this.seen.add(k);
  }

  str(key: string, def = ''): string {
    const n = this.raw(key);
    if (isNull(n)) return def;
    return scalarString(this.ctx, n, key);
  }

  bool(key: string, def: boolean): boolean {
    const n = this.raw(key);
    if (isNull(n)) return def;
    if (isScalar(n) && typeof n.value === 'boolean') return n.value;
    throw new ConfigError(
      `cannot unmarshal ${describe(n)} into bool (${key})`,
      lineOf(this.ctx, n),
    );
  }

  int(key: string, def: number): number {
    const n = this.raw(key);
    if (isNull(n)) return def;
    if (isScalar(n) && typeof n.value === 'number' && Number.isInteger(n.value)) return n.value;
    throw new ConfigError(
      `cannot unmarshal ${describe(n)} into an integer (${key})`,
      lineOf(this.ctx, n),
    );
  }

  float(key: string, def: number): number {
    const n = this.raw(key);
    if (isNull(n)) return def;
    if (isScalar(n) && typeof n.value === 'number') return n.value;
    throw new ConfigError(
      `cannot unmarshal ${describe(n)} into a number (${key})`,
      lineOf(this.ctx, n),
    );
  }

  /** A Prometheus duration (`15s`, `1h30m`) in ms. */
  duration(key: string, def: number): number {
    const n = this.raw(key);
    if (isNull(n)) return def;
    const s = scalarString(this.ctx, n, key);
    try {
      return parseDuration(s);
    } catch {
      throw new ConfigError(
        `not a valid duration string: ${JSON.stringify(s)}`,
        lineOf(this.ctx, n),
      );
    }
  }

  /** A byte size (`15MB`) in bytes; 0 when absent. */
  bytes(key: string, def: number): number {
    const n = this.raw(key);
    if (isNull(n)) return def;
    const s = isScalar(n) ? String(n.value) : '';
    if (/^[0-9]+$/.test(s)) {
      throw new ConfigError(`units: unknown unit  in ${s}`, lineOf(this.ctx, n));
    }
    try {
      return parseBytes(s);
    } catch (e) {
      throw new ConfigError(`${key}: ${(e as Error).message}`, lineOf(this.ctx, n));
    }
  }

  strList(key: string): string[] {
    const n = this.raw(key);
    if (isNull(n)) return [];
    if (!isSeq(n)) throw new ConfigError(`${key} must be a list`, lineOf(this.ctx, n));
    return n.items.map((it) => scalarString(this.ctx, it, key));
  }

  /** A list of nodes (each element may be null; callers decide). */
  list(key: string): unknown[] {
    const n = this.raw(key);
    if (isNull(n)) return [];
    if (!isSeq(n)) throw new ConfigError(`${key} must be a list`, lineOf(this.ctx, n));
    return n.items;
  }

  /** A string → string mapping, in file order. */
  strMap(key: string): [string, string, unknown][] {
    const n = this.raw(key);
    if (isNull(n)) return [];
    if (!isMap(n)) throw new ConfigError(`${key} must be a mapping`, lineOf(this.ctx, n));
    return n.items.map((it) => [
      scalarString(this.ctx, it.key, key),
      isNull(it.value) ? '' : scalarString(this.ctx, it.value, key),
      it.key,
    ]);
  }

  /** A nested mapping reader, or undefined when absent. */
  obj(key: string, typeName: string): ObjReader | undefined {
    const n = this.raw(key);
    if (isNull(n)) return undefined;
    return new ObjReader(this.ctx, n, typeName);
  }

  /** The line of a key's value. */
  lineOf(key: string): number | undefined {
    return lineOf(this.ctx, this.items.get(key)?.value ?? this.node);
  }

  /** Rejects keys that were not read. */
  done(): void {
    for (const [k, { key }] of this.items) {
      if (!this.seen.has(k)) {
        throw new ConfigError(
          `field ${k} not found in type ${this.typeName}`,
          lineOf(this.ctx, key),
        );
      }
    }
  }
}

/** Reads a scalar as a string; `!!binary` values become their bytes as (possibly invalid) text. */
export function scalarString(ctx: ReadContext, n: unknown, what: string): string {
  if (!isScalar(n)) {
    throw new ConfigError(
      `yaml: unmarshal errors: cannot unmarshal ${describe(n)} into string (${what})`,
      lineOf(ctx, n),
    );
  }
  const v: unknown = n.value;
  if (n.tag === 'tag:yaml.org,2002:binary') {
    const src = typeof n.source === 'string' ? n.source : '';
    if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(src)) {
      throw new ConfigError('!!binary value contains invalid base64 data', lineOf(ctx, n));
    }
    if (v instanceof Uint8Array) return binaryString(v);
  }
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
    return typeof n.source === 'string' ? n.source : String(v);
  }
  throw new ConfigError(
    `yaml: unmarshal errors: cannot unmarshal ${describe(n)} into string (${what})`,
    lineOf(ctx, n),
  );
}

/** Marks invalid UTF-8 so validation can report it the way Go prints it ("\xff"). */
export const INVALID_UTF8_PREFIX = '\u0000invalid-utf8:';

function binaryString(b: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    let s = '';
    for (const x of b)
      s += x < 0x80 ? String.fromCharCode(x) : `\\x${x.toString(16).padStart(2, '0')}`;
    return INVALID_UTF8_PREFIX + s;
  }
}

/** How Go would quote a string in an error message (`"\xff"` for invalid UTF-8). */
export function goQuote(s: string): string {
  if (s.startsWith(INVALID_UTF8_PREFIX)) return `"${s.slice(INVALID_UTF8_PREFIX.length)}"`;
  return JSON.stringify(s);
}

/** Whether a string (as read by `scalarString`) is valid UTF-8. */
export function isValidUTF8(s: string): boolean {
  return !s.startsWith(INVALID_UTF8_PREFIX);
}

function describe(n: unknown): string {
  if (isMap(n)) return '!!map';
  if (isSeq(n)) return '!!seq';
  if (n instanceof Scalar)
    return `!!${typeof n.value === 'number' ? 'int' : 'str'} \`${String(n.source ?? n.value)}\``;
  return 'value';
}
