/**
 * OTLP metrics → Prometheus series, following Prometheus' OTLP translation: names with unit and
 * type suffixes, sanitised label names, `job`/`instance` from the service attributes,
 * `target_info` for the other resource attributes, classic histograms and summaries, and the
 * no-recorded-value flag as a staleness marker. Unlike Prometheus, delta sums and histograms are
 * accepted: a `DeltaTracker` turns them into cumulative series.
 */
import { STALE_NAN } from '../model/index.js';
import {
  FLAG_NO_RECORDED_VALUE,
  anyValueToString,
  buildLabelName,
  buildMetricName,
  type HistogramPoint,
  type KeyValue,
  type LabelNamingOptions,
  type MetricsRequest,
  type NamingType,
  type OTLPMetric,
  type OTLPScope,
  type PointBase,
  type TranslationStrategy,
} from '../parsers/index.js';
import type { Batch, IngestPipeline, IngestResult } from './pipeline.js';

/** Translation settings (Prometheus' `otlp` configuration block) and per-request inputs. */
export interface OTLPIngestOptions {
  readonly translationStrategy: TranslationStrategy;
  /** Resource attributes copied onto every series (`promote_resource_attributes`). */
  readonly promoteResourceAttributes: readonly string[];
  /** Copy every resource attribute but the ignored ones (`promote_all_resource_attributes`). */
  readonly promoteAllResourceAttributes: boolean;
  /** Attributes not promoted when all are (`ignore_resource_attributes`). */
  readonly ignoreResourceAttributes: readonly string[];
  /** Keep `service.*` identifying attributes on `target_info` too. */
  readonly keepIdentifyingResourceAttributes: boolean;
  /** Add `otel_scope_name`, `otel_scope_version`, `otel_scope_schema_url`, `otel_scope_<attr>`. */
  readonly promoteScopeMetadata: boolean;
  readonly labelNameUnderscoreSanitization: boolean;
  readonly labelNamePreserveMultipleUnderscores: boolean;
  /** `target_info` gets a sample every half of this between a resource's first and last point. */
  readonly lookbackDeltaMs: number;
  /** Do not write `target_info`. */
  readonly disableTargetInfo: boolean;
  /** Running totals for delta temporality; `undefined` rejects delta points like Prometheus. */
  readonly deltas: DeltaTracker | undefined;
  /** Time (ms) for points whose `time_unix_nano` is 0. */
  readonly now: number;
}

/** Prometheus' defaults, with delta conversion on (a tracker of `DEFAULT_DELTA_SERIES`). */
export function defaultOTLPIngestOptions(): OTLPIngestOptions {
  return {
    translationStrategy: 'UnderscoreEscapingWithSuffixes',
    promoteResourceAttributes: [],
    promoteAllResourceAttributes: false,
    ignoreResourceAttributes: [],
    keepIdentifyingResourceAttributes: false,
    promoteScopeMetadata: false,
    labelNameUnderscoreSanitization: true,
    labelNamePreserveMultipleUnderscores: true,
    lookbackDeltaMs: 300_000,
    disableTargetInfo: false,
    deltas: new DeltaTracker(),
    now: Date.now(),
  };
}

/** How many delta series a tracker keeps by default (`--otlp.max-delta-series`). */
export const DEFAULT_DELTA_SERIES = 100_000;

interface DeltaState {
  lastT: bigint;
  count: number;
  sum: number;
  buckets: Float64Array;
  bounds: Float64Array;
}

/**
 * Running totals of delta series, keyed by series identity, at most `maxSeries` of them (least
 * recently updated evicted first). An evicted or forgotten series starts again from its next
 * delta, which PromQL's `rate()` sees as a counter reset. Owned by one ingest path; not shared
 * across processes and not persisted: after a restart delta series restart from zero.
 */
export class DeltaTracker {
  private readonly m = new Map<string, DeltaState>();

  constructor(readonly maxSeries = DEFAULT_DELTA_SERIES) {}

  /** How many series are tracked. */
  get size(): number {
    return this.m.size;
  }

