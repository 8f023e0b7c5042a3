/**
 * The range-query result cache (see `docs/query-cache.md`): step-aligned per-series values,
 * invalidated by the storage's history changes, bounded in bytes with LRU eviction.
 */
export {
  QueryResultCache,
  defaultQueryCacheOptions,
  type CacheOutcome,
  type CachedAnswer,
  type CachedRangeRequest,
  type ChangeFeed,
  type QueryCacheOptions,
  type QueryCacheStats,
  type RangeEvaluator,
} from './cache.js';
export { normalisedQuery, uncacheableReason, type UncacheableReason } from './cacheable.js';
export { registerQueryCacheMetrics } from './metrics.js';
