/**
 * A strict decoder of OTLP metrics in the OTLP/JSON encoding (`application/json`): proto3 JSON with
 * lowerCamelCase keys, 64-bit integers as decimal strings (numbers accepted), doubles as numbers
 * or "NaN"/"Infinity"/"-Infinity", enums as numbers (names accepted too), `traceId`/`spanId` as hex
 * and other bytes as base64. Unknown keys are ignored, as the OTLP specification requires; a known
 * key with a value of the wrong type is an `OTLPDecodeError` with its path.
 */
import {
  OTLPDecodeError,
  defaultOTLPDecodeOptions,
  type AnyValue,
  type ExpBuckets,
  type ExpHistogramPoint,
  type HistogramPoint,
  type KeyValue,
  type MetricData,
  type MetricsRequest,
  type NumberPoint,
  type OTLPDecodeOptions,
  type OTLPExemplar,
  type OTLPMetric,
  type OTLPScope,
  type PointBase,
  type ResourceMetrics,
  type SummaryPoint,
  type Temporality,
} from './types.js';

type Obj = Readonly<Record<string, unknown>>;

const TEMPORALITY_NAMES: Readonly<Record<string, Temporality>> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 'unspecified',
  AGGREGATION_TEMPORALITY_DELTA: 'delta',
  AGGREGATION_TEMPORALITY_CUMULATIVE: 'cumulative',
};

/** Decodes an OTLP/JSON `ExportMetricsServiceRequest` from its text. */
export function decodeMetricsJSON(
  body: string,
  opts: OTLPDecodeOptions = defaultOTLPDecodeOptions(),
): MetricsRequest {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    throw new OTLPDecodeError('', -1, `invalid JSON: ${(e as Error).message}`);
  }
  return new JSONDecoder(opts).request(doc);
}

class JSONDecoder {
  private readonly path: string[] = [];
  constructor(private readonly opts: OTLPDecodeOptions) {}

  private fail(reason: string): OTLPDecodeError {
    return new OTLPDecodeError(this.path.join('.').replace(/\.\[/g, '['), -1, reason);
  }

  private at<T>(key: string, fn: () => T): T {
    this.path.push(key);
    const v = fn();
    this.path.pop();
    return v;
  }

  private obj(v: unknown): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw this.fail('expected an object');
    return v as Obj;
  }

  /** A repeated field: missing/null is empty; otherwise an array decoded element by element. */
  private list<T>(o: Obj, key: string, fn: (v: unknown) => T): T[] {
    const v = o[key];
    if (v === undefined || v === null) return [];
    return this.at(key, () => {
      if (!Array.isArray(v)) throw this.fail('expected an array');
      const out: T[] = [];
      for (let i = 0; i < v.length; i++) {
        const el: unknown = v[i];
        out.push(this.at(`[${i}]`, () => fn(el)));
      }
      return out;
    });
  }

