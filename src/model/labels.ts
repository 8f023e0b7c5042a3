import { hashStrings } from './hash.js';

/** The label that holds the metric name. */
export const METRIC_NAME = '__name__';

/** One label: a name and a value. Used at API edges; the hot paths use the flat form. */
export interface Label {
  readonly name: string;
  readonly value: string;
}

/**
 * An immutable, sorted set of labels.
 *
 * Internally a flat array `[name0, value0, name1, value1, …]` sorted by name, with unique names
 * and no empty values (an empty value means "label absent", as in Prometheus). Instances are
 * safe to share; every operation that changes labels returns a new instance.
 */
export class Labels {
  /** The empty label set. */
  static readonly EMPTY = new Labels([]);

  private cachedHash = -1;

  private constructor(
    /** Flat sorted `[name, value, …]` pairs; never mutate. */
    readonly flat: readonly string[],
  ) {}

  /**
   * Builds labels from a flat `[name, value, …]` array that is already sorted by name with unique
   * names and no empty values. The array is taken over, not copied. Use `fromFlatUnsorted` when
   * unsure.
   */
  static fromSortedFlat(flat: readonly string[]): Labels {
    return flat.length === 0 ? Labels.EMPTY : new Labels(flat);
  }

  /** Builds labels from an unsorted flat `[name, value, …]` array; empty values are dropped. */
  static fromFlatUnsorted(flat: readonly string[]): Labels {
    const idx: number[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i + 1] !== '') idx.push(i);
    idx.sort((x, y) => cmpStr(flat[x]!, flat[y]!));
    const out: string[] = [];
    for (const i of idx) {
      const n = flat[i]!;
      if (out.length > 0 && out[out.length - 2] === n) {
        out[out.length - 1] = flat[i + 1]!; // last one wins
        continue;
      }
      out.push(n, flat[i + 1]!);
    }
    return Labels.fromSortedFlat(out);
  }

  /** Builds labels from a plain object; empty values are dropped. */
  static fromRecord(rec: Readonly<Record<string, string>>): Labels {
    const flat: string[] = [];
    for (const [k, v] of Object.entries(rec)) flat.push(k, v);
    return Labels.fromFlatUnsorted(flat);
  }

  /** Builds labels from `{name, value}` pairs; empty values are dropped. */
  static fromPairs(pairs: Iterable<Label>): Labels {
    const flat: string[] = [];
    for (const l of pairs) flat.push(l.name, l.value);
    return Labels.fromFlatUnsorted(flat);
  }

  /** The number of labels. */
  get size(): number {
    return this.flat.length >> 1;
  }

  /** The name of the i-th label in sorted order. */
  nameAt(i: number): string {
    return this.flat[i * 2]!;
  }

  /** The value of the i-th label in sorted order. */
  valueAt(i: number): string {
    return this.flat[i * 2 + 1]!;
  }

  /** The value of a label, or '' when absent. */
  get(name: string): string {
    const f = this.flat;
    // Label sets are small: a linear scan beats binary search below ~16 labels.
    for (let i = 0; i < f.length; i += 2) {
      if (f[i] === name) return f[i + 1]!;
    }
    return '';
  }

  /** Whether the label is present. */
  has(name: string): boolean {
    return this.get(name) !== '';
  }

  /** The metric name (`__name__`), or ''. */
  metricName(): string {
    return this.get(METRIC_NAME);
  }

  /** A stable 53-bit hash of all names and values. */
  hash(): number {
    if (this.cachedHash < 0) this.cachedHash = hashStrings(this.flat);
    return this.cachedHash;
  }

  /** Hash over only the given names (`on`) or over all names but the given ones (`ignoring`). */
  hashFor(names: ReadonlySet<string>, include: boolean): number {
    const parts: string[] = [];
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) {
      if (names.has(f[i]!) === include) parts.push(f[i]!, f[i + 1]!);
    }
    return hashStrings(parts);
  }

  /** Whether both sets hold the same labels. */
  equals(o: Labels): boolean {
    if (this === o) return true;
    const a = this.flat;
    const b = o.flat;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** Orders label sets like Prometheus' `labels.Compare`. */
  compare(o: Labels): number {
    return compareLabels(this, o);
  }

  /** Returns a copy with the label set (or removed when value is ''). */
  with(name: string, value: string): Labels {
    const b = new LabelsBuilder(this);
    b.set(name, value);
    return b.labels();
  }

  /** Returns a copy without the given labels. */
  without(...names: string[]): Labels {
    const b = new LabelsBuilder(this);
    for (const n of names) b.del(n);
    return b.labels();
  }

  /** Returns a copy that keeps only the given labels. */
  keepOnly(names: ReadonlySet<string>): Labels {
    const out: string[] = [];
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) if (names.has(f[i]!)) out.push(f[i]!, f[i + 1]!);
    return Labels.fromSortedFlat(out);
  }

  /** Calls `fn` for each label in sorted order. */
  forEach(fn: (name: string, value: string) => void): void {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) fn(f[i]!, f[i + 1]!);
  }

  /** The labels as a plain object (insertion order is sorted order). */
  toRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) {
      const name = f[i]!;
      // '__proto__' is a valid label name; define it as an own property, not the prototype.
      if (name === '__proto__') {
        Object.defineProperty(out, name, { value: f[i + 1]!, enumerable: true, writable: true });
      } else out[name] = f[i + 1]!;
    }
    return out;
  }

  /** The labels as `{name, value}` pairs. */
  toPairs(): Label[] {
    const out: Label[] = [];
    this.forEach((name, value) => out.push({ name, value }));
    return out;
  }

  /** Prometheus' text form: `{a="1", b="2"}` (with the metric name in front when present). */
  toString(): string {
    const name = this.metricName();
    const parts: string[] = [];
    this.forEach((n, v) => {
      if (n === METRIC_NAME && name !== '' && isValidLegacyMetricName(name)) return;
      parts.push(`${formatLabelName(n)}=${JSON.stringify(v)}`);
    });
    const head = name !== '' && isValidLegacyMetricName(name) ? name : '';
    return parts.length === 0 && head !== '' ? head : `${head}{${parts.join(', ')}}`;
  }
}

