import type { SampleIterator } from '../../storage/index.js';

/**
 * Chunk encoding contract. A chunk is an immutable byte string holding up to a few hundred
 * samples of one series in timestamp order. Byte 0 of every chunk names its encoding, so new
 * encodings (native histograms, for example) can be added without breaking readers.
 */
export type ChunkEncoding = 'xor';

/** Accumulates samples of one series into a chunk. Not safe for concurrent use. */
export interface ChunkEncoder {
  /** Appends a sample; `t` must be greater than the previous timestamp. */
  append(t: number, v: number): void;
  /** Number of samples appended so far. */
  readonly numSamples: number;
  /** Timestamp of the first sample (undefined behaviour when empty). */
  readonly minT: number;
  /** Timestamp of the last sample (undefined behaviour when empty). */
  readonly maxT: number;
  /** Current encoded size in bytes. */
  byteSize(): number;
  /**
   * Returns the encoded bytes of everything appended so far. The returned array is a copy owned
   * by the caller; the encoder can keep appending afterwards.
   */
  bytes(): Uint8Array;
}

/** A sample iterator over one chunk's bytes that can be re-pointed at another chunk. */
export interface ChunkIterator extends SampleIterator {
  /** Restarts iteration over `data`; the iterator keeps a reference to `data`, no copy. */
  reset(data: Uint8Array): this;
}
