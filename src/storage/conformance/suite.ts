/**
 * The storage conformance suite: one set of `node:test` cases that every backend of the seam
 * must pass, so the PromQL engine, the rules and the API can rely on one contract.
 */
import { describe } from 'node:test';
import { registerLifecycleCases } from './cases_lifecycle.js';
import { registerReadCases } from './cases_read.js';
import { registerWriteCases } from './cases_write.js';
import type { ConformanceFactory } from './harness.js';

/** Options of `runStorageConformance`. */
export interface ConformanceOptions {
  /** Series in the many-series case (default 10 000). */
  readonly manySeries?: number;
  /** Samples in the long-series case (default 100 000). */
  readonly longSeries?: number;
  /**
   * Whether the backend implements `Deleter` and must pass the deletion cases (default true; a
   * backend without deletion sets it to false explicitly).
   */
  readonly deletes?: boolean;
}

/**
 * Registers the conformance cases for one backend under a `describe(name)` block. Call it at
 * the top level of a test file; the cases run when the test runner runs that file.
 *
 * The contract checked (beyond the types of `interface.ts`):
 * - Appends become visible at `commit()` together and never after `rollback()`; references
 *   returned by `append` can be passed back; an empty label set is rejected.
 * - Duplicates: the bit-identical value at an existing timestamp is ignored, a different one
 *   (NaN payloads and -0 compared by bits) throws `DuplicateSampleError`, against committed
 *   data and within the batch; the appender stays usable. Out-of-order samples are accepted.
 * - Matchers `=`, `!=`, `=~`, `!~` with Prometheus semantics: regexes are anchored, a missing
 *   label matches as "", no matchers select nothing.
 * - Time ranges are exact: only series with a sample in [mint, maxt], only those samples.
 * - Iterators: strictly increasing timestamps; `seek` never moves backwards.
 * - Sorted selects return `compareLabels` order with unique label sets; unsorted the same set.
 * - Label names/values are sorted and unique; over a range they include every matching series
 *   with a sample in it and nothing beyond the series ever written.
 * - Staleness markers, other NaN payloads, ±Inf and -0 round-trip bit-exactly.
 * - Two appenders may interleave and commit in any order; the first committed value wins.
 * - Deletion (unless `deletes: false`): the samples in range of matching series disappear from
 *   selects, also after `cleanTombstones()`. Appending into a deleted range afterwards is left
 *   unspecified (Prometheus' tombstones keep hiding such samples until data is rewritten).
 * - Persistence of exactly the committed data across `factory.reopen`, and identical answers
 *   before and after `factory.compact`, each registered only when the factory has the hook.
 *
 * Cases open a fresh backend each (via `factory.open` in a new temporary directory) and run
 * sequentially; the large cases take well under a second on `MemStorage`.
 */
export function runStorageConformance(
  name: string,
  factory: ConformanceFactory,
  options: ConformanceOptions = {},
): void {
  void describe(`storage conformance: ${name}`, () => {
    void describe('read', () => {
      registerReadCases(factory);
    });
    void describe('write', () => {
      registerWriteCases(factory, {
        manySeries: options.manySeries ?? 10_000,
        longSeries: options.longSeries ?? 100_000,
      });
    });
    void describe('lifecycle', () => {
      registerLifecycleCases(factory, options.deletes ?? true);
    });
  });
}