/** Compares two label sets like Prometheus' `labels.Compare`. */
export function compareLabels(a: Labels, b: Labels): number {
  const x = a.flat;
  const y = b.flat;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i += 2) {
    if (x[i] !== y[i]) return cmpStr(x[i]!, y[i]!);
    if (x[i + 1] !== y[i + 1]) return cmpStr(x[i + 1]!, y[i + 1]!);
  }
  return x.length - y.length;
}

/** Byte-order-like string comparison (UTF-16 code units; equal to UTF-8 order for BMP text). */
export function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether the name is a valid legacy (non-UTF-8) metric name `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
export function isValidLegacyMetricName(name: string): boolean {
  return /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name);
}

/** Whether the name is a valid legacy label name `[a-zA-Z_][a-zA-Z0-9_]*`. */
export function isValidLegacyLabelName(name: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name);
}

function formatLabelName(n: string): string {
  return isValidLegacyLabelName(n) ? n : JSON.stringify(n);
}

/** A mutable builder for label sets; reuse it with `reset()` on hot paths. */
export class LabelsBuilder {
  private readonly map = new Map<string, string>();

  constructor(base?: Labels) {
    if (base) this.reset(base);
  }

  /** Clears the builder and starts from `base` (or empty). */
  reset(base?: Labels): this {
    this.map.clear();
    base?.forEach((n, v) => this.map.set(n, v));
    return this;
  }

  /** Sets a label; an empty value deletes it. */
  set(name: string, value: string): this {
    if (value === '') this.map.delete(name);
    else this.map.set(name, value);
    return this;
  }

  /** Deletes a label. */
  del(name: string): this {
    this.map.delete(name);
    return this;
  }

  /** The current value of a label, or ''. */
  get(name: string): string {
    return this.map.get(name) ?? '';
  }

  /** Builds the sorted, immutable label set. */
  labels(): Labels {
    const names = [...this.map.keys()].sort(cmpStr);
    const flat: string[] = [];
    for (const n of names) flat.push(n, this.map.get(n)!);
    return Labels.fromSortedFlat(flat);
  }
}
