/**
 * Metric families produced by the host collectors and their rendering as the Prometheus text
 * exposition (version 0.0.4), formatted the way node_exporter formats it.
 */

/** The type of a metric family as written in `# TYPE`. */
export type HostMetricType = 'counter' | 'gauge' | 'untyped' | 'summary' | 'histogram';

/**
 * One metric family: a name, help, type, fixed label names, and its samples stored column-wise
 * (values in a growable Float64Array, label values flat, `labelNames.length` per sample), so a
 * family of n samples costs a few arrays, not n objects. Samples of summaries and histograms may
 * carry a name suffix (`_bucket`, `_sum`, `_count`); their `le`/`quantile` label is omitted when
 * empty.
 */
export class MetricFamily {
  private vals = new Float64Array(4);
  private n = 0;
  /** Flat label values, `labelNames.length` per sample. */
  readonly labelValues: string[] = [];
  /** Per-sample name suffixes; only used by summaries and histograms. */
  readonly suffixes: string[] = [];
  /**
   * When set, labels with an empty value are left out of a sample, so samples of one family can
   * carry different label sets (node_exporter's `node_power_supply_info`).
   */
  omitEmptyLabels = false;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: HostMetricType,
    readonly labelNames: readonly string[] = [],
  ) {}

  /** Number of samples. */
  get length(): number {
    return this.n;
  }

  /** The value of sample `i`. */
  value(i: number): number {
    return this.vals[i] ?? NaN;
  }

  /** Adds a sample; `labelValues` must match `labelNames` in order and count. */
  add(value: number, ...labelValues: string[]): void {
    if (labelValues.length !== this.labelNames.length) {
      throw new Error(
        `BUG: metric ${this.name} has ${this.labelNames.length} labels, got ${labelValues.length}`,
      );
    }
    this.push(value);
    for (const v of labelValues) this.labelValues.push(v);
  }

  /** Adds a sample with a name suffix (summaries and histograms). */
  addWithSuffix(suffix: string, value: number, labelValues: readonly string[]): void {
    this.push(value);
    this.suffixes.push(suffix);
    for (const v of labelValues) this.labelValues.push(v);
  }

  private push(value: number): void {
    if (this.n === this.vals.length) {
      const next = new Float64Array(this.vals.length * 2);
      next.set(this.vals);
      this.vals = next;
    }
    this.vals[this.n++] = value;
  }
}

/**
 * Formats a float like Go's `strconv.FormatFloat(v, 'g', -1, 64)`, which node_exporter uses:
 * shortest round-trip digits, exponent form when the exponent is below -4 or at least 6.
 */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const e = v.toExponential(); // shortest digits, e.g. "2.4480221e+7"
  const at = e.indexOf('e');
  const exp = Number(e.slice(at + 1));
  if (exp < -4 || exp >= 6) {
    const mant = e.slice(0, at);
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return `${mant}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  return String(v);
}

function escapeLabel(v: string): string {
  if (!/[\\"\n]/.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  if (!/[\\\n]/.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Compares samples a and b of a family by their label values, in label order. */
function compareSamples(f: MetricFamily, a: number, b: number): number {
  const k = f.labelNames.length;
  for (let j = 0; j < k; j++) {
    const x = f.labelValues[a * k + j] ?? '';
    const y = f.labelValues[b * k + j] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Renders families as the text exposition: families sorted by name, samples of counters, gauges
 * and untyped families sorted by label values (as node_exporter does), summaries and histograms
 * in insertion order. Families without samples are skipped.
 */
export function renderFamilies(families: readonly MetricFamily[]): string {
  const sorted = families
    .filter((f) => f.length > 0)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const parts: string[] = [];
  for (const f of sorted) {
    parts.push(`# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`);
    const order = Array.from({ length: f.length }, (_, i) => i);
    const composite = f.type === 'summary' || f.type === 'histogram';
    if (!composite && f.labelNames.length > 0) order.sort((a, b) => compareSamples(f, a, b));
    const k = f.labelNames.length;
    for (const i of order) {
      let line = composite ? f.name + (f.suffixes[i] ?? '') : f.name;
      let labels = '';
      for (let j = 0; j < k; j++) {
        const name = f.labelNames[j] ?? '';
        const value = f.labelValues[i * k + j] ?? '';
        if (
          value === '' &&
          (f.omitEmptyLabels || (composite && (name === 'le' || name === 'quantile')))
        )
          continue;
        labels += `${labels === '' ? '' : ','}${name}="${escapeLabel(value)}"`;
      }
      if (labels !== '') line += `{${labels}}`;
      parts.push(`${line} ${formatValue(f.value(i))}\n`);
    }
  }
  return parts.join('');
}
