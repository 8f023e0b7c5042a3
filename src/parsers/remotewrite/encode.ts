import { metadataTypeCode, type MetricMetadataType, type WriteRequestRows } from './rows.js';
import { ProtoWriter } from './writer.js';

// Tags (field number << 3 | wire type), as in decode.ts.
const TAG_WRITE_TIMESERIES = (1 << 3) | 2;
const TAG_WRITE_METADATA = (3 << 3) | 2;
const TAG_SERIES_LABEL = (1 << 3) | 2;
const TAG_SERIES_SAMPLE = (2 << 3) | 2;
const TAG_LABEL_NAME = (1 << 3) | 2;
const TAG_LABEL_VALUE = (2 << 3) | 2;
const TAG_SAMPLE_VALUE = (1 << 3) | 1;
const TAG_SAMPLE_TIMESTAMP = (2 << 3) | 0;
const TAG_META_TYPE = (1 << 3) | 0;
const TAG_META_FAMILY = (2 << 3) | 2;
const TAG_META_HELP = (4 << 3) | 2;
const TAG_META_UNIT = (5 << 3) | 2;

/**
 * Encodes Prometheus remote write 1.0 `prometheus.WriteRequest` messages (uncompressed protobuf)
 * into a reused buffer. Fields holding their default value (empty strings, zero numbers) are
 * omitted, as proto3 encoders do.
 *
 * A sender that sends the same series again and again encodes each label set once with
 * `encodeLabels()` and passes the bytes to `addSeriesEncoded()`. Not thread-safe; one owner.
 */
export class WriteRequestEncoder {
  /** The underlying writer (its bytes are the message so far). */
  readonly writer: ProtoWriter;

  constructor(initialBytes = 64 * 1024) {
    this.writer = new ProtoWriter(initialBytes);
  }

  /** Starts a new message. */
  reset(): void {
    this.writer.reset();
  }

  /**
   * Adds a series with labels as a flat `[name, value, …]` array (written in the given order)
   * and samples `[from, to)` of `timestamps` (integer milliseconds) and `values`.
   */
  addSeries(
    labels: readonly string[],
    timestamps: ArrayLike<number>,
    values: ArrayLike<number>,
    from = 0,
    to = timestamps.length,
  ): void {
    const w = this.writer;
    w.uint32(TAG_WRITE_TIMESERIES);
    const mark = w.beginLength();
    writeLabels(w, labels, 0, labels.length);
    this.writeSamples(timestamps, values, from, to);
    w.endLength(mark);
  }

  /** Like `addSeries`, with labels already encoded by `encodeLabels()`. */
  addSeriesEncoded(
    labelBytes: Uint8Array,
    timestamps: ArrayLike<number>,
    values: ArrayLike<number>,
    from = 0,
    to = timestamps.length,
  ): void {
    const w = this.writer;
    w.uint32(TAG_WRITE_TIMESERIES);
    const mark = w.beginLength();
    w.bytes(labelBytes);
    this.writeSamples(timestamps, values, from, to);
    w.endLength(mark);
  }

  /** Adds a series with pre-encoded labels and exactly one sample (the common case). */
  addSingleSample(labelBytes: Uint8Array, timestampMs: number, value: number): void {
    const w = this.writer;
    w.uint32(TAG_WRITE_TIMESERIES);
    const mark = w.beginLength();
    w.bytes(labelBytes);
    writeSample(w, timestampMs, value);
    w.endLength(mark);
  }

  /** Adds a metadata entry. */
  addMetadata(type: MetricMetadataType, familyName: string, help: string, unit: string): void {
    this.addMetadataCode(metadataTypeCode(type), familyName, help, unit);
  }

  /** Adds a metadata entry given its protobuf type code. */
  addMetadataCode(code: number, familyName: string, help: string, unit: string): void {
    const w = this.writer;
    w.uint32(TAG_WRITE_METADATA);
    const mark = w.beginLength();
    if (code !== 0) {
      w.uint32(TAG_META_TYPE);
      w.uint32(code);
    }
    writeStringField(w, TAG_META_FAMILY, familyName);
    writeStringField(w, TAG_META_HELP, help);
    writeStringField(w, TAG_META_UNIT, unit);
    w.endLength(mark);
  }

  /** A copy of the message encoded so far. */
  finish(): Uint8Array {
    return this.writer.finish();
  }

  /** The message encoded so far, as a view valid until the next change (no copy). */
  written(): Uint8Array {
    return this.writer.written();
  }

  private writeSamples(
    timestamps: ArrayLike<number>,
    values: ArrayLike<number>,
    from: number,
    to: number,
  ): void {
    for (let i = from; i < to; i++) writeSample(this.writer, timestamps[i] ?? 0, values[i] ?? 0);
  }
}

function writeSample(w: ProtoWriter, t: number, v: number): void {
  w.uint32(TAG_SERIES_SAMPLE);
  const mark = w.beginLength();
  if (v !== 0 || 1 / v < 0) {
    w.uint32(TAG_SAMPLE_VALUE);
    w.double(v);
  }
  if (t !== 0) {
    w.uint32(TAG_SAMPLE_TIMESTAMP);
    w.int64(t);
  }
  w.endLength(mark);
}

function writeStringField(w: ProtoWriter, tag: number, s: string): void {
  if (s === '') return;
  w.uint32(tag);
  w.string(s);
}

function writeLabels(w: ProtoWriter, labels: readonly string[], from: number, to: number): void {
  for (let i = from; i + 1 < to; i += 2) {
    w.uint32(TAG_SERIES_LABEL);
    const mark = w.beginLength();
    writeStringField(w, TAG_LABEL_NAME, labels[i] ?? '');
    writeStringField(w, TAG_LABEL_VALUE, labels[i + 1] ?? '');
    w.endLength(mark);
  }
}

/**
 * Encodes a flat `[name, value, …]` label array as the repeated `labels` fields of a
 * `TimeSeries`, for `WriteRequestEncoder.addSeriesEncoded()`.
 */
export function encodeLabels(labels: readonly string[]): Uint8Array {
  const w = new ProtoWriter(256);
  writeLabels(w, labels, 0, labels.length);
  return w.finish();
}

/**
 * Encodes decoded rows back into a `WriteRequest` (series in order, then metadata). Exemplar and
 * histogram counts are not encoded: rows do not hold their content.
 */
export function encodeWriteRequest(
  rows: WriteRequestRows,
  encoder: WriteRequestEncoder = new WriteRequestEncoder(),
): Uint8Array {
  encoder.reset();
  const w = encoder.writer;
  for (let s = 0; s < rows.seriesCount; s++) {
    w.uint32(TAG_WRITE_TIMESERIES);
    const mark = w.beginLength();
    writeLabels(
      w,
      rows.labels,
      (rows.labelOffsets[s] ?? 0) * 2,
      (rows.labelOffsets[s + 1] ?? 0) * 2,
    );
    for (let i = rows.sampleOffsets[s] ?? 0; i < (rows.sampleOffsets[s + 1] ?? 0); i++) {
      writeSample(w, rows.timestamps[i] ?? 0, rows.values[i] ?? 0);
    }
    w.endLength(mark);
  }
  for (let m = 0; m < rows.metadataCount; m++) {
    encoder.addMetadataCode(
      rows.metadataTypes[m] ?? 0,
      rows.metadataFamilyNames[m] ?? '',
      rows.metadataHelps[m] ?? '',
      rows.metadataUnits[m] ?? '',
    );
  }
  return encoder.finish();
}
