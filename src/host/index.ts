/**
 * Host metrics in node_exporter's shape (names, labels, types, help texts), read from `/proc` and
 * `/sys`, for the `/metrics` endpoint of the agent and the server.
 */
export { HostCollector, collectHostMetrics, familiesOf, type CollectorResult } from './collect.js';
export { NoDataError, type CollectContext, type CollectorFn } from './context.js';
export { MetricFamily, formatValue, renderFamilies, type HostMetricType } from './family.js';
export {
  HOST_COLLECTORS,
  defaultHostCollectors,
  defaultHostMetricsOptions,
  type HostCollectorName,
  type HostMetricsOptions,
} from './options.js';
export { TextfileParseError, parseTextfile, type ParsedFamily } from './textparse.js';
