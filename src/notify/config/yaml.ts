import { LineCounter, Scalar, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { parseDuration } from '../../config/index.js';

/**
 * An invalid `alertmanager.yml`. The message uses Alertmanager's wording so that users can search
 * for it; `line` is set when the position is known.
 */
export class AlertmanagerConfigError extends Error {
  override readonly name = 'AlertmanagerConfigError';
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

/** Positions of one parsed document. */
export interface YamlContext {
  readonly lines: LineCounter;
}

/** Parses YAML text into its root node. */
export function parseYamlRoot(text: string): { root: unknown; ctx: YamlContext } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const pos = lines.linePos(err.pos[0]);
    throw new AlertmanagerConfigError(
      `yaml: line ${pos.line}: ${err.message.split('\n')[0] ?? ''}`,
      pos.line,
    );
  }
  return { root: doc.contents, ctx: { lines } };
}

/** The first line of a node, when it has a position. */
export function lineOf(ctx: YamlContext, node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null || !('range' in node)) return undefined;
  const range = (node as { range?: unknown }).range;
  if (!Array.isArray(range) || typeof range[0] !== 'number') return undefined;
  return ctx.lines.linePos(range[0]).line;
}

/** Whether a node is absent or YAML null. */
export function isNull(node: unknown): boolean {
  return node === undefined || node === null || (isScalar(node) && node.value === null);
}

function describe(n: unknown): string {
  if (isMap(n)) return '!!map';
  if (isSeq(n)) return '!!seq';
  if (n instanceof Scalar) {
    const t = typeof n.value === 'number' ? 'int' : typeof n.value === 'boolean' ? 'bool' : 'str';
    return `!!${t} \`${String(n.source ?? n.value)}\``;
  }
  return 'value';
}

/** go-yaml's wrapping of type errors: "yaml: unmarshal errors:\n  line N: …". */
export function unmarshalError(
  ctx: YamlContext,
  node: unknown,
  msg: string,
): AlertmanagerConfigError {
  const line = lineOf(ctx, node);
  return new AlertmanagerConfigError(
    `yaml: unmarshal errors:\n  ${line === undefined ? '' : `line ${line}: `}${msg}`,
    line,
  );
}

/** Reads a scalar as a string (numbers and booleans as written). */
export function scalarString(ctx: YamlContext, n: unknown): string {
  if (!isScalar(n)) throw unmarshalError(ctx, n, `cannot unmarshal ${describe(n)} into string`);
  const v: unknown = n.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
    return typeof n.source === 'string' ? n.source : String(v);
  }
  throw unmarshalError(ctx, n, `cannot unmarshal ${describe(n)} into string`);
}

/** Converts a node into plain JSON-like data (for free-form receiver fields). */
export function toPlain(n: unknown): unknown {
  if (isNull(n)) return null;
  if (isScalar(n)) return n.value;
  if (isSeq(n)) return n.items.map(toPlain);
  if (isMap(n)) {
    const o: Record<string, unknown> = {};
    for (const it of n.items)
      o[isScalar(it.key) ? String(it.key.value) : String(it.key)] = toPlain(it.value);
    return o;
  }
  return null;
}

/**
 * Reads a mapping field by field. `done()` rejects keys nobody read with go-yaml's wording
 * ("field x not found in type config.plain"); duplicate keys are rejected like go-yaml does.
 */
export class MapReader {
  private readonly seen = new Set<string>();
  private readonly items = new Map<string, { key: unknown; value: unknown }>();

  constructor(
    readonly ctx: YamlContext,
    readonly node: unknown,
    readonly typeName = 'config.plain',
  ) {
    if (isNull(node)) return;
    if (!isMap(node)) {
      throw unmarshalError(ctx, node, `cannot unmarshal ${describe(node)} into ${typeName}`);
    }
    for (const it of node.items) {
      const k = isScalar(it.key) ? String(it.key.value) : String(it.key);
      if (this.items.has(k)) {
        throw unmarshalError(ctx, it.key, `key ${JSON.stringify(k)} already set in map`);
      }
      this.items.set(k, { key: it.key, value: it.value });
    }
  }

  /** All keys in file order. */
  keys(): string[] {
    return [...this.items.keys()];
  }

  /** Whether the key is present with a non-null value. */
  has(key: string): boolean {
    return !isNull(this.items.get(key)?.value);
  }

  /** The raw node of a key; marks it read. */
  raw(key: string): unknown {
    this.seen.add(key);
    return this.items.get(key)?.value;
  }

  /** Marks keys as known. */
  accept(...keys: string[]): void {
    for (const k of keys) this.seen.add(k);
  }

  /** A string field, or `def` when absent or null. */
  str(key: string, def = ''): string {
    const n = this.raw(key);
    return isNull(n) ? def : scalarString(this.ctx, n);
  }

  /** A boolean field, or `def` when absent. */
  bool(key: string, def: boolean): boolean {
    const n = this.raw(key);
    if (isNull(n)) return def;
    if (isScalar(n) && typeof n.value === 'boolean') return n.value;
    throw unmarshalError(this.ctx, n, `cannot unmarshal ${describe(n)} into bool`);
  }

  /** A boolean field that stays undefined when absent. */
  optBool(key: string): boolean | undefined {
    return this.has(key) ? this.bool(key, false) : (this.raw(key), undefined);
  }

  /** A duration in milliseconds, or undefined when absent. */
  duration(key: string): number | undefined {
    const n = this.raw(key);
    if (isNull(n)) return undefined;
    const s = scalarString(this.ctx, n);
    try {
      return parseDuration(s);
    } catch {
      throw new AlertmanagerConfigError(
        `not a valid duration string: ${JSON.stringify(s)}`,
        lineOf(this.ctx, n),
      );
    }
  }

  /** A list of strings (absent → []). */
  strList(key: string): string[] {
    return this.list(key).map((it) => scalarString(this.ctx, it));
  }

  /** Whether the key holds a list, even an empty one. */
  isList(key: string): boolean {
    return isSeq(this.items.get(key)?.value);
  }

  /** The element nodes of a list (absent → []). */
  list(key: string): unknown[] {
    const n = this.raw(key);
    if (isNull(n)) return [];
    if (!isSeq(n)) throw unmarshalError(this.ctx, n, `cannot unmarshal ${describe(n)} into []`);
    return n.items;
  }

  /** A string → node mapping in file order. */
  entries(key: string): [string, unknown][] {
    const n = this.raw(key);
    if (isNull(n)) return [];
    if (!isMap(n)) {
      throw unmarshalError(this.ctx, n, `cannot unmarshal ${describe(n)} into map[string]string`);
    }
    return n.items.map((it) => [scalarString(this.ctx, it.key), it.value]);
  }

  /** A string → string mapping; null values read as ''. */
  strMap(key: string): [string, string][] {
    return this.entries(key).map(([k, v]) => [k, isNull(v) ? '' : scalarString(this.ctx, v)]);
  }

  /** A nested mapping reader, or undefined when absent. */
  obj(key: string, typeName = 'config.plain'): MapReader | undefined {
    const n = this.raw(key);
    return isNull(n) ? undefined : new MapReader(this.ctx, n, typeName);
  }

  /** Rejects keys that were not read. */
  done(): void {
    for (const [k, { key }] of this.items) {
      if (!this.seen.has(k)) {
        throw unmarshalError(this.ctx, key, `field ${k} not found in type ${this.typeName}`);
      }
    }
  }
}
