/**
 * The storage conformance kit: a `node:test` suite every backend runs, and a randomized
 * differential test against the in-memory reference model. Test code only.
 */
export { runStorageConformance, type ConformanceOptions } from './suite.js';
export {
  runRandomizedDifferential,
  type DifferentialOptions,
  type DifferentialReport,
} from './model.js';
export { StorageHandle, withStorage, type ConformanceFactory } from './harness.js';
export {
  T0,
  appendAll,
  collectSeriesSet,
  formatValue,
  isDeleter,
  selectDump,
  sortDumps,
  type SeriesDump,
  type TestSample,
} from './helpers.js';
export { Mirror, compareLabelLookups, compareSelect, type QuerySpec } from './compare.js';
