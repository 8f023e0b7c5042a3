/**
 * A strict decoder of OTLP metrics in protobuf (`application/x-protobuf`): field numbers from
 * opentelemetry/proto/{collector/metrics,metrics,common,resource}/v1. Unknown fields are skipped;
 * a known field with the wrong wire type, a truncated or oversized value, or invalid UTF-8 is an
 * `OTLPDecodeError` with the field path and byte offset.
 */
import {
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
  type OTLPResource,
  type OTLPScope,
  type ResourceMetrics,
  type ScopeMetrics,
  type SummaryPoint,
  type Temporality,
} from './types.js';
import { F64List, WIRE_I64, WIRE_LEN, WIRE_VARINT, WireReader } from './wire.js';

/** Decodes a protobuf `ExportMetricsServiceRequest`. */
export function decodeMetricsProto(
  body: Uint8Array,
  opts: OTLPDecodeOptions = defaultOTLPDecodeOptions(),
): MetricsRequest {
  return new ProtoDecoder(opts).decode(body);
}

const EMPTY_KV: readonly KeyValue[] = [];

function temporality(n: number): Temporality {
  return n === 1 ? 'delta' : n === 2 ? 'cumulative' : 'unspecified';
}

/** The decoder; reusable across requests (one at a time). */
class ProtoDecoder {
  private readonly r = new WireReader();
  constructor(private readonly opts: OTLPDecodeOptions) {}

  decode(body: Uint8Array): MetricsRequest {
    const r = this.r;
    r.reset(body);
    const end = r.length;
    const resourceMetrics: ResourceMetrics[] = [];
    while (r.pos < end) {
      const at = r.pos;
      const t = r.tag(end);
      if (t >>> 3 === 1) {
        r.expect(t & 7, WIRE_LEN, at, 'resource_metrics');
        r.enter('resourceMetrics', resourceMetrics.length);
        resourceMetrics.push(this.resourceMetrics(r.len(end)));
        r.leave();
      } else r.skip(t & 7, at, end);
    }
    return { resourceMetrics };
  }

  /** Loops over the fields of a message ending at `end`, calling `fn` for each known one. */
  private fields(end: number, fn: (field: number, wire: number, at: number) => boolean): void {
    const r = this.r;
    while (r.pos < end) {
      const at = r.pos;
      const t = r.tag(end);
      if (!fn(t >>> 3, t & 7, at)) r.skip(t & 7, at, end);
    }
    if (r.pos !== end) throw r.fail(r.pos, 'field runs past the end of its message');
  }

  private sub<T>(
    name: string,
    index: number,
    wire: number,
    at: number,
    end: number,
    fn: (e: number) => T,
  ): T {
    const r = this.r;
    r.enter(name, index);
    r.expect(wire, WIRE_LEN, at, name);
    const v = fn(r.len(end));
    r.leave();
    return v;
  }

  private resourceMetrics(end: number): ResourceMetrics {
    let resource: OTLPResource = { attributes: EMPTY_KV, droppedAttributesCount: 0 };
    const scopeMetrics: ScopeMetrics[] = [];
    let schemaUrl = '';
    this.fields(end, (f, w, at) => {
      if (f === 1) resource = this.sub('resource', -1, w, at, end, (e) => this.resource(e));
      else if (f === 2)
        scopeMetrics.push(
          this.sub('scopeMetrics', scopeMetrics.length, w, at, end, (e) => this.scopeMetrics(e)),
        );
      else if (f === 3) schemaUrl = this.str('schemaUrl', w, at, end);
      else return false;
      return true;
    });
    return { resource, scopeMetrics, schemaUrl };
  }

  private str(name: string, w: number, at: number, end: number): string {
    const r = this.r;
    r.enter(name);
    r.expect(w, WIRE_LEN, at, name);
    const s = r.string(end);
    r.leave();
    return s;
  }

  private varint(name: string, w: number, at: number, end: number): number {
    const r = this.r;
    r.enter(name);
    r.expect(w, WIRE_VARINT, at, name);
    const v = r.uint32(end);
    r.leave();
    return v;
  }

  private f64(name: string, w: number, at: number, end: number): number {
    const r = this.r;
    r.enter(name);
    r.expect(w, WIRE_I64, at, name);
    const v = r.double(end);
    r.leave();
    return v;
  }

