/** Ingestion: every push path's naming, relabeling and limits, into one appender per request. */
export { sanitizeLabelName, sanitizeMetricName } from './naming.js';
export {
  Batch,
  IngestPipeline,
  MAX_REPORTED,
  defaultIngestOptions,
  type IngestLimits,
  type IngestOptions,
  type IngestResult,
  type Rejection,
} from './pipeline.js';
export { ingestLineProtocol, type InfluxWriteOptions } from './influx.js';
export {
  CSVFormatError,
  importCSV,
  importJSONLines,
  importPrometheusText,
  parseCSVFormat,
  splitCSV,
  type CSVColumn,
} from './imports.js';
