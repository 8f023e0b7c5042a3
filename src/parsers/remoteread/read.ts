import { FieldReader, type FieldTable } from '../remotewrite/fields.js';
import { ProtoWriter } from '../remotewrite/writer.js';
import { crc32c } from './crc32c.js';

/** A label matcher of a remote read query. */
export interface ReadMatcher {
  readonly type: '=' | '!=' | '=~' | '!~';
  readonly name: string;
  readonly value: string;
}

/** Hints a remote read query carries (all optional). */
export interface ReadHints {
  readonly stepMs: number;
  readonly func: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly grouping: readonly string[];
  readonly by: boolean;
  readonly rangeMs: number;
}

/** One query of a `prometheus.ReadRequest`. */
export interface ReadQuery {
  readonly startMs: number;
  readonly endMs: number;
  readonly matchers: readonly ReadMatcher[];
  readonly hints: ReadHints | undefined;
}

/** Response types a client accepts: 0 = SAMPLES, 1 = STREAMED_XOR_CHUNKS. */
export type ReadResponseType = 0 | 1;

/** A decoded `prometheus.ReadRequest`. */
export interface ReadRequest {
  readonly queries: ReadQuery[];
  readonly acceptedResponseTypes: ReadResponseType[];
}

const MATCHER_TYPES = ['=', '!=', '=~', '!~'] as const;

const REQ_FIELDS: FieldTable = [undefined, ['queries', 2], ['accepted_response_types', 0]];
const QUERY_FIELDS: FieldTable = [
  undefined,
  ['start_timestamp_ms', 0],
  ['end_timestamp_ms', 0],
  ['matchers', 2],
  ['hints', 2],
];
const MATCHER_FIELDS: FieldTable = [undefined, ['type', 0], ['name', 2], ['value', 2]];
const HINT_FIELDS: FieldTable = [
  undefined,
  ['step_ms', 0],
  ['func', 2],
  ['start_ms', 0],
  ['end_ms', 0],
  ['grouping', 2],
  ['by', 0],
  ['range_ms', 0],
];

/** Decodes remote read requests; errors name the field path (`queries[0].matchers[1].type`). */
export class ReadRequestDecoder extends FieldReader {
  protected override what = 'remote read request';

  /** Decodes an uncompressed `prometheus.ReadRequest`. */
  decode(input: Uint8Array): ReadRequest {
    this.setInput(input);
    this.top = '';
    this.mid = '';
    this.leaf = '';
    const end = input.length;
    const queries: ReadQuery[] = [];
    const accepted: ReadResponseType[] = [];
    while (this.pos < end) {
      const at = this.pos;
      const tag = this.readTag(end);
      if (tag === ((1 << 3) | 2)) {
        this.top = 'queries';
        this.topIdx = queries.length;
        const len = this.readLength(end);
        queries.push(this.query(this.pos + len));
        this.top = '';
      } else if (tag === ((2 << 3) | 0)) {
        accepted.push(this.responseType(end, at));
      } else if (tag === ((2 << 3) | 2)) {
        // Packed repeated enum.
        const len = this.readLength(end);
        const stop = this.pos + len;
        while (this.pos < stop) accepted.push(this.responseType(stop, this.pos));
      } else this.skipField(tag, at, end, REQ_FIELDS);
    }
    return { queries, acceptedResponseTypes: accepted };
  }

  private responseType(end: number, at: number): ReadResponseType {
    this.leaf = 'accepted_response_types';
    const v = this.readUint32(end);
    if (v !== 0 && v !== 1) throw this.fail(at, `unknown response type ${v}`);
    this.leaf = '';
    return v;
  }

  private query(end: number): ReadQuery {
    let startMs = 0;
    let endMs = 0;
    const matchers: ReadMatcher[] = [];
    let hints: ReadHints | undefined;
    while (this.pos < end) {
      const at = this.pos;
      const tag = this.readTag(end);
      switch (tag) {
        case (1 << 3) | 0:
          this.leaf = 'start_timestamp_ms';
          startMs = this.readInt64(end);
          break;
        case (2 << 3) | 0:
          this.leaf = 'end_timestamp_ms';
          endMs = this.readInt64(end);
          break;
        case (3 << 3) | 2: {
          this.mid = 'matchers';
          this.midIdx = matchers.length;
          const len = this.readLength(end);
          matchers.push(this.matcher(this.pos + len));
          this.mid = '';
          break;
        }
        case (4 << 3) | 2: {
          this.mid = 'hints';
          this.midIdx = -1;
          const len = this.readLength(end);
          hints = this.hints(this.pos + len);
          this.mid = '';
          break;
        }
        default:
          this.skipField(tag, at, end, QUERY_FIELDS);
      }
      this.leaf = '';
    }
    if (this.pos !== end) throw this.fail(this.pos, 'message overruns its length');
    return { startMs, endMs, matchers, hints };
  }

