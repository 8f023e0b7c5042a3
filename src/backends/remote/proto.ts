/**
 * The client side of Prometheus remote read: encoding a `prometheus.ReadRequest` and decoding
 * `prometheus.ReadResponse` (SAMPLES) and framed `prometheus.ChunkedReadResponse` messages
 * (STREAMED_XOR_CHUNKS). Values are copied byte for byte into `Float64Array`s so NaN payloads
 * (the staleness marker) survive.
 */
import type { Matcher } from '../../model/index.js';
import { ProtoWriter, crc32c, decodeXORChunk } from '../../parsers/index.js';

/** Series decoded from a read answer: flat `[name, value, …]` labels and parallel samples. */
export interface RawSeries {
  readonly labels: string[];
  ts: Float64Array;
  vs: Float64Array;
  n: number;
}

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

/** A malformed read answer. */
export class RemoteReadDecodeError extends Error {
  override readonly name = 'RemoteReadDecodeError';
}

/** A minimal protobuf cursor over one buffer. */
class Cursor {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  varint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.buf[this.pos++];
      if (b === undefined || this.pos > this.end)
        throw new RemoteReadDecodeError('cannot decode remote read answer: truncated varint');
      if (i === 9 || (i >= 7 && mul * (b & 0x7f) >= 2 ** 53)) return this.bigTail(v, mul, b);
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
    throw new RemoteReadDecodeError('cannot decode remote read answer: varint too long');
  }

  /** Finishes a varint that does not fit a double exactly (negative int64s). */
  private bigTail(low: number, mul: number, first: number): number {
    let v = BigInt(low);
    let shift = BigInt(Math.round(Math.log2(mul)));
    let b = first;
    for (;;) {
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) break;
      shift += 7n;
      const nb = this.buf[this.pos++];
      if (nb === undefined)
        throw new RemoteReadDecodeError('cannot decode remote read answer: truncated varint');
      b = nb;
    }
    return Number(BigInt.asIntN(64, v));
  }

  /** Reads a length prefix and returns the end offset of the field. */
  lengthEnd(): number {
    const len = this.varint();
    const e = this.pos + len;
    if (e > this.end)
      throw new RemoteReadDecodeError(
        'cannot decode remote read answer: field past end of message',
      );
    return e;
  }

  string(): string {
    const e = this.lengthEnd();
    const s = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.pos, e - this.pos).toString(
      'utf8',
    );
    this.pos = e;
    return s;
  }

  /** Copies 8 raw bytes of a double into `vs[i]` bit for bit. */
  doubleInto(bytes: Uint8Array, i: number): void {
    for (let k = 0; k < 8; k++) bytes[i * 8 + k] = this.buf[this.pos + k] ?? 0;
    this.pos += 8;
  }

  skip(wire: number): void {
    switch (wire) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        return;
      case 2:
        this.pos = this.lengthEnd();
        return;
      case 5:
        this.pos += 4;
        return;
      default:
        throw new RemoteReadDecodeError(`cannot decode remote read answer: wire type ${wire}`);
    }
  }
}

function readLabel(c: Cursor, end: number, out: string[]): void {
  let name = '';
  let value = '';
  while (c.pos < end) {
    const tag = c.varint();
    if (tag === ((1 << 3) | 2)) name = c.string();
    else if (tag === ((2 << 3) | 2)) value = c.string();
    else c.skip(tag & 7);
  }
  out.push(name, value);
}

function grow(s: RawSeries, need: number): void {
  if (need <= s.ts.length) return;
  const cap = Math.max(need, s.ts.length * 2, 16);
  const ts = new Float64Array(cap);
  ts.set(s.ts.subarray(0, s.n));
  const vs = new Float64Array(cap);
  vs.set(s.vs.subarray(0, s.n));
  s.ts = ts;
  s.vs = vs;
}

