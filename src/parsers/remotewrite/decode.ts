import { ProtoDecodeError } from './errors.js';
import { WriteRequestRows } from './rows.js';
import { WireStrings, defaultWireStringsOptions, type WireStringsOptions } from './strings.js';
import { VarintReader } from './varint.js';

/** Limits and tuning of the remote-write decoder. Every limit has a name used in errors. */
export interface DecodeOptions extends WireStringsOptions {
  /** Most labels one series may carry. */
  maxLabelsPerSeries: number;
  /** Longest label name in bytes. */
  maxLabelNameBytes: number;
  /** Longest label value in bytes. */
  maxLabelValueBytes: number;
  /** Longest metadata string (family name, help, unit) in bytes. */
  maxMetadataTextBytes: number;
}

/**
 * Default limits: far above what real senders produce (Prometheus itself has no limits here), low
 * enough that a hostile request cannot make one label or series hold megabytes.
 */
export function defaultDecodeOptions(): DecodeOptions {
  return {
    ...defaultWireStringsOptions(),
    maxLabelsPerSeries: 512,
    maxLabelNameBytes: 1024,
    maxLabelValueBytes: 64 * 1024,
    maxMetadataTextBytes: 64 * 1024,
  };
}

// Tags (field number << 3 | wire type) of the fields the decoder reads.
const TAG_WRITE_TIMESERIES = (1 << 3) | 2;
const TAG_WRITE_METADATA = (3 << 3) | 2;
const TAG_SERIES_LABEL = (1 << 3) | 2;
const TAG_SERIES_SAMPLE = (2 << 3) | 2;
const TAG_SERIES_EXEMPLAR = (3 << 3) | 2;
const TAG_SERIES_HISTOGRAM = (4 << 3) | 2;
const TAG_LABEL_NAME = (1 << 3) | 2;
const TAG_LABEL_VALUE = (2 << 3) | 2;
const TAG_SAMPLE_VALUE = (1 << 3) | 1;
const TAG_SAMPLE_TIMESTAMP = (2 << 3) | 0;
const TAG_META_TYPE = (1 << 3) | 0;
const TAG_META_FAMILY = (2 << 3) | 2;
const TAG_META_HELP = (4 << 3) | 2;
const TAG_META_UNIT = (5 << 3) | 2;

/**
 * Known fields per message as `[name, wire type]` by field number, used to tell a wrong wire type
 * of a known field (an error) from an unknown field (skipped).
 */
type FieldTable = readonly (readonly [string, number] | undefined)[];
const WRITE_FIELDS: FieldTable = [undefined, ['timeseries', 2], undefined, ['metadata', 2]];
const SERIES_FIELDS: FieldTable = [
  undefined,
  ['labels', 2],
  ['samples', 2],
  ['exemplars', 2],
  ['histograms', 2],
];
const LABEL_FIELDS: FieldTable = [undefined, ['name', 2], ['value', 2]];
const SAMPLE_FIELDS: FieldTable = [undefined, ['value', 1], ['timestamp', 0]];
const META_FIELDS: FieldTable = [
  undefined,
  ['type', 0],
  ['metric_family_name', 2],
  undefined,
  ['help', 2],
  ['unit', 2],
];

/**
 * Decodes Prometheus remote write 1.0 `prometheus.WriteRequest` messages (uncompressed protobuf)
 * into reusable columnar `WriteRequestRows`.
 *
 * Strict: wrong wire types for known fields, truncated varints, lengths past the end of the
 * enclosing message, invalid UTF-8, timestamps beyond ±2^53 ms and fields over the limits throw
 * `ProtoDecodeError` with the field path and byte offset. Unknown fields are skipped (forward
 * compatibility); exemplars and native histograms are skipped and counted.
 *
 * The decoder keeps a string cache across requests; one instance per isolate (or worker) is
 * enough and it must not be used re-entrantly.
 */
