/**
 * The decoded form of an OTLP `ExportMetricsServiceRequest` (opentelemetry.proto.collector.metrics.v1),
 * shared by the protobuf and the JSON decoders. Field names follow the OTLP JSON encoding
 * (lowerCamelCase). Nanosecond timestamps are `bigint` so that no precision is lost; counts are
 * numbers (exact up to 2^53); bucket counts, bounds and quantiles are `Float64Array`s.
 */
import { BadInputError } from '../../model/index.js';

/** One attribute value (`AnyValue`). 64-bit integers keep their exact value as `bigint`. */
export type AnyValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'double'; readonly value: number }
  | { readonly kind: 'bytes'; readonly value: Uint8Array }
  | { readonly kind: 'array'; readonly value: readonly AnyValue[] }
  | { readonly kind: 'kvlist'; readonly value: readonly KeyValue[] }
  | { readonly kind: 'empty' };

/** One attribute (`KeyValue`). */
export interface KeyValue {
  readonly key: string;
  readonly value: AnyValue;
}

/** The entity that produced the metrics (`Resource`). */
export interface OTLPResource {
  readonly attributes: readonly KeyValue[];
  readonly droppedAttributesCount: number;
}

/** The instrumentation scope (`InstrumentationScope`). */
export interface OTLPScope {
  readonly name: string;
  readonly version: string;
  readonly attributes: readonly KeyValue[];
  readonly droppedAttributesCount: number;
}

/** `AggregationTemporality`: 0 unspecified, 1 delta, 2 cumulative. */
export type Temporality = 'unspecified' | 'delta' | 'cumulative';

/** `DataPointFlags.FLAG_NO_RECORDED_VALUE`: the point marks a series that stopped. */
export const FLAG_NO_RECORDED_VALUE = 1;

/** Fields every data point has. */
export interface PointBase {
  readonly attributes: readonly KeyValue[];
  /** Start of the aggregation interval in ns since the epoch; 0n when unset. */
  readonly startTimeUnixNano: bigint;
  /** The point's time in ns since the epoch; 0n when unset. */
  readonly timeUnixNano: bigint;
  /** `DataPointFlags` bits. */
  readonly flags: number;
}

/** An exemplar attached to a data point. */
export interface OTLPExemplar {
  readonly filteredAttributes: readonly KeyValue[];
  readonly timeUnixNano: bigint;
  readonly value: number;
  readonly spanId: Uint8Array;
  readonly traceId: Uint8Array;
}

/** A gauge or sum point (`NumberDataPoint`); `as_int` values are converted to float64. */
export interface NumberPoint extends PointBase {
  readonly value: number;
  readonly exemplars: readonly OTLPExemplar[];
}

/** An explicit-bucket histogram point. `bucketCounts` has one more entry than `explicitBounds`. */
export interface HistogramPoint extends PointBase {
  readonly count: number;
  readonly sum: number | undefined;
  readonly bucketCounts: Float64Array;
  readonly explicitBounds: Float64Array;
  readonly min: number | undefined;
  readonly max: number | undefined;
  readonly exemplars: readonly OTLPExemplar[];
}

/** One side of an exponential histogram's buckets. */
export interface ExpBuckets {
  readonly offset: number;
  readonly bucketCounts: Float64Array;
}

/** An exponential histogram point (decoded fully; Kansoku does not store them yet). */
export interface ExpHistogramPoint extends PointBase {
  readonly count: number;
  readonly sum: number | undefined;
  readonly scale: number;
  readonly zeroCount: number;
  readonly zeroThreshold: number;
  readonly positive: ExpBuckets;
  readonly negative: ExpBuckets;
  readonly min: number | undefined;
  readonly max: number | undefined;
}

/** A summary point; `quantiles[i]` goes with `values[i]`. */
export interface SummaryPoint extends PointBase {
  readonly count: number;
  readonly sum: number;
  readonly quantiles: Float64Array;
  readonly values: Float64Array;
}

/** The data of a metric: the `oneof data` of `Metric`, `none` when no member was set. */
export type MetricData =
  | { readonly type: 'gauge'; readonly points: readonly NumberPoint[] }
  | {
      readonly type: 'sum';
      readonly points: readonly NumberPoint[];
      readonly temporality: Temporality;
      readonly monotonic: boolean;
    }
  | {
      readonly type: 'histogram';
      readonly points: readonly HistogramPoint[];
      readonly temporality: Temporality;
    }
  | {
      readonly type: 'exponentialHistogram';
      readonly points: readonly ExpHistogramPoint[];
      readonly temporality: Temporality;
    }
  | { readonly type: 'summary'; readonly points: readonly SummaryPoint[] }
  | { readonly type: 'none' };

/** One metric (`Metric`). */
export interface OTLPMetric {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly data: MetricData;
  readonly metadata: readonly KeyValue[];
}

/** Metrics of one scope (`ScopeMetrics`). */
export interface ScopeMetrics {
  readonly scope: OTLPScope;
  readonly metrics: readonly OTLPMetric[];
  readonly schemaUrl: string;
}

/** Metrics of one resource (`ResourceMetrics`). */
export interface ResourceMetrics {
  readonly resource: OTLPResource;
  readonly scopeMetrics: readonly ScopeMetrics[];
  readonly schemaUrl: string;
}

/** A decoded `ExportMetricsServiceRequest`. */
export interface MetricsRequest {
  readonly resourceMetrics: readonly ResourceMetrics[];
}

/**
 * An OTLP metrics request could not be decoded: malformed protobuf or JSON, a field of the wrong
 * type, a value out of range. Always a client error (HTTP 400 at the edge).
 */
export class OTLPDecodeError extends BadInputError {
  override readonly name = 'OTLPDecodeError';
  constructor(
    /** Where the problem is, e.g. `resourceMetrics[0].scopeMetrics[1].metrics[2].name`. */
    readonly fieldPath: string,
    /** Byte offset into the protobuf body, or -1 for JSON bodies. */
    readonly offset: number,
    /** What is wrong, without the position. */
    readonly reason: string,
  ) {
    super(
      `cannot decode OTLP metrics request: ${fieldPath === '' ? 'message' : fieldPath}${offset >= 0 ? ` at byte ${offset}` : ''}: ${reason}`,
    );
  }
}

/** Decoder limits. */
export interface OTLPDecodeOptions {
  /** Deepest nesting of array/kvlist attribute values (protects the stack). */
  readonly maxValueDepth: number;
}

/** Default decoder limits. */
export function defaultOTLPDecodeOptions(): OTLPDecodeOptions {
  return { maxValueDepth: 32 };
}
