/**
 * PromQL: the engine that evaluates queries over the storage seam, its value and error types,
 * and the helpers that print results the way Prometheus' HTTP API does. The parser lives in
 * `promql/parser` and has its own index.
 */
export { Engine } from './engine/engine.js';
export {
  BadQueryError,
  QueryCanceledError,
  QueryError,
  QueryExecutionError,
  QueryTimeoutError,
  TooManySamplesError,
  type QueryErrorType,
} from './engine/errors.js';
export { formatPromFloat, resultToPromJSON } from './engine/format.js';
export {
  defaultEngineOptions,
  type EngineOptions,
  type MatrixSeries,
  type QueryOptions,
  type QueryResult,
  type QueryStats,
  type QueryValue,
  type VectorSample,
} from './engine/types.js';
export {
  QueryResultCache,
  defaultQueryCacheOptions,
  type CacheOutcome,
  type CachedAnswer,
  type CachedRangeRequest,
  type ChangeFeed,
  type QueryCacheOptions,
  type QueryCacheStats,
  registerQueryCacheMetrics,
} from './cache/index.js';
