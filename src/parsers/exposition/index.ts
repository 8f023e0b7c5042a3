/** Parsers of the Prometheus text (0.0.4) and OpenMetrics (1.0) exposition formats. */
export { OpenMetricsParser, MAX_EXEMPLAR_LABEL_RUNES } from './openmetrics.js';
export { PromTextParser } from './promtext.js';
export { validateOpenMetrics } from './omvalidate.js';
export { parseGoFloat, parseStrictFloat } from './lex.js';
export {
  ExpositionError,
  type EntryKind,
  type Exemplar,
  type ExpositionParser,
  type MetricType,
} from './types.js';
export { newExpositionParser, type ExpositionFormat, formatFromContentType } from './format.js';
