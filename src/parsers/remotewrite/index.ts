/**
 * Prometheus remote write 1.0 and 2.0: strict protobuf decoders into reusable columnar rows, the
 * encoders, and the snappy stream layer with decompression limits.
 */
export { WriteRequestDecoder, decodeWriteRequest } from './decode.js';
export { WriteRequestV2Decoder } from './decode2.js';
export { defaultDecodeOptions, type DecodeOptions } from './options.js';
export { WriteRequestEncoder, encodeLabels, encodeWriteRequest } from './encode.js';
export { WriteRequestV2Encoder, type SeriesMetadataV2 } from './encode2.js';
export { DecodedBodyTooLargeError, ProtoDecodeError, SnappyDecodeError } from './errors.js';
export {
  METRIC_METADATA_TYPES,
  WriteRequestRows,
  WriteRequestV2Rows,
  metadataTypeCode,
  metadataTypeFromCode,
  type MetricMetadataType,
} from './rows.js';
export {
  DEFAULT_MAX_DECODED_SETTING,
  decodeSnappyBody,
  decodeSnappyBodyAsync,
  encodeSnappyBody,
  snappyDecodedLength,
  usePortableSnappy,
} from './snappy.js';
export { compressSnappyJs } from './snappyjs.js';
export { REUSED_BUFFER_MAX_BYTES, SnappyBlockDecoder } from './unsnappy.js';
export { defaultWireStringsOptions, type WireStringsOptions } from './strings.js';
export { ProtoWriter } from './writer.js';