/** Decodes an uncompressed `ReadResponse` with one result; returns its series. */
export function decodeReadResponse(buf: Uint8Array): RawSeries[] {
  const out: RawSeries[] = [];
  const c = new Cursor(buf);
  while (c.pos < c.end) {
    const tag = c.varint();
    if (tag !== ((1 << 3) | 2)) {
      c.skip(tag & 7);
      continue;
    }
    const qEnd = c.lengthEnd();
    while (c.pos < qEnd) {
      const t2 = c.varint();
      if (t2 !== ((1 << 3) | 2)) {
        c.skip(t2 & 7);
        continue;
      }
      const sEnd = c.lengthEnd();
      const s: RawSeries = { labels: [], ts: new Float64Array(16), vs: new Float64Array(16), n: 0 };
      let bytes = new Uint8Array(s.vs.buffer);
      while (c.pos < sEnd) {
        const t3 = c.varint();
        if (t3 === ((1 << 3) | 2)) {
          const lEnd = c.lengthEnd();
          readLabel(c, lEnd, s.labels);
        } else if (t3 === ((2 << 3) | 2)) {
          const smEnd = c.lengthEnd();
          if (s.n === s.ts.length) {
            grow(s, s.n + 1);
            bytes = new Uint8Array(s.vs.buffer);
          }
          let t = 0;
          while (c.pos < smEnd) {
            const t4 = c.varint();
            if (t4 === ((1 << 3) | 1)) c.doubleInto(bytes, s.n);
            else if (t4 === ((2 << 3) | 0)) t = c.varint();
            else c.skip(t4 & 7);
          }
          s.ts[s.n++] = t;
        } else c.skip(t3 & 7);
      }
      out.push(s);
    }
  }
  return out;
}

/**
 * Decodes a whole STREAMED_XOR_CHUNKS body (uvarint length, big-endian CRC32-C, message, …)
 * into series, concatenating the chunks of a series that spans several frames. Checks every
 * frame's checksum.
 */
export function decodeChunkedResponse(body: Uint8Array): RawSeries[] {
  const out: RawSeries[] = [];
  const byKey = new Map<string, RawSeries>();
  const c = new Cursor(body);
  while (c.pos < body.length) {
    const len = c.varint();
    const crcAt = c.pos;
    const start = crcAt + 4;
    if (start + len > body.length)
      throw new RemoteReadDecodeError('cannot decode remote read answer: truncated frame');
    const want =
      ((body[crcAt]! << 24) |
        (body[crcAt + 1]! << 16) |
        (body[crcAt + 2]! << 8) |
        body[crcAt + 3]!) >>>
      0;
    const msg = body.subarray(start, start + len);
    if (crc32c(msg) >>> 0 !== want)
      throw new RemoteReadDecodeError('cannot decode remote read answer: frame checksum mismatch');
    decodeChunkedFrame(msg, out, byKey);
    c.pos = start + len;
  }
  return out;
}

function decodeChunkedFrame(
  msg: Uint8Array,
  out: RawSeries[],
  byKey: Map<string, RawSeries>,
): void {
  const c = new Cursor(msg);
  while (c.pos < c.end) {
    const tag = c.varint();
    if (tag !== ((1 << 3) | 2)) {
      c.skip(tag & 7);
      continue;
    }
    const sEnd = c.lengthEnd();
    const labels: string[] = [];
    const chunks: Uint8Array[] = [];
    while (c.pos < sEnd) {
      const t2 = c.varint();
      if (t2 === ((1 << 3) | 2)) {
        readLabel(c, c.lengthEnd(), labels);
      } else if (t2 === ((2 << 3) | 2)) {
        const cEnd = c.lengthEnd();
        let enc = 0;
        let data: Uint8Array | undefined;
        while (c.pos < cEnd) {
          const t3 = c.varint();
          if (t3 === ((3 << 3) | 0)) enc = c.varint();
          else if (t3 === ((4 << 3) | 2)) {
            const e = c.lengthEnd();
            data = msg.subarray(c.pos, e);
            c.pos = e;
          } else c.skip(t3 & 7);
        }
        if (enc !== 1)
          throw new RemoteReadDecodeError(
            `cannot decode remote read answer: chunk encoding ${enc} is not XOR`,
          );
        if (data) chunks.push(data);
      } else c.skip(t2 & 7);
    }
    const key = labels.join('\u0000');
    let s = byKey.get(key);
    if (!s) {
      s = { labels, ts: new Float64Array(0), vs: new Float64Array(0), n: 0 };
      byKey.set(key, s);
      out.push(s);
    }
    for (const ch of chunks) {
      const d = decodeXORChunk(ch);
      grow(s, s.n + d.ts.length);
      s.ts.set(d.ts, s.n);
      s.vs.set(d.vs, s.n);
      s.n += d.ts.length;
    }
  }
}
