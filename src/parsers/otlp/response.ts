/**
 * The content types of OTLP/HTTP, decoding by content type, and the `ExportMetricsServiceResponse` a receiver answers with:
 * empty on full success, `partial_success` with the number of rejected data points and a message
 * otherwise.
 */

import { decodeMetricsJSON } from './json.js';
import { decodeMetricsProto } from './proto.js';
import { defaultOTLPDecodeOptions, type MetricsRequest, type OTLPDecodeOptions } from './types.js';

/** The two OTLP/HTTP encodings. */
export type OTLPEncoding = 'protobuf' | 'json';

/**
 * The encoding of a request by its `Content-Type` (`application/x-protobuf` or
 * `application/json`, parameters ignored); undefined for anything else (HTTP 415).
 */
export function otlpEncodingOf(contentType: string): OTLPEncoding | undefined {
  const mt = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (mt === 'application/x-protobuf') return 'protobuf';
  if (mt === 'application/json') return 'json';
  return undefined;
}

/** Decodes a request body of the given encoding (JSON bodies are read as UTF-8). */
export function decodeMetrics(
  body: Uint8Array,
  enc: OTLPEncoding,
  opts: OTLPDecodeOptions = defaultOTLPDecodeOptions(),
): MetricsRequest {
  if (enc === 'protobuf') return decodeMetricsProto(body, opts);
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return decodeMetricsJSON(text, opts);
}

/** The `Content-Type` to answer with for an encoding. */
export function otlpContentType(enc: OTLPEncoding): string {
  return enc === 'json' ? 'application/json' : 'application/x-protobuf';
}

function varint(n: number): number[] {
  const out: number[] = [];
  let x = n;
  while (x >= 0x80) {
    out.push((x % 0x80) | 0x80);
    x = Math.floor(x / 0x80);
  }
  out.push(x);
  return out;
}

/**
 * Encodes an `ExportMetricsServiceResponse`. With `rejected` = 0 and an empty message it is the
 * empty message (full success); otherwise it carries `partial_success`.
 */
export function encodeExportResponse(
  rejected: number,
  message: string,
  enc: OTLPEncoding,
): Uint8Array {
  if (enc === 'json') {
    const body =
      rejected === 0 && message === ''
        ? {}
        : { partialSuccess: { rejectedDataPoints: String(rejected), errorMessage: message } };
    return Buffer.from(JSON.stringify(body));
  }
  if (rejected === 0 && message === '') return new Uint8Array(0);
  const msg = Buffer.from(message, 'utf8');
  const inner: number[] = [];
  if (rejected > 0) inner.push(0x08, ...varint(rejected));
  if (msg.length > 0) inner.push(0x12, ...varint(msg.length), ...msg);
  return Uint8Array.from([0x0a, ...varint(inner.length), ...inner]);
}
