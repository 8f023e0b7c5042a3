/**
 * A strict decoder of OTLP metrics in protobuf (`application/x-protobuf`): field numbers from
 * opentelemetry/proto/{collector/metrics,metrics,common,resource}/v1. Unknown fields are skipped;
 * a known field with the wrong wire type, a truncated or oversized value, or invalid UTF-8 is an
 * `OTLPDecodeError` with the field path and byte offset.
 */
import {
  defaultOTLPDecodeOptions,
  type KeyValue,
  type ExpHistogramPoint,
  type HistogramPoint,
  type MetricData,
  type MetricsRequest,
  type NumberPoint,
  type OTLPDecodeOptions,
  type OTLPMetric,
  type OTLPResource,
  type OTLPScope,
  type ResourceMetrics,
  type ScopeMetrics,
  type SummaryPoint,
  type Temporality,
} from './types.js';
import { ProtoPoints } from './proto-points.js';
import { WIRE_LEN } from './wire.js';

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
class ProtoDecoder extends ProtoPoints {
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

  protected resourceMetrics(end: number): ResourceMetrics {
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

  protected resource(end: number): OTLPResource {
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

  protected scopeMetrics(end: number): ScopeMetrics {
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

  protected scope(end: number): OTLPScope {
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

  protected metric(end: number): OTLPMetric {
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

  protected numbers(end: number, type: 'gauge' | 'sum'): MetricData {
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

  protected histograms(end: number): MetricData {
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

  protected expHistograms(end: number): MetricData {
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

  protected summaries(end: number): MetricData {
    const points: SummaryPoint[] = [];
    this.fields(end, (f, w, at) => {
      if (f !== 1) return false;
      points.push(this.sub('dataPoints', points.length, w, at, end, (e) => this.summaryPoint(e)));
      return true;
    });
    return { type: 'summary', points };
  }
}