  private fixed(name: string, w: number, at: number, end: number): bigint {
    const r = this.r;
    r.enter(name);
    r.expect(w, WIRE_I64, at, name);
    const v = r.fixed64(end);
    r.leave();
    return v;
  }

  private count(name: string, w: number, at: number, end: number): number {
    const r = this.r;
    r.enter(name);
    r.expect(w, WIRE_I64, at, name);
    const v = r.fixed64Number(end);
    r.leave();
    return v;
  }

  private resource(end: number): OTLPResource {
    const attributes: KeyValue[] = [];
    let droppedAttributesCount = 0;
    this.fields(end, (f, w, at) => {
      if (f === 1) attributes.push(this.kv('attributes', attributes.length, w, at, end, 0));
      else if (f === 2) droppedAttributesCount = this.varint('droppedAttributesCount', w, at, end);
      else return false;
      return true;
    });
    return { attributes, droppedAttributesCount };
  }

  private scopeMetrics(end: number): ScopeMetrics {
    let scope: OTLPScope = {
      name: '',
      version: '',
      attributes: EMPTY_KV,
      droppedAttributesCount: 0,
    };
    const metrics: OTLPMetric[] = [];
    let schemaUrl = '';
    this.fields(end, (f, w, at) => {
      if (f === 1) scope = this.sub('scope', -1, w, at, end, (e) => this.scope(e));
      else if (f === 2)
        metrics.push(this.sub('metrics', metrics.length, w, at, end, (e) => this.metric(e)));
      else if (f === 3) schemaUrl = this.str('schemaUrl', w, at, end);
      else return false;
      return true;
    });
    return { scope, metrics, schemaUrl };
  }

  private scope(end: number): OTLPScope {
    let name = '';
    let version = '';
    const attributes: KeyValue[] = [];
    let droppedAttributesCount = 0;
    this.fields(end, (f, w, at) => {
      if (f === 1) name = this.str('name', w, at, end);
      else if (f === 2) version = this.str('version', w, at, end);
      else if (f === 3) attributes.push(this.kv('attributes', attributes.length, w, at, end, 0));
      else if (f === 4) droppedAttributesCount = this.varint('droppedAttributesCount', w, at, end);
      else return false;
      return true;
    });
    return { name, version, attributes, droppedAttributesCount };
  }

  private metric(end: number): OTLPMetric {
    let name = '';
    let description = '';
    let unit = '';
    let data: MetricData = { type: 'none' };
    const metadata: KeyValue[] = [];
    this.fields(end, (f, w, at) => {
      switch (f) {
        case 1:
          name = this.str('name', w, at, end);
          return true;
        case 2:
          description = this.str('description', w, at, end);
          return true;
        case 3:
          unit = this.str('unit', w, at, end);
          return true;
        case 5:
          data = this.sub('gauge', -1, w, at, end, (e) => this.numbers(e, 'gauge'));
          return true;
        case 7:
          data = this.sub('sum', -1, w, at, end, (e) => this.numbers(e, 'sum'));
          return true;
        case 9:
          data = this.sub('histogram', -1, w, at, end, (e) => this.histograms(e));
          return true;
        case 10:
          data = this.sub('exponentialHistogram', -1, w, at, end, (e) => this.expHistograms(e));
          return true;
        case 11:
          data = this.sub('summary', -1, w, at, end, (e) => this.summaries(e));
          return true;
        case 12:
          metadata.push(this.kv('metadata', metadata.length, w, at, end, 0));
          return true;
        default:
          return false;
      }
    });
    return { name, description, unit, data, metadata };
  }

  private numbers(end: number, type: 'gauge' | 'sum'): MetricData {
    const points: NumberPoint[] = [];
    let temp = 0;
    let monotonic = false;
    this.fields(end, (f, w, at) => {
      if (f === 1)
        points.push(this.sub('dataPoints', points.length, w, at, end, (e) => this.numberPoint(e)));
      else if (f === 2 && type === 'sum') temp = this.varint('aggregationTemporality', w, at, end);
      else if (f === 3 && type === 'sum') monotonic = this.varint('isMonotonic', w, at, end) !== 0;
      else return false;
      return true;
    });
    return type === 'gauge'
      ? { type, points }
      : { type, points, temporality: temporality(temp), monotonic };
  }

