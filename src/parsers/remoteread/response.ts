/**
 * The client side of remote read answers: `prometheus.ReadResponse` (SAMPLES) and framed
 * `prometheus.ChunkedReadResponse` messages (STREAMED_XOR_CHUNKS), decoded into flat series.
 * Values go straight into `Float64Array`s so NaN payloads (staleness markers) survive.
 */
import { FieldReader, type FieldTable } from '../remotewrite/fields.js';
import { crc32c } from './crc32c.js';
import { decodeXORChunk } from './xorchunk.js';

/** One series of a read answer: flat `[name, value, …]` labels and parallel samples. */
export interface RawSeries {
  readonly labels: string[];
  ts: Float64Array;
  vs: Float64Array;
  n: number;
}

const RESPONSE_FIELDS: FieldTable = [undefined, ['results', 2]];
const RESULT_FIELDS: FieldTable = [undefined, ['timeseries', 2]];
const SERIES_FIELDS: FieldTable = [undefined, ['labels', 2], ['samples', 2]];
const LABEL_FIELDS: FieldTable = [undefined, ['name', 2], ['value', 2]];
const SAMPLE_FIELDS: FieldTable = [undefined, ['value', 1], ['timestamp', 0]];
const CHUNKED_FIELDS: FieldTable = [undefined, ['chunked_series', 2], ['query_index', 0]];
const CHUNKED_SERIES_FIELDS: FieldTable = [undefined, ['labels', 2], ['chunks', 2]];
const CHUNK_FIELDS: FieldTable = [
  undefined,
  ['min_time_ms', 0],
  ['max_time_ms', 0],
  ['type', 0],
  ['data', 2],
];

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

/** Decodes remote read answers; errors name the field path (`results[0].timeseries[3]…`). */
export class ReadResponseDecoder extends FieldReader {
  protected override what = 'remote read answer';

  /** Decodes an uncompressed `ReadResponse`; the series of every result, in order. */
  samples(input: Uint8Array): RawSeries[] {
    this.setInput(input);
    this.top = '';
    this.mid = '';
    this.leaf = '';
    const out: RawSeries[] = [];
    const end = input.length;
    let results = 0;
    while (this.pos < end) {
      const at = this.pos;
      const tag = this.readTag(end);
      if (tag !== ((1 << 3) | 2)) {
        this.skipField(tag, at, end, RESPONSE_FIELDS);
        continue;
      }
      this.top = 'results';
      this.topIdx = results++;
      const qEndLen = this.readLength(end);
      const qEnd = this.pos + qEndLen;
      while (this.pos < qEnd) {
        const at2 = this.pos;
        const t2 = this.readTag(qEnd);
        if (t2 !== ((1 << 3) | 2)) {
          this.skipField(t2, at2, qEnd, RESULT_FIELDS);
          continue;
        }
        this.mid = 'timeseries';
        this.midIdx = out.length;
        const sLen = this.readLength(qEnd);
        out.push(this.series(this.pos + sLen));
        this.mid = '';
      }
      this.top = '';
    }
    return out;
  }

  private series(end: number): RawSeries {
    const s: RawSeries = { labels: [], ts: new Float64Array(16), vs: new Float64Array(16), n: 0 };
    while (this.pos < end) {
      const at = this.pos;
      const tag = this.readTag(end);
      if (tag === ((1 << 3) | 2)) {
        const lLen = this.readLength(end);
        this.label(this.pos + lLen, s.labels);
      } else if (tag === ((2 << 3) | 2)) {
        const smEndLen = this.readLength(end);
        const smEnd = this.pos + smEndLen;
        grow(s, s.n + 1);
        let t = 0;
        s.vs[s.n] = 0;
        while (this.pos < smEnd) {
          const at2 = this.pos;
          const t2 = this.readTag(smEnd);
          if (t2 === ((1 << 3) | 1)) {
            this.leaf = 'samples.value';
            this.readDoubleInto(smEnd, s.vs, s.n);
          } else if (t2 === ((2 << 3) | 0)) {
            this.leaf = 'samples.timestamp';
            t = this.readInt64(smEnd);
          } else this.skipField(t2, at2, smEnd, SAMPLE_FIELDS);
          this.leaf = '';
        }
        s.ts[s.n++] = t;
      } else this.skipField(tag, at, end, SERIES_FIELDS);
    }
    return s;
  }

