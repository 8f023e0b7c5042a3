import { FieldReader, type FieldTable } from './fields.js';
import { LabelRunCache } from './labelruns.js';
import type { DecodeOptions } from './options.js';
import { WriteRequestRows } from './rows.js';

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
export class WriteRequestDecoder extends FieldReader {
  private readonly runs: LabelRunCache | undefined;

  constructor(options: Partial<DecodeOptions> = {}) {
    super(options);
    const n = this.opts.labelRunCacheEntries;
    this.runs = n > 0 ? new LabelRunCache(n) : undefined;
  }

  /** Label-run cache hits and misses since the decoder was made (for benchmarks). */
  labelRunStats(): { hits: number; misses: number } {
    return { hits: this.runs?.hits ?? 0, misses: this.runs?.misses ?? 0 };
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
        if (labels === 0 && this.runs !== undefined) {
          const n = this.cachedLabelRun(rows, at, end);
          if (n > 0) {
            labels = n;
            continue;
          }
        }
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

  /**
   * Handles the run of label fields starting at `at` (whose tag has been read) through the
   * label-run cache: on a hit copies the strings and returns the number of labels; on a miss
   * decodes the run, remembers it, and returns the number of labels; returns 0 (nothing
   * consumed past the tag) when the run is malformed, leaving the errors to the plain path.
   */
  private cachedLabelRun(rows: WriteRequestRows, at: number, end: number): number {
    const runs = this.runs;
    if (runs === undefined) return 0;
    const buf = this.buf;
    let p = at;
    let pairs = 0;
    while (p < end && buf[p] === TAG_SERIES_LABEL) {
      // Inline length varint (at most 5 bytes); anything odd goes to the plain path.
      let len = 0;
      let shift = 0;
      let q = p + 1;
      for (;;) {
        if (q >= end || shift > 28) return 0;
        const b = buf[q++]!;
        len += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) break;
        shift += 7;
      }
      if (len > end - q) return 0;
      p = q + len;
      pairs++;
    }
    if (pairs > this.opts.maxLabelsPerSeries) return 0;
    const h = LabelRunCache.hash(this.view, buf, at, p);
    const hit = runs.get(buf, at, p, h);
    if (hit !== undefined) {
      for (let i = 0; i < hit.length; i += 2) rows.addLabel(hit[i]!, hit[i + 1]!);
      rows.noteSharedLabels(hit);
      this.pos = p;
      return pairs;
    }
    const first = rows.labelPairCount * 2;
    for (let i = 0; i < pairs; i++) {
      this.mid = 'labels';
      this.midIdx = i;
      this.leaf = '';
      if (i > 0) this.readTag(end);
      const len = this.readLength(end);
      this.decodeLabel(rows, this.pos + len);
    }
    const run = rows.labels.slice(first, rows.labelPairCount * 2);
    runs.put(buf, at, p, h, run);
    rows.noteSharedLabels(run);
    return pairs;
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