export class WriteRequestDecoder extends VarintReader {
  private readonly strings: WireStrings;
  private readonly opts: DecodeOptions;
  // Error context: which message and field is being decoded (used only to build messages).
  private top = '';
  private topIdx = 0;
  private mid = '';
  private midIdx = 0;
  private leaf = '';

  constructor(options: Partial<DecodeOptions> = {}) {
    super();
    this.opts = { ...defaultDecodeOptions(), ...options };
    this.strings = new WireStrings(this.opts);
  }

  /** String cache hits and misses since the decoder was made (for benchmarks). */
  internStats(): { hits: number; misses: number } {
    return { hits: this.strings.hits, misses: this.strings.misses };
  }

  /**
   * Decodes `input` into `rows` (which is reset first) and returns `rows`. The rows do not refer
   * to `input` afterwards.
   */
  decode(input: Uint8Array, rows: WriteRequestRows = new WriteRequestRows()): WriteRequestRows {
    rows.reset();
    this.setInput(input);
    const end = input.length;
    let series = 0;
    let metadata = 0;
    while (this.pos < end) {
      this.top = '';
      this.mid = '';
      this.leaf = '';
      const at = this.pos;
      const tag = this.readTag(end);
      if (tag === TAG_WRITE_TIMESERIES) {
        this.top = 'timeseries';
        this.topIdx = series++;
        const len = this.readLength(end);
        this.decodeSeries(rows, this.pos + len);
      } else if (tag === TAG_WRITE_METADATA) {
        this.top = 'metadata';
        this.topIdx = metadata++;
        const len = this.readLength(end);
        this.decodeMetadata(rows, this.pos + len);
      } else {
        this.skipField(tag, at, end, WRITE_FIELDS);
      }
    }
    return rows;
  }

  private decodeSeries(rows: WriteRequestRows, end: number): void {
    const s = rows.beginSeries();
    let labels = 0;
    let samples = 0;
    let exemplars = 0;
    let histograms = 0;
    while (this.pos < end) {
      this.mid = '';
      this.leaf = '';
      const at = this.pos;
      const tag = this.readTag(end);
      if (tag === TAG_SERIES_SAMPLE) {
        this.mid = 'samples';
        this.midIdx = samples++;
        const len = this.readLength(end);
        this.decodeSample(rows, this.pos + len);
      } else if (tag === TAG_SERIES_LABEL) {
        this.mid = 'labels';
        this.midIdx = labels++;
        if (labels > this.opts.maxLabelsPerSeries) {
          throw this.fail(
            at,
            `more than ${this.opts.maxLabelsPerSeries} labels`,
            'maxLabelsPerSeries',
          );
        }
        const len = this.readLength(end);
        this.decodeLabel(rows, this.pos + len);
      } else if (tag === TAG_SERIES_EXEMPLAR) {
        this.mid = 'exemplars';
        this.midIdx = exemplars++;
        const skipLen = this.readLength(end);
        this.pos += skipLen;
      } else if (tag === TAG_SERIES_HISTOGRAM) {
        this.mid = 'histograms';
        this.midIdx = histograms++;
        const skipLen = this.readLength(end);
        this.pos += skipLen;
      } else {
        this.skipField(tag, at, end, SERIES_FIELDS);
      }
    }
    rows.exemplarCounts[s] = exemplars;
    rows.histogramCounts[s] = histograms;
    rows.exemplarCount += exemplars;
    rows.histogramCount += histograms;
    rows.endSeries();
  }

  private decodeLabel(rows: WriteRequestRows, end: number): void {
    let name = '';
    let value = '';
    while (this.pos < end) {
      this.leaf = '';
      const at = this.pos;
      const tag = this.readTag(end);
      if (tag === TAG_LABEL_NAME) {
        this.leaf = 'name';
        name = this.readString(end, this.opts.maxLabelNameBytes, 'maxLabelNameBytes');
      } else if (tag === TAG_LABEL_VALUE) {
        this.leaf = 'value';
        value = this.readString(end, this.opts.maxLabelValueBytes, 'maxLabelValueBytes');
      } else {
        this.skipField(tag, at, end, LABEL_FIELDS);
      }
    }
    rows.addLabel(name, value);
  }