  private numberPoint(end: number): NumberPoint {
    const attributes: KeyValue[] = [];
    const exemplars: OTLPExemplar[] = [];
    let start = 0n;
    let time = 0n;
    let value = 0;
    let flags = 0;
    this.fields(end, (f, w, at) => {
      switch (f) {
        case 7:
          attributes.push(this.kv('attributes', attributes.length, w, at, end, 0));
          return true;
        case 2:
          start = this.fixed('startTimeUnixNano', w, at, end);
          return true;
        case 3:
          time = this.fixed('timeUnixNano', w, at, end);
          return true;
        case 4:
          value = this.f64('asDouble', w, at, end);
          return true;
        case 6:
          this.r.expect(w, WIRE_I64, at, 'asInt');
          value = this.r.sfixed64Number(end);
          return true;
        case 5:
          exemplars.push(
            this.sub('exemplars', exemplars.length, w, at, end, (e) => this.exemplar(e)),
          );
          return true;
        case 8:
          flags = this.varint('flags', w, at, end);
          return true;
        default:
          return false;
      }
    });
    return { attributes, startTimeUnixNano: start, timeUnixNano: time, flags, value, exemplars };
  }

  private exemplar(end: number): OTLPExemplar {
    const filteredAttributes: KeyValue[] = [];
    let time = 0n;
    let value = 0;
    let spanId: Uint8Array = new Uint8Array(0);
    let traceId: Uint8Array = new Uint8Array(0);
    this.fields(end, (f, w, at) => {
      if (f === 7)
        filteredAttributes.push(
          this.kv('filteredAttributes', filteredAttributes.length, w, at, end, 0),
        );
      else if (f === 2) time = this.fixed('timeUnixNano', w, at, end);
      else if (f === 3) value = this.f64('asDouble', w, at, end);
      else if (f === 6) {
        this.r.expect(w, WIRE_I64, at, 'asInt');
        value = this.r.sfixed64Number(end);
      } else if (f === 4 || f === 5) {
        this.r.expect(w, WIRE_LEN, at, f === 4 ? 'spanId' : 'traceId');
        if (f === 4) spanId = this.r.bytesField(end);
        else traceId = this.r.bytesField(end);
      } else return false;
      return true;
    });
    return { filteredAttributes, timeUnixNano: time, value, spanId, traceId };
  }

  private histograms(end: number): MetricData {
    const points: HistogramPoint[] = [];
    let temp = 0;
    this.fields(end, (f, w, at) => {
      if (f === 1)
        points.push(
          this.sub('dataPoints', points.length, w, at, end, (e) => this.histogramPoint(e)),
        );
      else if (f === 2) temp = this.varint('aggregationTemporality', w, at, end);
      else return false;
      return true;
    });
    return { type: 'histogram', points, temporality: temporality(temp) };
  }

  private histogramPoint(end: number): HistogramPoint {
    const r = this.r;
    const attributes: KeyValue[] = [];
    const exemplars: OTLPExemplar[] = [];
    const counts = new F64List();
    const bounds = new F64List();
    let start = 0n;
    let time = 0n;
    let count = 0;
    let sum: number | undefined;
    let min: number | undefined;
    let max: number | undefined;
    let flags = 0;
    this.fields(end, (f, w, at) => {
      switch (f) {
        case 9:
          attributes.push(this.kv('attributes', attributes.length, w, at, end, 0));
          return true;
        case 2:
          start = this.fixed('startTimeUnixNano', w, at, end);
          return true;
        case 3:
          time = this.fixed('timeUnixNano', w, at, end);
          return true;
        case 4:
          count = this.count('count', w, at, end);
          return true;
        case 5:
          sum = this.f64('sum', w, at, end);
          return true;
        case 6:
        case 7:
          r.enter(f === 6 ? 'bucketCounts' : 'explicitBounds');
          if (w !== WIRE_I64 && w !== WIRE_LEN)
            throw r.fail(at, `wire type ${w} for a repeated 8-byte field`);
          r.repeated64(w, end, f === 6 ? 'fixed64' : 'double', f === 6 ? counts : bounds);
          r.leave();
          return true;
        case 8:
          exemplars.push(
            this.sub('exemplars', exemplars.length, w, at, end, (e) => this.exemplar(e)),
          );
          return true;
        case 10:
          flags = this.varint('flags', w, at, end);
          return true;
        case 11:
          min = this.f64('min', w, at, end);
          return true;
        case 12:
          max = this.f64('max', w, at, end);
          return true;
        default:
          return false;
      }
    });
    return {
      attributes,
      startTimeUnixNano: start,
      timeUnixNano: time,
      flags,
      count,
      sum,
      bucketCounts: counts.take(),
      explicitBounds: bounds.take(),
      min,
      max,
      exemplars,
    };
  }

