/** Prometheus remote read: request decoding, SAMPLES and STREAMED_XOR_CHUNKS answers. */
export { crc32c } from './crc32c.js';
export {
  ReadRequestDecoder,
  STREAMED_CONTENT_TYPE,
  encodeChunkedFrame,
  encodeReadResponse,
  type ReadChunk,
  type ReadHints,
  type ReadMatcher,
  type ReadQuery,
  type ReadRequest,
  type ReadResponseType,
  type ReadSeries,
} from './read.js';
export { ReadResponseDecoder, type RawSeries } from './response.js';
export { decodeXORChunk, encodeXORChunk } from './xorchunk.js';
