import { BadInputError, LimitError } from '../../model/index.js';

/**
 * A remote-write protobuf message could not be decoded: wrong wire type, truncated varint, a
 * length past the end of its enclosing message, invalid UTF-8, a value out of range or a field
 * larger than a decoder limit. Always a client error (HTTP 400 at the edge).
 */
export class ProtoDecodeError extends BadInputError {
  override readonly name = 'ProtoDecodeError';
  constructor(
    /** Where the problem is, e.g. `timeseries[3].labels[1].value`; empty for the top level. */
    readonly fieldPath: string,
    /** Byte offset into the decoded (uncompressed) message where the problem was found. */
    readonly offset: number,
    /** What is wrong, without the position. */
    readonly reason: string,
    /** The decoder option that bounds this field, when a limit was exceeded. */
    readonly setting?: string,
    /** What was decoded, for the message. */
    what = 'remote write request',
  ) {
    super(
      `cannot decode ${what}: ${fieldPath === '' ? 'message' : fieldPath} at byte ${offset}: ${reason}`,
    );
  }
}

/** A snappy-compressed body is corrupt (bad length header or invalid block data). */
export class SnappyDecodeError extends BadInputError {
  override readonly name = 'SnappyDecodeError';
}

/**
 * A compressed body announces (in its snappy length header) more decoded bytes than allowed.
 * Nothing was decompressed; the message names the limit and the setting that holds it.
 */
export class DecodedBodyTooLargeError extends LimitError {
  constructor(
    /** The decoded size the body announces, in bytes. */
    readonly announcedBytes: number,
    /** The limit in bytes. */
    readonly limitBytes: number,
    setting: string,
  ) {
    super(
      `cannot decompress request body: it would decode to ${announcedBytes} bytes, more than the limit of ${limitBytes} bytes (${setting})`,
      setting,
    );
  }
}
