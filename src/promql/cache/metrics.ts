/** Self-metrics of the range-query result cache (`kansoku_query_cache_*`). */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { QueryResultCache, QueryCacheStats } from './cache.js';

/** Registers `kansoku_query_cache_*` self-metrics, read from the cache when scraped. */
export function registerQueryCacheMetrics(
  registry: Registry,
  cache: () => QueryResultCache | undefined,
): void {
  const stats = (): QueryCacheStats | undefined => cache()?.stats();
  const counter = (name: string, help: string, get: (s: QueryCacheStats) => number): void => {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const s = stats();
        this.reset();
        if (s) this.inc(get(s));
      },
    });
  };
  const gauge = (name: string, help: string, get: (s: QueryCacheStats) => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const s = stats();
        this.set(s ? get(s) : 0);
      },
    });
  };
  counter(
    'kansoku_query_cache_hits_total',
    'Range queries answered wholly from the result cache.',
    (s) => s.hits,
  );
  counter(
    'kansoku_query_cache_partial_hits_total',
    'Range queries answered partly from the result cache (the missing steps were evaluated).',
    (s) => s.partialHits,
  );
  counter(
    'kansoku_query_cache_misses_total',
    'Cacheable range queries with no usable cached steps.',
    (s) => s.misses,
  );
  counter(
    'kansoku_query_cache_bypasses_total',
    'Range queries the result cache could not serve (not cacheable, or the cache is off).',
    (s) => s.bypasses,
  );
  counter(
    'kansoku_query_cache_evicted_bytes_total',
    'Estimated bytes evicted from the result cache by its size limit or memory pressure.',
    (s) => s.evictedBytes,
  );
  counter(
    'kansoku_query_cache_invalidations_total',
    'Cache entries cut or dropped because late writes, deletions or retention changed history.',
    (s) => s.invalidations,
  );
  gauge(
    'kansoku_query_cache_size_bytes',
    'Estimated bytes held by the query result cache.',
    (s) => s.bytes,
  );
  gauge('kansoku_query_cache_entries', 'Entries in the query result cache.', (s) => s.entries);
}
