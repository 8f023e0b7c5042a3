/** The storage seam: every backend implements these interfaces; every reader uses only them. */
export type {
  Appendable,
  Appender,
  Deleter,
  LabelHints,
  Querier,
  Queryable,
  SampleIterator,
  SelectHints,
  Series,
  SeriesRef,
  SeriesSet,
  Storage,
  ValueType,
} from './interface.js';
export { FanoutStorage } from './fanout.js';
export { MemStorage } from './memory.js';
export { ChainSampleIterator, ChainedSeries } from './chain.js';
export { MergeQuerier, mergeSeriesSets, type WarnLogger } from './merge.js';
export {
  ArraySampleIterator,
  ListSeries,
  ListSeriesSet,
  emptySeriesSet,
  errorSeriesSet,
  seriesMatches,
} from './series.js';
