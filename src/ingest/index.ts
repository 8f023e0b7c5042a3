/** Ingestion: every push path's naming, relabeling and limits, into one appender per request. */
export { sanitizeLabelName, sanitizeMetricName } from './naming.js';
export {
  Batch,
  IngestPipeline,
  MAX_REPORTED,
  REJECT_REASONS,
  defaultIngestOptions,
  type IngestLimits,
  type IngestOptions,
  type IngestResult,
  type RejectReason as IngestRejectReason,
  type Rejection,
  type SeriesGroup,
} from './pipeline.js';
export { ingestLineProtocol, type InfluxWriteOptions } from './influx.js';
export {
  SERIES_LIMIT_NAMES,
  SeriesLimitError,
  SeriesLimiter,
  defaultSeriesLimits,
  type SeriesCounts,
  type SeriesLimitName,
  type SeriesLimits,
} from './limits.js';
export {
  CSVFormatError,
  importCSV,
  importJSONLines,
  importPrometheusText,
  parseCSVFormat,
  splitCSV,
  type CSVColumn,
} from './imports.js';
export {
  DEFAULT_DELTA_SERIES,
  DeltaTracker,
  defaultOTLPIngestOptions,
  ingestOTLP,
  nanosToMillis,
  type OTLPIngestOptions,
} from './otlp.js';
export {
  PushPathError,
  PushStore,
  PushStoreError,
  decodeBase64Value,
  defaultPushStoreOptions,
  encodeBase64Value,
  groupingKey,
  handlePush,
  loadGroups,
  parseGroupingPath,
  parsePushBody,
  parseTTL,
  pushGroupsFile,
  saveGroups,
  type GroupState,
  type GroupView,
  type GroupingKey,
  type ParsedPush,
  type PushOutcome,
  type PushRequest,
  type PushResponse,
  type PushStoreOptions,
  type PushedFamily,
} from './pushgateway/index.js';
