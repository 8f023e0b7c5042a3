/**
 * The client side of Prometheus remote read: encoding a `prometheus.ReadRequest`; the answers are
 * decoded by the parsers' `ReadResponseDecoder`.
 */
import type { Matcher } from '../../model/index.js';
import { ProtoWriter, ReadResponseDecoder, type RawSeries } from '../../parsers/index.js';

export type { RawSeries };

const MATCHER_TYPE: Readonly<Record<string, number>> = { '=': 0, '!=': 1, '=~': 2, '!~': 3 };

/** Hints sent with a read query. */
export interface ReadQueryHints {
  readonly stepMs: number;
  readonly func: string;
  readonly rangeMs: number;
}

/** Encodes one read query asking for streamed chunks first, then samples. */
export function encodeReadRequest(
  start: number,
  end: number,
  matchers: readonly Matcher[],
  hints: ReadQueryHints | undefined,
): Uint8Array {
  const w = new ProtoWriter(1024);
  w.uint32((1 << 3) | 2);
  const q = w.beginLength();
  w.uint32((1 << 3) | 0);
  w.int64(start);
  w.uint32((2 << 3) | 0);
  w.int64(end);
  for (const m of matchers) {
    w.uint32((3 << 3) | 2);
    const mm = w.beginLength();
    const type = MATCHER_TYPE[m.type] ?? 0;
    if (type !== 0) {
      w.uint32((1 << 3) | 0);
      w.uint32(type);
    }
    w.uint32((2 << 3) | 2);
    w.string(m.name);
    w.uint32((3 << 3) | 2);
    w.string(m.value);
    w.endLength(mm);
  }
  if (hints) {
    w.uint32((4 << 3) | 2);
    const hm = w.beginLength();
    w.uint32((1 << 3) | 0);
    w.int64(hints.stepMs);
    if (hints.func !== '') {
      w.uint32((2 << 3) | 2);
      w.string(hints.func);
    }
    w.uint32((3 << 3) | 0);
    w.int64(start);
    w.uint32((4 << 3) | 0);
    w.int64(end);
    w.uint32((7 << 3) | 0);
    w.int64(hints.rangeMs);
    w.endLength(hm);
  }
  w.endLength(q);
  // accepted_response_types: STREAMED_XOR_CHUNKS (1), then SAMPLES (0).
  w.uint32((2 << 3) | 0);
  w.uint32(1);
  w.uint32((2 << 3) | 0);
  w.uint32(0);
  return w.finish();
}

/** Decodes an uncompressed `ReadResponse` (SAMPLES); throws `ProtoDecodeError` with the field path. */
export function decodeReadResponse(buf: Uint8Array): RawSeries[] {
  return new ReadResponseDecoder().samples(buf);
}

/**
 * Decodes a whole STREAMED_XOR_CHUNKS body into series, concatenating the chunks of a series
 * that spans several frames and checking every frame's checksum.
 */
export function decodeChunkedResponse(body: Uint8Array): RawSeries[] {
  return new ReadResponseDecoder().chunked(body);
}
