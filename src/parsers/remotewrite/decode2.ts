import { FieldReader, type FieldTable } from './fields.js';
import type { DecodeOptions } from './options.js';
import { WriteRequestV2Rows } from './rows.js';

// Tags (field number << 3 | wire type) of `io.prometheus.write.v2.Request` fields.
const TAG_REQ_SYMBOL = (4 << 3) | 2;
const TAG_REQ_SERIES = (5 << 3) | 2;
const TAG_TS_LABELS_PACKED = (1 << 3) | 2;
const TAG_TS_LABELS_ONE = (1 << 3) | 0;
const TAG_TS_SAMPLE = (2 << 3) | 2;
const TAG_TS_HISTOGRAM = (3 << 3) | 2;
const TAG_TS_EXEMPLAR = (4 << 3) | 2;
const TAG_TS_METADATA = (5 << 3) | 2;
const TAG_SAMPLE_VALUE = (1 << 3) | 1;
const TAG_SAMPLE_TIMESTAMP = (2 << 3) | 0;
const TAG_SAMPLE_START = (3 << 3) | 0;
const TAG_META_TYPE = (1 << 3) | 0;
const TAG_META_HELP = (3 << 3) | 0;
const TAG_META_UNIT = (4 << 3) | 0;

const REQUEST_FIELDS: FieldTable = [
  undefined,
  undefined, // 1 to 3 are reserved: a 1.0 message read as 2.0 decodes as empty
  undefined,
  undefined,
  ['symbols', 2],
  ['timeseries', 2],
];
const SERIES_FIELDS: FieldTable = [
  undefined,
  ['labels_refs', 2],
  ['samples', 2],
  ['histograms', 2],
  ['exemplars', 2],
  ['metadata', 2],
];
const SAMPLE_FIELDS: FieldTable = [
  undefined,
  ['value', 1],
  ['timestamp', 0],
  ['start_timestamp', 0],
];
const META_FIELDS: FieldTable = [
  undefined,
  ['type', 0],
  undefined,
  ['help_ref', 0],
  ['unit_ref', 0],
];

/**
 * Decodes Prometheus remote write 2.0 `io.prometheus.write.v2.Request` messages (uncompressed
 * protobuf) into reusable `WriteRequestV2Rows`, resolving `labels_refs` through the symbols
 * table: label strings are the table's strings, decoded once per request (and interned across
 * requests), never once per series.
 *
 * Strict like the 1.0 decoder, and also: the first symbol must be the empty string, every
 * reference must point into the table, and `labels_refs` must come in pairs. Packed and unpacked
 * `labels_refs` are both accepted; symbols may come before or after the series. Exemplars and
 * native histograms are skipped and counted. One instance per isolate; not re-entrant.
 */
export class WriteRequestV2Decoder extends FieldReader {
  private readonly symbols: string[] = [];
  private symbolCount = 0;

  constructor(options: Partial<DecodeOptions> = {}) {
    super(options);
  }

  /** Decodes `input` into `rows` (reset first) and returns `rows`. */
  decode(
    input: Uint8Array,
    rows: WriteRequestV2Rows = new WriteRequestV2Rows(),
  ): WriteRequestV2Rows {
    rows.reset();
    this.setInput(input);
    this.readSymbols(input.length);
    this.pos = 0;
    const end = input.length;
    let series = 0;
    while (this.pos < end) {
      this.top = '';
      this.mid = '';
      this.leaf = '';
      const at = this.pos;
      const tag = this.readTag(end);
      if (tag === TAG_REQ_SERIES) {
        this.top = 'timeseries';
        this.topIdx = series++;
        const len = this.readLength(end);
        this.decodeSeries(rows, this.pos + len);
      } else if (tag === TAG_REQ_SYMBOL) {
        const len = this.readLength(end);
        this.pos += len;
      } else {
        this.skipField(tag, at, end, REQUEST_FIELDS);
      }
    }
    return rows;
  }

  /** First pass: collects the symbols table wherever its entries are. */
  private readSymbols(end: number): void {
    this.symbolCount = 0;
    const max = Math.max(this.opts.maxLabelValueBytes, this.opts.maxMetadataTextBytes);
    while (this.pos < end) {
      this.top = '';
      this.leaf = '';
      const at = this.pos;
      const tag = this.readTag(end);
      if (tag === TAG_REQ_SYMBOL) {
        this.top = 'symbols';
        this.topIdx = this.symbolCount;
        const s = this.readString(end, max, 'maxLabelValueBytes');
        if (this.symbolCount === 0 && s !== '') {
          throw this.fail(at, 'the first symbol must be the empty string');
        }
        this.symbols[this.symbolCount++] = s;
      } else if (tag === TAG_REQ_SERIES) {
        const len = this.readLength(end);
        this.pos += len;
      } else {
        this.skipField(tag, at, end, REQUEST_FIELDS);
      }
    }
  }

  /** Reads a symbol reference (a uint32 varint ending before `end`) and resolves it. */
  private symbol(end: number): string {
    const at = this.pos;
    const ref = this.readUint32(end);
    const s = ref < this.symbolCount ? this.symbols[ref] : undefined;
    if (s === undefined) {
      throw this.fail(at, `symbol reference ${ref} is outside the table of ${this.symbolCount}`);
    }
    return s;
  }