  private expHistograms(end: number): MetricData {
    const points: ExpHistogramPoint[] = [];
    let temp = 0;
    this.fields(end, (f, w, at) => {
      if (f === 1)
        points.push(this.sub('dataPoints', points.length, w, at, end, (e) => this.expPoint(e)));
      else if (f === 2) temp = this.varint('aggregationTemporality', w, at, end);
      else return false;
      return true;
    });
    return { type: 'exponentialHistogram', points, temporality: temporality(temp) };
  }

  private expPoint(end: number): ExpHistogramPoint {
    const r = this.r;
    const attributes: KeyValue[] = [];
    const noBuckets: ExpBuckets = { offset: 0, bucketCounts: new Float64Array(0) };
    let positive = noBuckets;
    let negative = noBuckets;
    let start = 0n;
    let time = 0n;
    let count = 0;
    let zeroCount = 0;
    let zeroThreshold = 0;
    let scale = 0;
    let sum: number | undefined;
    let min: number | undefined;
    let max: number | undefined;
    let flags = 0;
    this.fields(end, (f, w, at) => {
      switch (f) {
        case 1:
          attributes.push(this.kv('attributes', attributes.length, w, at, end, 0));
          return true;
        case 2:
          start = this.fixed('startTimeUnixNano', w, at, end);
          return true;
        case 3:
          time = this.fixed('timeUnixNano', w, at, end);
          return true;
        case 4:
          count = this.count('count', w, at, end);
          return true;
        case 5:
          sum = this.f64('sum', w, at, end);
          return true;
        case 6:
          r.expect(w, WIRE_VARINT, at, 'scale');
          scale = r.sint32(end);
          return true;
        case 7:
          zeroCount = this.count('zeroCount', w, at, end);
          return true;
        case 8:
        case 9: {
          const b = this.sub(f === 8 ? 'positive' : 'negative', -1, w, at, end, (e) =>
            this.buckets(e),
          );
          if (f === 8) positive = b;
          else negative = b;
          return true;
        }
        case 10:
          flags = this.varint('flags', w, at, end);
          return true;
        case 11:
          this.sub('exemplars', -1, w, at, end, (e) => this.exemplar(e));
          return true;
        case 12:
          min = this.f64('min', w, at, end);
          return true;
        case 13:
          max = this.f64('max', w, at, end);
          return true;
        case 14:
          zeroThreshold = this.f64('zeroThreshold', w, at, end);
          return true;
        default:
          return false;
      }
    });
    return {
      attributes,
      startTimeUnixNano: start,
      timeUnixNano: time,
      flags,
      count,
      sum,
      scale,
      zeroCount,
      zeroThreshold,
      positive,
      negative,
      min,
      max,
    };
  }

  private buckets(end: number): ExpBuckets {
    const r = this.r;
    let offset = 0;
    const counts = new F64List();
    this.fields(end, (f, w, at) => {
      if (f === 1) {
        r.expect(w, WIRE_VARINT, at, 'offset');
        offset = r.sint32(end);
      } else if (f === 2) {
        if (w !== WIRE_VARINT && w !== WIRE_LEN)
          throw r.fail(at, `wire type ${w} for bucketCounts`);
        r.repeatedVarint(w, end, counts);
      } else return false;
      return true;
    });
    return { offset, bucketCounts: counts.take() };
  }