  private label(end: number, out: string[]): void {
    let name = '';
    let value = '';
    while (this.pos < end) {
      const at = this.pos;
      const tag = this.readTag(end);
      if (tag === ((1 << 3) | 2)) {
        this.leaf = 'labels.name';
        name = this.readString(end, this.opts.maxLabelNameBytes, 'maxLabelNameBytes');
      } else if (tag === ((2 << 3) | 2)) {
        this.leaf = 'labels.value';
        value = this.readString(end, this.opts.maxLabelValueBytes, 'maxLabelValueBytes');
      } else this.skipField(tag, at, end, LABEL_FIELDS);
      this.leaf = '';
    }
    out.push(name, value);
  }

  /**
   * Decodes a whole STREAMED_XOR_CHUNKS body (uvarint length, big-endian CRC32-C, message, …),
   * concatenating the chunks of a series that spans several frames. Checks every checksum.
   */
  chunked(body: Uint8Array): RawSeries[] {
    const out: RawSeries[] = [];
    const byKey = new Map<string, RawSeries>();
    this.setInput(body);
    this.top = 'frame';
    this.topIdx = 0;
    this.mid = '';
    this.leaf = '';
    const end = body.length;
    while (this.pos < end) {
      const at = this.pos;
      const len = this.readUint32(end);
      const crcAt = this.pos;
      if (end - crcAt < 4 || end - crcAt - 4 < len)
        throw this.fail(at, `frame of ${len} bytes runs past the end of the answer`);
      const want = this.view.getUint32(crcAt, false);
      const start = crcAt + 4;
      if (crc32c(body.subarray(start, start + len)) >>> 0 !== want)
        throw this.fail(crcAt, 'frame checksum mismatch');
      this.pos = start;
      this.frame(start + len, out, byKey);
      this.topIdx++;
    }
    return out;
  }

  private frame(end: number, out: RawSeries[], byKey: Map<string, RawSeries>): void {
    let n = 0;
    while (this.pos < end) {
      const at = this.pos;
      const tag = this.readTag(end);
      if (tag === ((2 << 3) | 0)) {
        this.leaf = 'query_index';
        this.readInt64(end);
        this.leaf = '';
        continue;
      }
      if (tag !== ((1 << 3) | 2)) {
        this.skipField(tag, at, end, CHUNKED_FIELDS);
        continue;
      }
      this.mid = 'chunked_series';
      this.midIdx = n++;
      const sEndLen = this.readLength(end);
      const sEnd = this.pos + sEndLen;
      const labels: string[] = [];
      const chunks: Uint8Array[] = [];
      while (this.pos < sEnd) {
        const at2 = this.pos;
        const t2 = this.readTag(sEnd);
        if (t2 === ((1 << 3) | 2)) {
          const lLen = this.readLength(sEnd);
          this.label(this.pos + lLen, labels);
        } else if (t2 === ((2 << 3) | 2)) {
          const cLen = this.readLength(sEnd);
          const data = this.chunk(this.pos + cLen);
          if (data) chunks.push(data);
        } else this.skipField(t2, at2, sEnd, CHUNKED_SERIES_FIELDS);
      }
      this.mid = '';
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

  private chunk(end: number): Uint8Array | undefined {
    let enc = 0;
    let data: Uint8Array | undefined;
    while (this.pos < end) {
      const at = this.pos;
      const tag = this.readTag(end);
      if (tag === ((1 << 3) | 0) || tag === ((2 << 3) | 0)) {
        this.leaf = tag >>> 3 === 1 ? 'chunks.min_time_ms' : 'chunks.max_time_ms';
        this.readInt64(end);
      } else if (tag === ((3 << 3) | 0)) {
        this.leaf = 'chunks.type';
        enc = this.readUint32(end);
      } else if (tag === ((4 << 3) | 2)) {
        this.leaf = 'chunks.data';
        const len = this.readLength(end);
        data = this.buf.subarray(this.pos, this.pos + len);
        this.pos += len;
      } else this.skipField(tag, at, end, CHUNK_FIELDS);
      this.leaf = '';
    }
    if (enc !== 1) throw this.fail(end, `chunk encoding ${enc} is not XOR`);
    return data;
  }
}
