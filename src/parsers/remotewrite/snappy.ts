import snappy from 'snappy';
import { DecodedBodyTooLargeError, SnappyDecodeError } from './errors.js';

/**
 * Options for the native snappy calls. `copyOutputData` makes the binding copy its output into
 * memory V8 manages: without it every call hands out an external buffer whose native memory is
 * released late, which made decompression of 68 KB bodies 7× slower (790 µs against 107 µs)
 * and grew the resident size by gigabytes over 20,000 requests.
 */
const SNAPPY_DECODE = { asBuffer: true, copyOutputData: true } as const;
const SNAPPY_ENCODE = { copyOutputData: true } as const;

/** The setting named in `DecodedBodyTooLargeError` unless the caller names its own. */
export const DEFAULT_MAX_DECODED_SETTING = 'maxDecodedBytes';

/**
 * Reads the uncompressed length that starts every snappy block (a varint below 2^32), without
 * decompressing anything. Throws `SnappyDecodeError` when the header is missing or malformed.
 */
export function snappyDecodedLength(body: Uint8Array): number {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 5; i++) {
    const b = body[i];
    if (b === undefined) {
      throw new SnappyDecodeError('cannot decompress request body: truncated snappy length header');
    }
    v += (b & 0x7f) * mul;
    if (b < 0x80) {
      if (v > 0xffffffff) break;
      return v;
    }
    mul *= 128;
  }
  throw new SnappyDecodeError('cannot decompress request body: snappy length header is too large');
}

/**
 * Decompresses a snappy block-format body (remote write's `Content-Encoding: snappy`), refusing
 * before any work a body that announces more than `maxDecodedBytes` (a decompression bomb) with
 * `DecodedBodyTooLargeError`, naming `setting`. Corrupt data throws `SnappyDecodeError`.
 * Synchronous: the native decompressor runs on the calling thread.
 */
export function decodeSnappyBody(
  body: Uint8Array,
  maxDecodedBytes: number,
  setting: string = DEFAULT_MAX_DECODED_SETTING,
): Buffer {
  checkLength(body, maxDecodedBytes, setting);
  try {
    return snappy.uncompressSync(body, SNAPPY_DECODE) as Buffer;
  } catch (err) {
    throw corrupt(err);
  }
}

/**
 * Like `decodeSnappyBody`, decompressing on the libuv thread pool so that the event loop (and a
 * second core) stay free for other requests.
 */
export async function decodeSnappyBodyAsync(
  body: Uint8Array,
  maxDecodedBytes: number,
  setting: string = DEFAULT_MAX_DECODED_SETTING,
): Promise<Buffer> {
  checkLength(body, maxDecodedBytes, setting);
  try {
    return (await snappy.uncompress(body, SNAPPY_DECODE)) as Buffer;
  } catch (err) {
    throw corrupt(err);
  }
}

/** Compresses a message into a snappy block (what remote-write senders put in the body). */
export function encodeSnappyBody(message: Uint8Array): Buffer {
  return snappy.compressSync(message, SNAPPY_ENCODE);
}

function checkLength(body: Uint8Array, max: number, setting: string): void {
  const n = snappyDecodedLength(body);
  if (n > max) throw new DecodedBodyTooLargeError(n, max, setting);
}

function corrupt(err: unknown): SnappyDecodeError {
  const cause = err instanceof Error ? err.message : String(err);
  return new SnappyDecodeError(`cannot decompress request body: ${cause}`, { cause: err });
}
