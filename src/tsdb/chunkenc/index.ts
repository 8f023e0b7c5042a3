/**
 * Chunk encodings of the embedded TSDB. Byte 0 of every chunk names its encoding; readers use
 * `newChunkIterator` and never look inside the bytes themselves.
 */
import type { ChunkEncoder, ChunkEncoding, ChunkIterator } from './chunk.js';
import {
  ChunkFormatError,
  XOR_ENCODING_ID,
  XOR_HEADER_BYTES,
  XorEncoder,
  XorIterator,
} from './xor.js';

export type { ChunkEncoder, ChunkEncoding, ChunkIterator } from './chunk.js';
export {
  ChunkFormatError,
  XOR_ENCODING_ID,
  XOR_MAX_SAMPLES,
  XorEncoder,
  XorIterator,
  referenceDelta,
} from './xor.js';

/** Returns a new encoder for the default encoding (`xor`). */
export function newChunkEncoder(): ChunkEncoder {
  return new XorEncoder();
}

/**
 * Returns an iterator positioned before the first sample of `data`, or an exhausted one when
 * `data` is omitted (point it at a chunk with `reset`). Malformed data is reported by `err()`.
 */
export function newChunkIterator(data?: Uint8Array): ChunkIterator {
  const it = new XorIterator();
  return it.reset(data ?? EMPTY_CHUNK);
}

const EMPTY_CHUNK = new Uint8Array([XOR_ENCODING_ID, 0, 0]);

/**
 * Returns the encoding named by byte 0 of `data`.
 * @throws ChunkFormatError when the byte names no known encoding.
 */
export function chunkEncodingOf(data: Uint8Array): ChunkEncoding {
  if (data.length >= XOR_HEADER_BYTES && data[0] === XOR_ENCODING_ID) return 'xor';
  throw new ChunkFormatError(
    `cannot read chunk: unknown encoding id ${data[0] ?? '(empty chunk)'} in ${data.length} bytes`,
  );
}

/**
 * Returns the number of samples in a chunk, read from its header without decoding.
 * @throws ChunkFormatError when the encoding is unknown.
 */
export function chunkNumSamples(data: Uint8Array): number {
  chunkEncodingOf(data);
  return (data[1]! << 8) | data[2]!;
}
