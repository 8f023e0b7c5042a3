/**
 * Persisted blocks of the embedded TSDB: writing series and chunks as an immutable block
 * directory, opening and querying blocks through the storage seam, deletions with tombstones,
 * and compaction. Formats: docs/format/block.md and docs/format/index.md.
 */
export { Block, type BlockOpenOptions } from './block.js';
export { cleanupTmpBlocks } from './cleanup.js';
export { MergedChunkSource, compactBlocks, type CompactOptions } from './compact.js';
export { compactBlocksInWorker } from './compact-thread.js';
export { BlockClosedError, BlockWriteError, CorruptBlockError } from './errors.js';
export { META_FILE, readMeta, type BlockMeta } from './meta.js';
export { SAMPLES_PER_CHUNK } from './rechunk.js';
export {
  ArraySeriesChunkSource,
  BlockChunkSource,
  type ChunkInput,
  type SeriesChunkSource,
} from './source.js';
export { isULID, newULID } from './ulid.js';
export type { BlockVerifyReport } from './verify.js';
export { TMP_BLOCK_SUFFIX, writeBlock, type WriteBlockOptions } from './write.js';