  /** An optional sub-message: undefined when missing or null. */
  private msg<T>(o: Obj, key: string, fn: (o: Obj) => T): T | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    return this.at(key, () => fn(this.obj(v)));
  }

  private str(o: Obj, key: string): string {
    const v = o[key];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') throw this.at(key, () => this.fail('expected a string'));
    return v;
  }

  private bool(o: Obj, key: string): boolean {
    const v = o[key];
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') throw this.at(key, () => this.fail('expected true or false'));
    return v;
  }

  /** A 64-bit integer: a decimal string or an integral number. */
  private int(v: unknown, min: bigint, max: bigint): bigint {
    let n: bigint;
    if (typeof v === 'string' && /^-?\d+$/.test(v)) n = BigInt(v);
    else if (typeof v === 'number' && Number.isInteger(v)) n = BigInt(v);
    else throw this.fail('expected an integer (a decimal string or a number)');
    if (n < min || n > max) throw this.fail(`integer ${n} out of range`);
    return n;
  }

  private u64(o: Obj, key: string): bigint {
    const v = o[key];
    if (v === undefined || v === null) return 0n;
    return this.at(key, () => this.int(v, 0n, (1n << 64n) - 1n));
  }

  private u64n(o: Obj, key: string): number {
    return Number(this.u64(o, key));
  }

  private u32(o: Obj, key: string): number {
    const v = o[key];
    if (v === undefined || v === null) return 0;
    return Number(this.at(key, () => this.int(v, 0n, 0xffffffffn)));
  }

  private i32(o: Obj, key: string): number {
    const v = o[key];
    if (v === undefined || v === null) return 0;
    return Number(this.at(key, () => this.int(v, -(1n << 31n), (1n << 31n) - 1n)));
  }

  private num(v: unknown): number {
    if (typeof v === 'number') return v;
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
    throw this.fail('expected a number');
  }

  private dbl(o: Obj, key: string): number | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    return this.at(key, () => this.num(v));
  }

  private f64s(o: Obj, key: string, conv: (v: unknown) => number): Float64Array {
    const v = o[key];
    if (v === undefined || v === null) return new Float64Array(0);
    return this.at(key, () => {
      if (!Array.isArray(v)) throw this.fail('expected an array');
      const out = new Float64Array(v.length);
      for (let i = 0; i < v.length; i++) {
        const el: unknown = v[i];
        out[i] = this.at(`[${i}]`, () => conv(el));
      }
      return out;
    });
  }

  private temporality(o: Obj): Temporality {
    const v = o['aggregationTemporality'];
    if (v === undefined || v === null) return 'unspecified';
    return this.at('aggregationTemporality', () => {
      if (typeof v === 'string' && Object.hasOwn(TEMPORALITY_NAMES, v))
        return TEMPORALITY_NAMES[v]!;
      const n = this.int(v, -(1n << 31n), (1n << 31n) - 1n);
      return n === 1n ? 'delta' : n === 2n ? 'cumulative' : 'unspecified';
    });
  }

  request(doc: unknown): MetricsRequest {
    const o = this.obj(doc);
    return { resourceMetrics: this.list(o, 'resourceMetrics', (v) => this.resourceMetrics(v)) };
  }

  private resourceMetrics(v: unknown): ResourceMetrics {
    const o = this.obj(v);
    const resource = this.msg(o, 'resource', (r) => ({
      attributes: this.attrs(r, 'attributes', 0),
      droppedAttributesCount: this.u32(r, 'droppedAttributesCount'),
    })) ?? { attributes: [], droppedAttributesCount: 0 };
    const scopeMetrics = this.list(o, 'scopeMetrics', (sv) => {
      const so = this.obj(sv);
      const scope: OTLPScope = this.msg(so, 'scope', (s) => ({
        name: this.str(s, 'name'),
        version: this.str(s, 'version'),
        attributes: this.attrs(s, 'attributes', 0),
        droppedAttributesCount: this.u32(s, 'droppedAttributesCount'),
      })) ?? { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
      return {
        scope,
        metrics: this.list(so, 'metrics', (m) => this.metric(m)),
        schemaUrl: this.str(so, 'schemaUrl'),
      };
    });
    return { resource, scopeMetrics, schemaUrl: this.str(o, 'schemaUrl') };
  }

  private metric(v: unknown): OTLPMetric {
    const o = this.obj(v);
    let data: MetricData = { type: 'none' };
    const set = (d: MetricData | undefined): void => {
      if (d === undefined) return;
      if (data.type !== 'none')
        throw this.fail(`more than one data member (${data.type} and ${d.type})`);
      data = d;
    };
    set(this.msg(o, 'gauge', (g) => ({ type: 'gauge', points: this.numberPoints(g) })));
    set(
      this.msg(o, 'sum', (s) => ({
        type: 'sum',
        points: this.numberPoints(s),
        temporality: this.temporality(s),
        monotonic: this.bool(s, 'isMonotonic'),
      })),
    );
    set(
      this.msg(o, 'histogram', (h) => ({
        type: 'histogram',
        points: this.list(h, 'dataPoints', (p) => this.histogramPoint(p)),
        temporality: this.temporality(h),
      })),
    );
    set(
      this.msg(o, 'exponentialHistogram', (h) => ({
        type: 'exponentialHistogram',
        points: this.list(h, 'dataPoints', (p) => this.expPoint(p)),
        temporality: this.temporality(h),
      })),
    );
    set(
      this.msg(o, 'summary', (s) => ({
        type: 'summary',
        points: this.list(s, 'dataPoints', (p) => this.summaryPoint(p)),
      })),
    );
    return {
      name: this.str(o, 'name'),
      description: this.str(o, 'description'),
      unit: this.str(o, 'unit'),
      data,
      metadata: this.attrs(o, 'metadata', 0),
    };
  }

  private base(o: Obj): PointBase {
    return {
      attributes: this.attrs(o, 'attributes', 0),
      startTimeUnixNano: this.u64(o, 'startTimeUnixNano'),
      timeUnixNano: this.u64(o, 'timeUnixNano'),
      flags: this.u32(o, 'flags'),
    };
  }

  /** The value of a number point or exemplar: `asDouble` or `asInt` (an int64). */
  private value(o: Obj): number {
    const d = this.dbl(o, 'asDouble');
    const i = o['asInt'];
    if (i !== undefined && i !== null) {
      if (d !== undefined) throw this.fail('both asDouble and asInt are set');
      return Number(this.at('asInt', () => this.int(i, -(1n << 63n), (1n << 63n) - 1n)));
    }
    return d ?? 0;
  }

  private numberPoints(o: Obj): NumberPoint[] {
    return this.list(o, 'dataPoints', (v) => {
      const p = this.obj(v);
      return { ...this.base(p), value: this.value(p), exemplars: this.exemplars(p) };
    });
  }

  private exemplars(o: Obj): OTLPExemplar[] {
    return this.list(o, 'exemplars', (v) => {
      const e = this.obj(v);
      return {
        filteredAttributes: this.attrs(e, 'filteredAttributes', 0),
        timeUnixNano: this.u64(e, 'timeUnixNano'),
        value: this.value(e),
        spanId: this.hex(e, 'spanId'),
        traceId: this.hex(e, 'traceId'),
      };
    });
  }

  private hex(o: Obj, key: string): Uint8Array {
    const s = this.str(o, key);
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(s))
      throw this.at(key, () => this.fail('expected a hex string'));
    return Uint8Array.from(Buffer.from(s, 'hex'));
  }

  private histogramPoint(v: unknown): HistogramPoint {
    const o = this.obj(v);
    return {
      ...this.base(o),
      count: this.u64n(o, 'count'),
      sum: this.dbl(o, 'sum'),
      bucketCounts: this.f64s(o, 'bucketCounts', (x) => Number(this.int(x, 0n, (1n << 64n) - 1n))),
      explicitBounds: this.f64s(o, 'explicitBounds', (x) => this.num(x)),
      min: this.dbl(o, 'min'),
      max: this.dbl(o, 'max'),
      exemplars: this.exemplars(o),
    };
  }

  private expPoint(v: unknown): ExpHistogramPoint {
    const o = this.obj(v);
    const buckets = (key: string): ExpBuckets =>
      this.msg(o, key, (b) => ({
        offset: this.i32(b, 'offset'),
        bucketCounts: this.f64s(b, 'bucketCounts', (x) =>
          Number(this.int(x, 0n, (1n << 64n) - 1n)),
        ),
      })) ?? { offset: 0, bucketCounts: new Float64Array(0) };
    this.exemplars(o);
    return {
      ...this.base(o),
      count: this.u64n(o, 'count'),
      sum: this.dbl(o, 'sum'),
      scale: this.i32(o, 'scale'),
      zeroCount: this.u64n(o, 'zeroCount'),
      zeroThreshold: this.dbl(o, 'zeroThreshold') ?? 0,
      positive: buckets('positive'),
      negative: buckets('negative'),
      min: this.dbl(o, 'min'),
      max: this.dbl(o, 'max'),
    };
  }

  private summaryPoint(v: unknown): SummaryPoint {
    const o = this.obj(v);
    const qv = this.list(o, 'quantileValues', (x) => {
      const q = this.obj(x);
      return [this.dbl(q, 'quantile') ?? 0, this.dbl(q, 'value') ?? 0] as const;
    });
    const quantiles = new Float64Array(qv.length);
    const values = new Float64Array(qv.length);
    for (let i = 0; i < qv.length; i++) {
      quantiles[i] = qv[i]![0];
      values[i] = qv[i]![1];
    }
    return {
      ...this.base(o),
      count: this.u64n(o, 'count'),
      sum: this.dbl(o, 'sum') ?? 0,
      quantiles,
      values,
    };
  }

  private attrs(o: Obj, key: string, depth: number): KeyValue[] {
    return this.list(o, key, (v) => {
      const kv = this.obj(v);
      return {
        key: this.str(kv, 'key'),
        value: this.msg(kv, 'value', (a) => this.anyValue(a, depth)) ?? { kind: 'empty' },
      };
    });
  }

  private anyValue(o: Obj, depth: number): AnyValue {
    if (depth >= this.opts.maxValueDepth) {
      throw this.fail(`attribute values nested deeper than ${this.opts.maxValueDepth} levels`);
    }
    const keys = Object.keys(o).filter((k) => o[k] !== null && Object.hasOwn(ANY_KEYS, k));
    if (keys.length > 1) throw this.fail(`more than one value member (${keys.join(', ')})`);
    const k = keys[0];
    if (k === undefined) return { kind: 'empty' };
    const v = o[k];
    return this.at(k, (): AnyValue => {
      switch (k) {
        case 'stringValue':
          if (typeof v !== 'string') throw this.fail('expected a string');
          return { kind: 'string', value: v };
        case 'boolValue':
          if (typeof v !== 'boolean') throw this.fail('expected true or false');
          return { kind: 'bool', value: v };
        case 'intValue':
          return { kind: 'int', value: this.int(v, -(1n << 63n), (1n << 63n) - 1n) };
        case 'doubleValue':
          return { kind: 'double', value: this.num(v) };
        case 'bytesValue':
          if (typeof v !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v))
            throw this.fail('expected a base64 string');
          return { kind: 'bytes', value: Uint8Array.from(Buffer.from(v, 'base64')) };
        case 'arrayValue':
          return {
            kind: 'array',
            value: this.list(this.obj(v), 'values', (x) => this.anyValue(this.obj(x), depth + 1)),
          };
        default:
          return { kind: 'kvlist', value: this.attrs(this.obj(v), 'values', depth + 1) };
      }
    });
  }
}

const ANY_KEYS: Readonly<Record<string, true>> = {
  stringValue: true,
  boolValue: true,
  intValue: true,
  doubleValue: true,
  bytesValue: true,
  arrayValue: true,
  kvlistValue: true,
};
