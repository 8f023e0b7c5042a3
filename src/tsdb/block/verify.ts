/** Full verification of a block: every checksum, every chunk decoded, counts against meta.json. */
import { chunkNumSamples, newChunkIterator } from '../chunkenc/index.js';
import type { ChunkReader } from './chunks.js';
import { CorruptBlockError } from './errors.js';
import type { IndexReader } from './index-reader.js';
import { META_FILE, type BlockMeta } from './meta.js';
import { BlockChunkSource } from './source.js';

/** What `verifyBlock` found. */
export interface BlockVerifyReport {
  readonly numSeries: number;
  readonly numChunks: number;
  readonly numSamples: number;
}

/**
 * Reads the whole block: all postings lists, all series entries and all chunks (checksums
 * checked, every chunk decoded), and compares the counts with meta.json. Throws
 * `CorruptBlockError` at the first problem.
 */
export async function verifyBlock(
  meta: BlockMeta,
  ir: IndexReader,
  cr: ChunkReader,
): Promise<BlockVerifyReport> {
  const all = await ir.allPostings();
  const pairs = Array.from({ length: ir.numPairs }, (_, i) => i);
  let refs = 0;
  for (const p of await ir.postings(pairs)) refs += p.length;
  if (refs < all.length && all.length > 0) {
    throw new CorruptBlockError(
      ir.dir,
      'index',
      0,
      `label postings hold ${refs} references for ${all.length} series`,
    );
  }
  const it = newChunkIterator();
  const src = new BlockChunkSource(ir, cr.syncReader(), new Map());
  let numSeries = 0;
  let numChunks = 0;
  let numSamples = 0;
  try {
    while (src.next()) {
      numSeries++;
      for (const c of src.chunks()) {
        numChunks++;
        const n = chunkNumSamples(c.data);
        let k = 0;
        let first = NaN;
        let last = NaN;
        it.reset(c.data);
        while (it.next() !== 'none') {
          if (k++ === 0) first = it.atT();
          last = it.atT();
        }
        const err = it.err();
        if (err)
          throw new CorruptBlockError(
            ir.dir,
            'chunks',
            0,
            `undecodable chunk of series ${src.labels().toString()}: ${err.message}`,
            { cause: err },
          );
        if (k !== n)
          throw new CorruptBlockError(
            ir.dir,
            'chunks',
            0,
            `chunk of series ${src.labels().toString()} holds ${k} samples, header says ${n}`,
          );
        if (first !== c.minT || last !== c.maxT) {
          throw new CorruptBlockError(
            ir.dir,
            'index',
            0,
            `chunk of series ${src.labels().toString()} spans [${first}, ${last}], index says [${c.minT}, ${c.maxT}]`,
          );
        }
        numSamples += n;
      }
    }
  } finally {
    src.close();
  }
  const s = meta.stats;
  if (
    numSeries !== all.length ||
    numSeries !== s.numSeries ||
    numChunks !== s.numChunks ||
    numSamples !== s.numSamples
  ) {
    throw new CorruptBlockError(
      ir.dir,
      META_FILE,
      0,
      `stats say ${s.numSeries} series, ${s.numChunks} chunks, ${s.numSamples} samples; found ${numSeries} (${all.length} in postings), ${numChunks}, ${numSamples}`,
    );
  }
  return { numSeries, numChunks, numSamples };
}