  /**
   * Adds a delta point; returns the cumulative state, or a reason when the point is older than
   * the last one of its series. Bounds that changed restart the series.
   */
  add(
    key: string,
    t: bigint,
    count: number,
    sum: number,
    buckets: Float64Array,
    bounds: Float64Array,
  ): DeltaState | string {
    let s = this.m.get(key);
    if (s !== undefined) {
      if (t <= s.lastT) return 'delta point is not newer than the previous point of its series';
      this.m.delete(key);
      if (!sameArray(s.bounds, bounds) || s.buckets.length !== buckets.length) s = undefined;
    }
    if (s === undefined) {
      s = { lastT: t, count, sum, buckets: buckets.slice(), bounds: bounds.slice() };
    } else {
      s.lastT = t;
      s.count += count;
      s.sum += sum;
      for (let i = 0; i < buckets.length; i++) s.buckets[i]! += buckets[i]!;
    }
    this.m.set(key, s);
    if (this.m.size > this.maxSeries) {
      const first = this.m.keys().next();
      if (first.done !== true) this.m.delete(first.value);
    }
    return s;
  }
}

function sameArray(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

const NO_BUCKETS = new Float64Array(0);
const SERVICE_NAME = 'service.name';
const SERVICE_NAMESPACE = 'service.namespace';
const SERVICE_INSTANCE = 'service.instance.id';

function attr(kvs: readonly KeyValue[], key: string): string | undefined {
  for (const kv of kvs) if (kv.key === key) return anyValueToString(kv.value);
  return undefined;
}

/** Converts ns since the epoch to ms, exactly (truncating like Prometheus). */
export function nanosToMillis(ns: bigint): number {
  return Number(ns / 1_000_000n);
}

/** Labels every series of one resource and scope shares, computed once. */
interface Context {
  readonly promoted: readonly (readonly [string, string])[];
  readonly scope: readonly (readonly [string, string])[];
  readonly job: string | undefined;
  readonly instance: string | undefined;
}

/**
 * Ingests a decoded OTLP metrics request into storage through the pipeline. Points that cannot
 * be translated (exponential histograms, unspecified temporality, untranslatable names, stale
 * delta points) are rejected one by one with a reason; the others are stored.
 */
export async function ingestOTLP(
  p: IngestPipeline,
  req: MetricsRequest,
  opts: OTLPIngestOptions,
): Promise<IngestResult> {
  const batch = p.batch();
  const ln: LabelNamingOptions = {
    strategy: opts.translationStrategy,
    underscoreSanitization: opts.labelNameUnderscoreSanitization,
    preserveMultipleUnderscores: opts.labelNamePreserveMultipleUnderscores,
  };
  const tr = new Translator(batch, opts, ln);
  for (const rm of req.resourceMetrics) {
    const res = rm.resource.attributes;
    let min = Infinity;
    let max = -Infinity;
    for (const sm of rm.scopeMetrics) {
      const ctx = tr.context(res, sm.scope, sm.schemaUrl);
      for (const m of sm.metrics) {
        for (const t of tr.metric(m, ctx)) {
          if (t < min) min = t;
          if (t > max) max = t;
        }
      }
    }
    if (min <= max && !opts.disableTargetInfo) tr.targetInfo(res, min, max);
  }
  try {
    return await batch.commit();
  } catch (e) {
    await batch.rollback().catch(() => undefined);
    throw e;
  }
}

class Translator {
  /** Attribute key → label name, for this request. */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly batch: Batch,
    private readonly o: OTLPIngestOptions,
    private readonly ln: LabelNamingOptions,
  ) {}

  private labelName(key: string): string {
    let n = this.names.get(key);
    if (n === undefined) {
      n = buildLabelName(key, this.ln);
      this.names.set(key, n);
    }
    return n;
  }

  context(res: readonly KeyValue[], scope: OTLPScope, schemaUrl: string): Context {
    const o = this.o;
    const promoted: [string, string][] = [];
    for (const kv of res) {
      const take = o.promoteAllResourceAttributes
        ? !o.ignoreResourceAttributes.includes(kv.key)
        : o.promoteResourceAttributes.includes(kv.key);
      if (take) promoted.push([kv.key, anyValueToString(kv.value)]);
    }
    const sc: [string, string][] = [];
    if (o.promoteScopeMetadata && scope.name !== '') {
      sc.push(['otel_scope_name', scope.name], ['otel_scope_version', scope.version]);
      sc.push(['otel_scope_schema_url', schemaUrl]);
      for (const kv of scope.attributes)
        sc.push([`otel_scope_${kv.key}`, anyValueToString(kv.value)]);
    }
    const name = attr(res, SERVICE_NAME);
    const ns = attr(res, SERVICE_NAMESPACE);
    const job = name === undefined ? undefined : ns === undefined ? name : `${ns}/${name}`;
    return { promoted, scope: sc, job, instance: attr(res, SERVICE_INSTANCE) };
  }

  /** The labels of a point (without `__name__`), or a reason it cannot be labelled. */
  private labels(
    attrs: readonly KeyValue[],
    ctx: Context,
    ignore?: readonly string[],
  ): Map<string, string> | string {
    const sorted = [...attrs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const m = new Map<string, string>();
    for (const kv of sorted) {
      if (ignore?.includes(kv.key) === true) continue;
      const n = this.labelName(kv.key);
      if (n === '')
        return `cannot translate attribute name ${JSON.stringify(kv.key)} to a label name`;
      const v = anyValueToString(kv.value);
      const prev = m.get(n);
      m.set(n, prev === undefined ? v : `${prev};${v}`);
    }
    for (const [k, v] of ctx.promoted) {
      const n = this.labelName(k);
      if (n !== '' && !m.has(n)) m.set(n, v);
    }
    for (const [k, v] of ctx.scope) {
      const n = this.labelName(k);
      if (n !== '') m.set(n, v);
    }
    if (ctx.job !== undefined) m.set('job', ctx.job);
    if (ctx.instance !== undefined) m.set('instance', ctx.instance);
    return m;
  }

  private add(
    base: Map<string, string>,
    name: string,
    extra: string,
    extraValue: string,
    t: number,
    v: number,
  ): void {
    const flat: string[] = ['__name__', name];
    for (const [k, val] of base)
      if (val !== '' && k !== extra && k !== '__name__') flat.push(k, val);
    if (extra !== '') flat.push(extra, extraValue);
    this.batch.add(flat.join('\u0000'), () => flat, t, v, 0);
  }

  private time(p: PointBase): number {
    return p.timeUnixNano === 0n ? this.o.now : nanosToMillis(p.timeUnixNano);
  }

  /** Translates one metric; returns the timestamps (ms) of its points, for `target_info`. */
  metric(m: OTLPMetric, ctx: Context): number[] {
    const d = m.data;
    const times: number[] = [];
    const reject = (reason: string, n: number): void => {
      this.batch.reject(0, `metric ${JSON.stringify(m.name)}: ${reason}`, n);
    };
    if (d.type === 'none') {
      reject('has no data (gauge, sum, histogram, exponential histogram or summary)', 1);
      return times;
    }
    const type: NamingType =
      d.type === 'gauge'
        ? 'gauge'
        : d.type === 'sum'
          ? d.monotonic
            ? 'monotonicCounter'
            : 'nonMonotonicCounter'
          : d.type === 'summary'
            ? 'summary'
            : 'histogram';
    const name = buildMetricName(m.name, m.unit, type, this.o.translationStrategy);
    for (const p of d.points) times.push(this.time(p));
    if (name === '') {
      reject('cannot translate the name to a Prometheus metric name', d.points.length);
      return times;
    }
    if ((d.type === 'sum' || d.type === 'histogram') && d.temporality === 'unspecified') {
      reject('aggregation temporality is unspecified', d.points.length);
      return times;
    }
    const delta = (d.type === 'sum' || d.type === 'histogram') && d.temporality === 'delta';
    if (delta && this.o.deltas === undefined) {
      reject('delta temporality is not accepted (delta conversion is off)', d.points.length);
      return times;
    }
    for (let i = 0; i < d.points.length; i++) {
      const p = d.points[i]!;
      const base = this.labels(p.attributes, ctx);
      if (typeof base === 'string') {
        reject(base, 1);
        continue;
      }
      const t = times[i]!;
      const stale = (p.flags & FLAG_NO_RECORDED_VALUE) !== 0;
      switch (d.type) {
        case 'gauge':
        case 'sum': {
          let v = d.points[i]!.value;
          if (delta && !stale) {
            const s = this.delta(name, base, p, 0, v, NO_BUCKETS, NO_BUCKETS);
            if (typeof s === 'string') {
              reject(s, 1);
              continue;
            }
            v = s.sum;
          }
          this.add(base, name, '', '', t, stale ? STALE_NAN : v);
          break;
        }
        case 'histogram':
          this.histogram(name, base, d.points[i]!, t, stale, delta, reject);
          break;
        case 'summary': {
          const s = d.points[i]!;
          const val = (x: number): number => (stale ? STALE_NAN : x);
          this.add(base, `${name}_sum`, '', '', t, val(s.sum));
          this.add(base, `${name}_count`, '', '', t, val(s.count));
          for (let q = 0; q < s.quantiles.length; q++) {
            this.add(base, name, 'quantile', formatFloat(s.quantiles[q]!), t, val(s.values[q]!));
          }
          break;
        }
        case 'exponentialHistogram':
          reject(
            'exponential histograms are not supported; configure the exporter to send explicit-bucket histograms',
            1,
          );
          break;
      }
    }
    return times;
  }

  private delta(
    name: string,
    base: Map<string, string>,
    p: PointBase,
    count: number,
    sum: number,
    buckets: Float64Array,
    bounds: Float64Array,
  ): DeltaState | string {
    let key = name;
    for (const [k, v] of base) key += `\u0000${k}\u0000${v}`;
    return this.o.deltas!.add(key, p.timeUnixNano, count, sum, buckets, bounds);
  }

  private histogram(
    name: string,
    base: Map<string, string>,
    p: HistogramPoint,
    t: number,
    stale: boolean,
    delta: boolean,
    reject: (reason: string, n: number) => void,
  ): void {
    let count = p.count;
    let sum = p.sum;
    let buckets = p.bucketCounts;
    if (delta && !stale) {
      const s = this.delta(name, base, p, p.count, p.sum ?? 0, p.bucketCounts, p.explicitBounds);
      if (typeof s === 'string') {
        reject(s, 1);
        return;
      }
      count = s.count;
      sum = p.sum === undefined ? undefined : s.sum;
      buckets = s.buckets;
    }
    const val = (x: number): number => (stale ? STALE_NAN : x);
    if (sum !== undefined) this.add(base, `${name}_sum`, '', '', t, val(sum));
    this.add(base, `${name}_count`, '', '', t, val(count));
    let cum = 0;
    const n = Math.min(p.explicitBounds.length, buckets.length);
    for (let i = 0; i < n; i++) {
      cum += buckets[i]!;
      this.add(base, `${name}_bucket`, 'le', formatFloat(p.explicitBounds[i]!), t, val(cum));
    }
    this.add(base, `${name}_bucket`, 'le', '+Inf', t, val(count));
  }

  /** Writes `target_info` for a resource whose points span [min, max] ms. */
  targetInfo(res: readonly KeyValue[], min: number, max: number): void {
    const ident = [SERVICE_NAMESPACE, SERVICE_NAME, SERVICE_INSTANCE];
    if (res.filter((kv) => !ident.includes(kv.key)).length === 0) return;
    const ctx = this.context(
      res,
      { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
      '',
    );
    const labels = this.labels(
      res,
      { ...ctx, promoted: [], scope: [] },
      this.o.keepIdentifyingResourceAttributes ? [] : ident,
    );
    if (typeof labels === 'string') {
      this.batch.reject(0, `target_info: ${labels}`);
      return;
    }
    if (!labels.has('job') && !labels.has('instance')) return;
    const step = Math.max(1, Math.floor(this.o.lookbackDeltaMs / 2));
    let last = -Infinity;
    for (let t = min; t < max; t += step) {
      this.add(labels, 'target_info', '', '', t, 1);
      last = t;
    }
    if (last < max) this.add(labels, 'target_info', '', '', max, 1);
  }
}

/** Formats a bucket bound or quantile like Go's `strconv.FormatFloat(f, 'f', -1, 64)`. */
export function formatFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  const s = String(f);
  if (!/e/.test(s)) return s;
  // Expand exponent notation into plain digits, keeping the shortest round-trip digits.
  const [mant, expStr] = s.split('e') as [string, string];
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const digits = mant.replace(/^-/, '').replace('.', '');
  const point = mant.replace(/^-/, '').indexOf('.');
  const intLen = (point < 0 ? mant.replace(/^-/, '').length : point) + exp;
  let out: string;
  if (intLen <= 0) out = `0.${'0'.repeat(-intLen)}${digits}`;
  else if (intLen >= digits.length) out = digits + '0'.repeat(intLen - digits.length);
  else out = `${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  return neg ? `-${out}` : out;
}
