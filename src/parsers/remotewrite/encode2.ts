import { metadataTypeCode, type MetricMetadataType } from './rows.js';
import { ProtoWriter } from './writer.js';

const TAG_REQ_SYMBOL = (4 << 3) | 2;
const TAG_REQ_SERIES = (5 << 3) | 2;
const TAG_TS_LABELS = (1 << 3) | 2;
const TAG_TS_SAMPLE = (2 << 3) | 2;
const TAG_TS_METADATA = (5 << 3) | 2;
const TAG_SAMPLE_VALUE = (1 << 3) | 1;
const TAG_SAMPLE_TIMESTAMP = (2 << 3) | 0;
const TAG_SAMPLE_START = (3 << 3) | 0;
const TAG_META_TYPE = (1 << 3) | 0;
const TAG_META_HELP = (3 << 3) | 0;
const TAG_META_UNIT = (4 << 3) | 0;

/** Metadata of one series in a remote write 2.0 request. */
export interface SeriesMetadataV2 {
  readonly type: MetricMetadataType;
  readonly help: string;
  readonly unit: string;
}

/**
 * Encodes Prometheus remote write 2.0 `io.prometheus.write.v2.Request` messages: strings go
 * into the symbols table once per request (the first symbol is the empty string), series refer to
 * them. Labels are written in the given order (senders sort them by name). Fields holding their
 * default value are omitted, as proto3 encoders do. Not thread-safe; one owner.
 */
export class WriteRequestV2Encoder {
  private readonly series = new ProtoWriter();
  private readonly out = new ProtoWriter();
  private readonly refs = new Map<string, number>();
  private readonly symbols: string[] = [];

  constructor() {
    this.reset();
  }

  /** Starts a new request. */
  reset(): void {
    this.series.reset();
    this.refs.clear();
    this.symbols.length = 0;
    this.ref('');
  }

  /**
   * Adds a series with labels as a flat `[name, value, …]` array and samples `[from, to)`;
   * `startTimestamps` (0 = unset) and `metadata` are optional.
   */
  addSeries(
    labels: readonly string[],
    timestamps: ArrayLike<number>,
    values: ArrayLike<number>,
    options: { startTimestamps?: ArrayLike<number>; metadata?: SeriesMetadataV2 } = {},
    from = 0,
    to = timestamps.length,
  ): void {
    const w = this.series;
    w.uint32(TAG_REQ_SERIES);
    const mark = w.beginLength();
    if (labels.length > 0) {
      w.uint32(TAG_TS_LABELS);
      const lm = w.beginLength();
      for (const l of labels) w.uint32(this.ref(l));
      w.endLength(lm);
    }
    for (let i = from; i < to; i++) {
      w.uint32(TAG_TS_SAMPLE);
      const sm = w.beginLength();
      const v = values[i] ?? 0;
      if (v !== 0 || 1 / v < 0) {
        w.uint32(TAG_SAMPLE_VALUE);
        w.double(v);
      }
      const t = timestamps[i] ?? 0;
      if (t !== 0) {
        w.uint32(TAG_SAMPLE_TIMESTAMP);
        w.int64(t);
      }
      const st = options.startTimestamps?.[i] ?? 0;
      if (st !== 0) {
        w.uint32(TAG_SAMPLE_START);
        w.int64(st);
      }
      w.endLength(sm);
    }
    const meta = options.metadata;
    if (meta !== undefined) {
      w.uint32(TAG_TS_METADATA);
      const mm = w.beginLength();
      const code = metadataTypeCode(meta.type);
      const fields: [number, number][] = [
        [TAG_META_TYPE, code],
        [TAG_META_HELP, this.ref(meta.help)],
        [TAG_META_UNIT, this.ref(meta.unit)],
      ];
      for (const [tag, v] of fields) {
        if (v === 0) continue;
        w.uint32(tag);
        w.uint32(v);
      }
      w.endLength(mm);
    }
    w.endLength(mark);
  }

  /** The encoded request (symbols first, then the series), as a copy. */
  finish(): Uint8Array {
    const out = this.out;
    out.reset();
    for (const s of this.symbols) {
      out.uint32(TAG_REQ_SYMBOL);
      out.string(s);
    }
    out.bytes(this.series.written());
    return out.finish();
  }

  private ref(s: string): number {
    let r = this.refs.get(s);
    if (r === undefined) {
      r = this.symbols.length;
      this.symbols.push(s);
      this.refs.set(s, r);
    }
    return r;
  }
}
