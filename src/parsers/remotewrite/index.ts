/**
 * Prometheus remote write 1.0: a strict protobuf decoder into reusable columnar rows, the
 * encoder, and the snappy stream layer with decompression limits.
 */
export {
  WriteRequestDecoder,
  decodeWriteRequest,
  defaultDecodeOptions,
  type DecodeOptions,
} from './decode.js';
export { WriteRequestEncoder, encodeLabels, encodeWriteRequest } from './encode.js';
export { DecodedBodyTooLargeError, ProtoDecodeError, SnappyDecodeError } from './errors.js';
export {
  METRIC_METADATA_TYPES,
  WriteRequestRows,
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
} from './snappy.js';
export { defaultWireStringsOptions, type WireStringsOptions } from './strings.js';
export { ProtoWriter } from './writer.js';