  private summaries(end: number): MetricData {
    const points: SummaryPoint[] = [];
    this.fields(end, (f, w, at) => {
      if (f !== 1) return false;
      points.push(this.sub('dataPoints', points.length, w, at, end, (e) => this.summaryPoint(e)));
      return true;
    });
    return { type: 'summary', points };
  }

  private summaryPoint(end: number): SummaryPoint {
    const attributes: KeyValue[] = [];
    const qs = new F64List();
    const vs = new F64List();
    let start = 0n;
    let time = 0n;
    let count = 0;
    let sum = 0;
    let flags = 0;
    this.fields(end, (f, w, at) => {
      switch (f) {
        case 7:
          attributes.push(this.kv('attributes', attributes.length, w, at, end, 0));
          return true;
        case 2:
          start = this.fixed('startTimeUnixNano', w, at, end);
          return true;
        case 3:
          time = this.fixed('timeUnixNano', w, at, end);
          return true;
        case 4:
          count = this.count('count', w, at, end);
          return true;
        case 5:
          sum = this.f64('sum', w, at, end);
          return true;
        case 6:
          this.sub('quantileValues', qs.n, w, at, end, (e) => {
            let q = 0;
            let v = 0;
            this.fields(e, (f2, w2, at2) => {
              if (f2 === 1) q = this.f64('quantile', w2, at2, e);
              else if (f2 === 2) v = this.f64('value', w2, at2, e);
              else return false;
              return true;
            });
            qs.push(q);
            vs.push(v);
          });
          return true;
        case 8:
          flags = this.varint('flags', w, at, end);
          return true;
        default:
          return false;
      }
    });
    return {
      attributes,
      startTimeUnixNano: start,
      timeUnixNano: time,
      flags,
      count,
      sum,
      quantiles: qs.take(),
      values: vs.take(),
    };
  }

  private kv(
    name: string,
    index: number,
    w: number,
    at: number,
    end: number,
    depth: number,
  ): KeyValue {
    return this.sub(name, index, w, at, end, (e) => {
      let key = '';
      let value: AnyValue = { kind: 'empty' };
      this.fields(e, (f, w2, at2) => {
        if (f === 1) key = this.str('key', w2, at2, e);
        else if (f === 2)
          value = this.sub('value', -1, w2, at2, e, (e2) => this.anyValue(e2, depth));
        else return false;
        return true;
      });
      return { key, value };
    });
  }

  private anyValue(end: number, depth: number): AnyValue {
    const r = this.r;
    if (depth >= this.opts.maxValueDepth) {
      throw r.fail(r.pos, `attribute values nested deeper than ${this.opts.maxValueDepth} levels`);
    }
    let v: AnyValue = { kind: 'empty' };
    this.fields(end, (f, w, at) => {
      switch (f) {
        case 1:
          v = { kind: 'string', value: this.str('stringValue', w, at, end) };
          return true;
        case 2:
          r.expect(w, WIRE_VARINT, at, 'boolValue');
          v = { kind: 'bool', value: r.bool(end) };
          return true;
        case 3:
          r.expect(w, WIRE_VARINT, at, 'intValue');
          v = { kind: 'int', value: r.int64(end) };
          return true;
        case 4:
          v = { kind: 'double', value: this.f64('doubleValue', w, at, end) };
          return true;
        case 5: {
          const values: AnyValue[] = [];
          this.sub('arrayValue', -1, w, at, end, (e) => {
            this.fields(e, (f2, w2, at2) => {
              if (f2 !== 1) return false;
              values.push(
                this.sub('values', values.length, w2, at2, e, (e2) => this.anyValue(e2, depth + 1)),
              );
              return true;
            });
          });
          v = { kind: 'array', value: values };
          return true;
        }
        case 6: {
          const values: KeyValue[] = [];
          this.sub('kvlistValue', -1, w, at, end, (e) => {
            this.fields(e, (f2, w2, at2) => {
              if (f2 !== 1) return false;
              values.push(this.kv('values', values.length, w2, at2, e, depth + 1));
              return true;
            });
          });
          v = { kind: 'kvlist', value: values };
          return true;
        }
        case 7:
          r.expect(w, WIRE_LEN, at, 'bytesValue');
          v = { kind: 'bytes', value: r.bytesField(end) };
          return true;
        default:
          return false;
      }
    });
    return v;
  }
}