  private decodeSample(rows: WriteRequestRows, end: number): void {
    const n = rows.sampleCount;
    if (n >= rows.timestamps.length) rows.growSamples(n + 1);
    let ts = 0;
    let haveValue = false;
    while (this.pos < end) {
      this.leaf = '';
      const at = this.pos;
      const tag = this.readTag(end);
      if (tag === TAG_SAMPLE_VALUE) {
        this.leaf = 'value';
        this.readDoubleInto(end, rows.values, n);
        haveValue = true;
      } else if (tag === TAG_SAMPLE_TIMESTAMP) {
        this.leaf = 'timestamp';
        ts = this.readInt64(end);
      } else {
        this.skipField(tag, at, end, SAMPLE_FIELDS);
      }
    }
    if (!haveValue) rows.values[n] = 0;
    rows.timestamps[n] = ts;
    rows.sampleCount = n + 1;
  }

  private decodeMetadata(rows: WriteRequestRows, end: number): void {
    let code = 0;
    let family = '';
    let help = '';
    let unit = '';
    const max = this.opts.maxMetadataTextBytes;
    while (this.pos < end) {
      this.leaf = '';
      const at = this.pos;
      const tag = this.readTag(end);
      if (tag === TAG_META_TYPE) {
        this.leaf = 'type';
        const v = this.readInt64(end);
        code = v >= 0 && v <= 255 ? v : 0;
      } else if (tag === TAG_META_FAMILY) {
        this.leaf = 'metric_family_name';
        family = this.readString(end, max, 'maxMetadataTextBytes');
      } else if (tag === TAG_META_HELP) {
        this.leaf = 'help';
        help = this.readString(end, max, 'maxMetadataTextBytes');
      } else if (tag === TAG_META_UNIT) {
        this.leaf = 'unit';
        unit = this.readString(end, max, 'maxMetadataTextBytes');
      } else {
        this.skipField(tag, at, end, META_FIELDS);
      }
    }
    rows.addMetadataCode(code, family, help, unit);
  }

  private readString(end: number, max: number, setting: string): string {
    const at = this.pos;
    const len = this.readLength(end);
    if (len > max) throw this.fail(at, `${len} bytes is more than ${max} bytes`, setting);
    const start = this.pos;
    this.pos = start + len;
    const s = this.strings.read(this.buf, start, start + len);
    if (s === undefined) throw this.fail(start, 'invalid UTF-8');
    return s;
  }

  /** Skips an unknown field, or fails when a known field has the wrong wire type. */
  private skipField(tag: number, at: number, end: number, known: FieldTable): void {
    const field = tag >>> 3;
    const wire = tag & 7;
    const def = known[field];
    if (def !== undefined) {
      this.leaf = def[0];
      throw this.fail(at, `wrong wire type ${wire} for field ${field} (expected ${def[1]})`);
    }
    this.leaf = `field ${field}`;
    this.skip(wire, at, end);
  }

  protected override fail(offset: number, reason: string, setting?: string): ProtoDecodeError {
    return new ProtoDecodeError(this.path(), offset, reason, setting);
  }

  private path(): string {
    let p = '';
    if (this.top !== '') p = `${this.top}[${this.topIdx}]`;
    if (this.mid !== '') p += `.${this.mid}[${this.midIdx}]`;
    if (this.leaf !== '') p += p === '' ? this.leaf : `.${this.leaf}`;
    return p;
  }
}

/**
 * Decodes one uncompressed remote-write request with a throwaway decoder. Convenient for tests
 * and tools; servers keep one `WriteRequestDecoder` and one `WriteRequestRows` and reuse them.
 */
export function decodeWriteRequest(
  input: Uint8Array,
  rows: WriteRequestRows = new WriteRequestRows(),
  options: Partial<DecodeOptions> = {},
): WriteRequestRows {
  return new WriteRequestDecoder(options).decode(input, rows);
}