  private decodeSeries(rows: WriteRequestV2Rows, end: number): void {
    const s = rows.beginSeries();
    let refs = 0;
    let name = '';
    let samples = 0;
    let exemplars = 0;
    let histograms = 0;
    let metricName = '';
    let metaStart = -1;
    let metaEnd = -1;
    while (this.pos < end) {
      this.mid = '';
      this.leaf = '';
      const at = this.pos;
      const tag = this.readTag(end);
      if (tag === TAG_TS_LABELS_PACKED || tag === TAG_TS_LABELS_ONE) {
        // Packed (one length-delimited run) or, as proto3 also allows, one varint per field.
        const packed = tag === TAG_TS_LABELS_PACKED;
        const packedLen = packed ? this.readLength(end) : 0;
        const stop = packed ? this.pos + packedLen : end;
        let first = true;
        while (packed ? this.pos < stop : first) {
          first = false;
          this.mid = 'labels_refs';
          this.midIdx = refs;
          const str = this.symbol(stop);
          if ((refs & 1) === 0) {
            name = str;
            if (refs >> 1 >= this.opts.maxLabelsPerSeries) {
              const limit = this.opts.maxLabelsPerSeries;
              throw this.fail(at, `more than ${limit} labels`, 'maxLabelsPerSeries');
            }
          } else {
            rows.addLabel(name, str);
            if (name === '__name__') metricName = str;
          }
          refs++;
        }
      } else if (tag === TAG_TS_SAMPLE) {
        this.mid = 'samples';
        this.midIdx = samples++;
        const len = this.readLength(end);
        this.decodeSample(rows, this.pos + len);
      } else if (tag === TAG_TS_METADATA) {
        this.mid = 'metadata';
        this.midIdx = -1;
        const len = this.readLength(end);
        metaStart = this.pos;
        metaEnd = metaStart + len;
        this.pos = metaEnd;
      } else if (tag === TAG_TS_EXEMPLAR || tag === TAG_TS_HISTOGRAM) {
        if (tag === TAG_TS_EXEMPLAR) exemplars++;
        else histograms++;
        const len = this.readLength(end);
        this.pos += len;
      } else {
        this.skipField(tag, at, end, SERIES_FIELDS);
      }
    }
    if ((refs & 1) !== 0) {
      this.mid = 'labels_refs';
      this.midIdx = refs - 1;
      throw this.fail(end, `odd number of label references (${refs})`);
    }
    if (metaStart >= 0) this.decodeMetadata(rows, metaStart, metaEnd, metricName);
    rows.exemplarCounts[s] = exemplars;
    rows.histogramCounts[s] = histograms;
    rows.exemplarCount += exemplars;
    rows.histogramCount += histograms;
    rows.endSeries();
  }

  private decodeSample(rows: WriteRequestV2Rows, end: number): void {
    const n = rows.sampleCount;
    if (n >= rows.timestamps.length) rows.growSamples(n + 1);
    let ts = 0;
    let start = 0;
    rows.values[n] = 0;
    while (this.pos < end) {
      this.leaf = '';
      const at = this.pos;
      const tag = this.readTag(end);
      if (tag === TAG_SAMPLE_VALUE) {
        this.leaf = 'value';
        this.readDoubleInto(end, rows.values, n);
      } else if (tag === TAG_SAMPLE_TIMESTAMP) {
        this.leaf = 'timestamp';
        ts = this.readInt64(end);
      } else if (tag === TAG_SAMPLE_START) {
        this.leaf = 'start_timestamp';
        start = this.readInt64(end);
      } else {
        this.skipField(tag, at, end, SAMPLE_FIELDS);
      }
    }
    rows.timestamps[n] = ts;
    rows.startTimestamps[n] = start;
    rows.sampleCount = n + 1;
  }

  /** Decodes the series' metadata in `[start, end)`, once its labels (and name) are known. */
  private decodeMetadata(
    rows: WriteRequestV2Rows,
    start: number,
    end: number,
    metricName: string,
  ): void {
    const saved = this.pos;
    this.pos = start;
    this.mid = 'metadata';
    this.midIdx = -1;
    let code = 0;
    let help = '';
    let unit = '';
    while (this.pos < end) {
      this.leaf = '';
      const fieldAt = this.pos;
      const tag = this.readTag(end);
      if (tag === TAG_META_TYPE) {
        this.leaf = 'type';
        const v = this.readInt64(end);
        code = v >= 0 && v <= 255 ? v : 0;
      } else if (tag === TAG_META_HELP) {
        this.leaf = 'help_ref';
        help = this.symbol(end);
      } else if (tag === TAG_META_UNIT) {
        this.leaf = 'unit_ref';
        unit = this.symbol(end);
      } else {
        this.skipField(tag, fieldAt, end, META_FIELDS);
      }
    }
    this.pos = saved;
    if (code !== 0 || help !== '' || unit !== '')
      rows.addMetadataCode(code, metricName, help, unit);
  }
}
