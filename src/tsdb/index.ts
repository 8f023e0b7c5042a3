/**
 * The embedded time-series database: head, WAL and blocks behind the storage seam. Build it with
 * `openDB`; everything else here is for tools and tests.
 */
export { DB, openDB, type DBDeps, type TsdbGauges } from './db.js';
export { defaultDBOptions, type DBOptions } from './options.js';
export type { NameCount, TsdbStats } from './stats.js';
export type { BlockMeta } from './block/index.js';
export {
  ChunkFormatError,
  chunkEncodingOf,
  chunkNumSamples,
  newChunkEncoder,
  newChunkIterator,
  type ChunkEncoder,
  type ChunkEncoding,
  type ChunkIterator,
} from './chunkenc/index.js';
