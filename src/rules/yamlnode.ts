import {
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  type Document,
  type Node,
  type Pair,
} from 'yaml';

/** A YAML document's root node with the line counter that positions its nodes. */
export interface YamlDoc {
  readonly root: unknown;
  readonly lines: LineCounter;
  /** The parsed document, for resolving aliases. */
  readonly doc: Document | undefined;
  /** How many documents the text holds; only the first one is read, as Prometheus does. */
  readonly documents: number;
}

/** A YAML syntax or shape problem with its 1-based line. */
export class YamlShapeError extends Error {
  override readonly name = 'YamlShapeError';
  constructor(
    message: string,
    readonly line: number | undefined,
  ) {
    super(message);
  }
}

/** Parses YAML text; throws YamlShapeError with the line of the first syntax error. */
export function parseYamlDoc(text: string): YamlDoc {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter: lines,
    uniqueKeys: false,
    prettyErrors: false,
  });
  const list = Array.isArray(docs) ? docs : [];
  const first = list[0];
  if (first) {
    const err = first.errors[0];
    if (err) {
      throw new YamlShapeError(
        `yaml: ${err.message.split('\n')[0] ?? ''}`,
        lines.linePos(err.pos[0]).line,
      );
    }
  }
  return { root: first?.contents ?? null, lines, doc: first, documents: list.length };
}

/** The 1-based line and column of a node, when it has a position. */
export function posOf(doc: YamlDoc, node: unknown): { line: number; col: number } | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  if (!range) return undefined;
  const p = doc.lines.linePos(range[0]);
  return { line: p.line, col: p.col };
}

/** The node an alias points at (other nodes unchanged). */
export function deref(doc: YamlDoc, node: unknown): unknown {
  if (isAlias(node) && doc.doc) return node.resolve(doc.doc);
  return node;
}

/** Whether a node is absent or YAML null. */
export function isNullNode(node: unknown): boolean {
  return node === undefined || node === null || (isScalar(node) && node.value === null);
}

/** Go-yaml's name for the kind of a node, used in "cannot unmarshal" messages. */
function describe(node: unknown): string {
  if (isSeq(node)) return '!!seq';
  if (isMap(node)) return '!!map';
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'number')
      return Number.isInteger(v) ? `!!int \`${String(v)}\`` : `!!float \`${String(v)}\``;
    if (typeof v === 'boolean') return `!!bool \`${String(v)}\``;
    return `!!str \`${String(v)}\``;
  }
  return 'value';
}

/** The key/value pairs of a mapping node; throws for other kinds (null gives none). */
export function mapPairs(doc: YamlDoc, n: unknown, typeName: string): Pair[] {
  const node = deref(doc, n);
  if (isNullNode(node)) return [];
  if (!isMap(node)) {
    throw new YamlShapeError(
      `cannot unmarshal ${describe(node)} into ${typeName}`,
      posOf(doc, node)?.line,
    );
  }
  const own = node.items;
  if (!own.some((p) => keyText(p.key) === '<<')) return own;
  const out: Pair[] = [];
  const have = new Set<string>();
  for (const p of own) {
    if (keyText(p.key) === '<<') continue;
    out.push(p);
    have.add(keyText(p.key));
  }
  for (const p of own) {
    if (keyText(p.key) !== '<<') continue;
    const src = deref(doc, p.value);
    const list = isSeq(src) ? src.items : [src];
    for (const m of list) {
      for (const q of mapPairs(doc, m, typeName)) {
        if (!have.has(keyText(q.key))) {
          out.push(q);
          have.add(keyText(q.key));
        }
      }
    }
  }
  return out;
}

/** The items of a sequence node; throws for other kinds (null gives none). */
export function seqItems(doc: YamlDoc, n: unknown, typeName: string): unknown[] {
  const node = deref(doc, n);
  if (isNullNode(node)) return [];
  if (!isSeq(node)) {
    throw new YamlShapeError(
      `cannot unmarshal ${describe(node)} into ${typeName}`,
      posOf(doc, node)?.line,
    );
  }
  return node.items;
}

/** The text of a key node. */
export function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/** A scalar as a Go string field would take it (numbers and booleans as written). */
export function scalarText(doc: YamlDoc, n: unknown, typeName: string): string {
  const node = deref(doc, n);
  if (isNullNode(node)) return '';
  if (!isScalar(node)) {
    throw new YamlShapeError(
      `cannot unmarshal ${describe(node)} into ${typeName}`,
      posOf(doc, node)?.line,
    );
  }
  const src = (node as Node & { source?: string }).source;
  if (typeof node.value === 'string') return node.value;
  return typeof src === 'string' ? src : String(node.value);
}

/** A scalar as a Go int field would take it. */
export function scalarInt(doc: YamlDoc, n: unknown, typeName: string): number {
  const node = deref(doc, n);
  if (isNullNode(node)) return 0;
  if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value))
    return node.value;
  throw new YamlShapeError(
    `cannot unmarshal ${describe(node)} into ${typeName}`,
    posOf(doc, node)?.line,
  );
}

/** A mapping of strings to strings, in file order; rejects duplicate keys like go-yaml. */
export function stringMap(doc: YamlDoc, node: unknown, what: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of mapPairs(doc, node, 'map[string]string')) {
    const k = keyText(p.key);
    if (out.has(k)) {
      throw new YamlShapeError(
        `mapping key "${k}" already defined in ${what}`,
        posOf(doc, p.key)?.line,
      );
    }
    out.set(k, scalarText(doc, p.value, 'string'));
  }
  return out;
}
