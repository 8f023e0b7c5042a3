/** The in-memory head of the TSDB: series, chunks, inverted index, appender and querier. */
export { HeadAppender, type CommitBatch, type CommitLog } from './appender.js';
export {
  Head,
  addInterval,
  defaultHeadOptions,
  type HeadCounters,
  type HeadOptions,
  type SeriesAdmission,
} from './head.js';
export { BoundedIterator, ChunkSeqIterator, MergeIterator } from './iterators.js';
export { MemIndex } from './memindex.js';
export {
  EMPTY_POSTINGS,
  MutablePostings,
  intersectPostings,
  subtractPostings,
  unionPostings,
  type PostingsList,
} from './postings.js';
export { HeadQuerier, HeadQuerySeries, snapshotSeries } from './querier.js';
export { SeriesTable } from './seriestable.js';
export { HeadSeries, OooPart, type ApplyResult, type ChunkCutOptions } from './series.js';