  private matcher(end: number): ReadMatcher {
    let type = 0;
    let name = '';
    let value = '';
    while (this.pos < end) {
      const at = this.pos;
      const tag = this.readTag(end);
      if (tag === ((1 << 3) | 0)) {
        this.leaf = 'type';
        type = this.readUint32(end);
        if (type > 3) throw this.fail(at, `unknown matcher type ${type}`);
      } else if (tag === ((2 << 3) | 2)) {
        this.leaf = 'name';
        name = this.readString(end, this.opts.maxLabelNameBytes, 'maxLabelNameBytes');
      } else if (tag === ((3 << 3) | 2)) {
        this.leaf = 'value';
        value = this.readString(end, this.opts.maxLabelValueBytes, 'maxLabelValueBytes');
      } else this.skipField(tag, at, end, MATCHER_FIELDS);
      this.leaf = '';
    }
    return { type: MATCHER_TYPES[type]!, name, value };
  }

  private hints(end: number): ReadHints {
    const h = {
      stepMs: 0,
      func: '',
      startMs: 0,
      endMs: 0,
      grouping: [] as string[],
      by: false,
      rangeMs: 0,
    };
    while (this.pos < end) {
      const at = this.pos;
      const tag = this.readTag(end);
      switch (tag) {
        case (1 << 3) | 0:
          h.stepMs = this.readInt64(end);
          break;
        case (2 << 3) | 2:
          h.func = this.readString(end, 1024, 'func');
          break;
        case (3 << 3) | 0:
          h.startMs = this.readInt64(end);
          break;
        case (4 << 3) | 0:
          h.endMs = this.readInt64(end);
          break;
        case (5 << 3) | 2:
          h.grouping.push(this.readString(end, this.opts.maxLabelNameBytes, 'maxLabelNameBytes'));
          break;
        case (6 << 3) | 0:
          h.by = this.readUint32(end) !== 0;
          break;
        case (7 << 3) | 0:
          h.rangeMs = this.readInt64(end);
          break;
        default:
          this.skipField(tag, at, end, HINT_FIELDS);
      }
    }
    return h;
  }
}

/** A series of a remote read answer: flat `[name, value, …]` labels and its samples. */
export interface ReadSeries {
  readonly labels: readonly string[];
  readonly ts: ArrayLike<number>;
  readonly vs: ArrayLike<number>;
  readonly count: number;
}

function writeLabels(w: ProtoWriter, field: number, labels: readonly string[]): void {
  for (let i = 0; i + 1 < labels.length; i += 2) {
    w.uint32((field << 3) | 2);
    const m = w.beginLength();
    w.uint32((1 << 3) | 2);
    w.string(labels[i]!);
    w.uint32((2 << 3) | 2);
    w.string(labels[i + 1]!);
    w.endLength(m);
  }
}

/** Encodes a `prometheus.ReadResponse` (one result per query) for the SAMPLES response type. */
export function encodeReadResponse(results: readonly (readonly ReadSeries[])[]): Uint8Array {
  const w = new ProtoWriter();
  for (const series of results) {
    w.uint32((1 << 3) | 2);
    const qm = w.beginLength();
    for (const s of series) {
      w.uint32((1 << 3) | 2);
      const sm = w.beginLength();
      writeLabels(w, 1, s.labels);
      for (let i = 0; i < s.count; i++) {
        w.uint32((2 << 3) | 2);
        const m = w.beginLength();
        w.uint32((1 << 3) | 1);
        w.double(s.vs[i]!);
        w.uint32((2 << 3) | 0);
        w.int64(s.ts[i]!);
        w.endLength(m);
      }
      w.endLength(sm);
    }
    w.endLength(qm);
  }
  return w.finish();
}

/** One chunk of a streamed series. */
export interface ReadChunk {
  readonly minTimeMs: number;
  readonly maxTimeMs: number;
  /** Prometheus XOR chunk bytes (`encodeXORChunk`). */
  readonly data: Uint8Array;
}

/**
 * Encodes one frame of a `STREAMED_XOR_CHUNKS` answer: a `prometheus.ChunkedReadResponse` for
 * `queryIndex`, framed as uvarint length, big-endian CRC32-Castagnoli of the message, message.
 */
export function encodeChunkedFrame(
  queryIndex: number,
  series: readonly { labels: readonly string[]; chunks: readonly ReadChunk[] }[],
): Uint8Array {
  const w = new ProtoWriter();
  for (const s of series) {
    w.uint32((1 << 3) | 2);
    const sm = w.beginLength();
    writeLabels(w, 1, s.labels);
    for (const c of s.chunks) {
      w.uint32((2 << 3) | 2);
      const cm = w.beginLength();
      w.uint32((1 << 3) | 0);
      w.int64(c.minTimeMs);
      w.uint32((2 << 3) | 0);
      w.int64(c.maxTimeMs);
      w.uint32((3 << 3) | 0);
      w.uint32(1); // XOR
      w.uint32((4 << 3) | 2);
      w.uint32(c.data.length);
      w.bytes(c.data);
      w.endLength(cm);
    }
    w.endLength(sm);
  }
  if (queryIndex !== 0) {
    w.uint32((2 << 3) | 0);
    w.int64(queryIndex);
  }
  const msg = w.finish();
  const out = new ProtoWriter(msg.length + 16);
  out.uint32(msg.length);
  const crc = crc32c(msg);
  out.bytes(new Uint8Array([crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff]));
  out.bytes(msg);
  return out.finish();
}

/** The Content-Type of streamed remote read answers. */
export const STREAMED_CONTENT_TYPE =
  'application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse';
