/**
 * OTLP metrics (OpenTelemetry protocol, `ExportMetricsServiceRequest`): strict decoders of the
 * protobuf and JSON encodings into one data model, and the Prometheus naming rules used to
 * translate it.
 */
export { decodeMetricsProto } from './proto.js';
export { decodeMetricsJSON } from './json.js';
export { encodeMetricsProto } from './encode.js';
export {
  FLAG_NO_RECORDED_VALUE,
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
  type OTLPResource,
  type OTLPScope,
  type PointBase,
  type ResourceMetrics,
  type ScopeMetrics,
  type SummaryPoint,
  type Temporality,
} from './types.js';
export {
  anyValueToString,
  buildLabelName,
  buildMetricName,
  type LabelNamingOptions,
  type NamingType,
  type TranslationStrategy,
} from './naming.js';
export {
  decodeMetrics,
  encodeExportResponse,
  otlpContentType,
  otlpEncodingOf,
  type OTLPEncoding,
} from './response.js';
