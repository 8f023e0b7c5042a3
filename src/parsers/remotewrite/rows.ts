/**
 * Metric types carried by remote-write metadata, indexed by their protobuf enum number
 * (`prometheus.MetricMetadata.MetricType`).
 */
export const METRIC_METADATA_TYPES = [
  'unknown',
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
] as const;

/** A metric type carried by remote-write metadata. */
export type MetricMetadataType = (typeof METRIC_METADATA_TYPES)[number];

/** Returns the metadata type for a protobuf enum number; unknown numbers map to `unknown`. */
export function metadataTypeFromCode(code: number): MetricMetadataType {
  return METRIC_METADATA_TYPES[code] ?? 'unknown';
}

/** Returns the protobuf enum number of a metadata type. */
export function metadataTypeCode(type: MetricMetadataType): number {
  return METRIC_METADATA_TYPES.indexOf(type);
}

const INITIAL_SERIES = 64;
const INITIAL_SAMPLES = 256;

/**
 * The decoded content of one remote-write request in columnar form, reused across requests.
 *
 * Nothing is allocated per sample or per label: label strings go into one flat array, samples
 * into two `Float64Array`s, and series are ranges into both. Series `i` owns label pairs
 * `[labelOffsets[i], labelOffsets[i + 1])` (pair `p` is `labels[2p]` = name, `labels[2p + 1]` =
 * value, in wire order, not validated or sorted) and samples `[sampleOffsets[i],
 * sampleOffsets[i + 1])` of `timestamps` (integer milliseconds) and `values`.
 *
 * Lifetime: the contents are valid until the next `reset()` (the decoder calls it at the start of
 * every request); typed arrays may be replaced by bigger ones when they grow, so re-read the
 * fields after each decode instead of keeping references. Not safe to share between concurrent
 * decodes; the owner is the code that calls the decoder. Consumers treat every field as
 * read-only.
 */
export class WriteRequestRows {
  /** The number of series. */
  seriesCount = 0;
  /** Label-pair ranges per series; length ≥ `seriesCount + 1`, `labelOffsets[0] = 0`. */
  labelOffsets: Int32Array = new Int32Array(INITIAL_SERIES + 1);
  /** Sample ranges per series; length ≥ `seriesCount + 1`, `sampleOffsets[0] = 0`. */
  sampleOffsets: Int32Array = new Int32Array(INITIAL_SERIES + 1);
  /** Exemplars seen (and skipped) per series. */
  exemplarCounts: Int32Array = new Int32Array(INITIAL_SERIES);
  /** Native histogram samples seen (and skipped) per series. */
  histogramCounts: Int32Array = new Int32Array(INITIAL_SERIES);
  /** Flat label strings: `[name, value, name, value, …]`; entries past `2 * labelPairCount` are stale. */
  readonly labels: string[] = [];
  /** Per series, the decoder's array holding exactly its label pairs (see `noteSharedLabels`). */
  readonly sharedLabels: (readonly string[] | undefined)[] = [];
  /** The number of label pairs over all series. */
  labelPairCount = 0;
  /** The number of samples over all series. */
  sampleCount = 0;
  /** Sample timestamps in milliseconds since the epoch. */
  timestamps: Float64Array = new Float64Array(INITIAL_SAMPLES);
  /** Sample values (staleness markers keep their bit pattern). */
  values: Float64Array = new Float64Array(INITIAL_SAMPLES);
  /** The number of exemplars over all series. */
  exemplarCount = 0;
  /** The number of native histogram samples over all series (not decoded; report or reject). */
  histogramCount = 0;
  /** The number of metadata entries. */
  metadataCount = 0;
  /** Metadata type codes (see `METRIC_METADATA_TYPES`), one per entry. */
  metadataTypes: Uint8Array = new Uint8Array(16);
  /** Metric family names, one per metadata entry. */
  readonly metadataFamilyNames: string[] = [];
  /** Help texts, one per metadata entry. */
  readonly metadataHelps: string[] = [];
  /** Units, one per metadata entry. */
  readonly metadataUnits: string[] = [];

  /** Empties the rows, keeping the allocated arrays for the next request. */
  reset(): void {
    this.seriesCount = 0;
    this.labelPairCount = 0;
    this.sampleCount = 0;
    this.exemplarCount = 0;
    this.histogramCount = 0;
    this.metadataCount = 0;
  }

  /** Starts a new series; add its labels and samples, then call `endSeries()`. Returns its index. */
  beginSeries(): number {
    const i = this.seriesCount;
    if (i + 2 > this.labelOffsets.length) this.growSeries(i + 2);
    this.labelOffsets[i] = this.labelPairCount;
    this.sampleOffsets[i] = this.sampleCount;
    this.exemplarCounts[i] = 0;
    this.histogramCounts[i] = 0;
    this.sharedLabels[i] = undefined;
    return i;
  }

  /**
   * Notes that the labels just added to the current series are the pairs of `labels`, an array
   * the decoder keeps (its label-run cache), so callers can keep that array instead of copying.
   */
  noteSharedLabels(labels: readonly string[]): void {
    const i = this.seriesCount;
    this.sharedLabels[i] =
      this.labelPairCount * 2 - labels.length === (this.labelOffsets[i] ?? -1) * 2
        ? labels
        : undefined;
  }

  /** Ends the series started by `beginSeries()`. */
  endSeries(): void {
    const s = this.seriesCount;
    const shared = this.sharedLabels[s];
    if (
      shared !== undefined &&
      (this.labelPairCount - (this.labelOffsets[s] ?? 0)) * 2 !== shared.length
    ) {
      this.sharedLabels[s] = undefined;
    }
    const i = ++this.seriesCount;
    this.labelOffsets[i] = this.labelPairCount;
    this.sampleOffsets[i] = this.sampleCount;
  }

  /** Adds a label pair to the current series. */
  addLabel(name: string, value: string): void {
    const p = this.labelPairCount++ * 2;
    this.labels[p] = name;
    this.labels[p + 1] = value;
  }

  /** Adds a sample to the current series. */
  addSample(timestampMs: number, value: number): void {
    const n = this.sampleCount;
    if (n >= this.timestamps.length) this.growSamples(n + 1);
    this.timestamps[n] = timestampMs;
    this.values[n] = value;
    this.sampleCount = n + 1;
  }

  /** Adds a metadata entry. */
  addMetadata(type: MetricMetadataType, familyName: string, help: string, unit: string): void {
    this.addMetadataCode(metadataTypeCode(type), familyName, help, unit);
  }

  /** Adds a metadata entry given its protobuf type code. */
  addMetadataCode(code: number, familyName: string, help: string, unit: string): void {
    const m = this.metadataCount++;
    if (m >= this.metadataTypes.length) {
      const t = new Uint8Array(this.metadataTypes.length * 2);
      t.set(this.metadataTypes);
      this.metadataTypes = t;
    }
    this.metadataTypes[m] = code > 255 ? 0 : code;
    this.metadataFamilyNames[m] = familyName;
    this.metadataHelps[m] = help;
    this.metadataUnits[m] = unit;
  }

  /** The metadata type of entry `m`. */
  metadataType(m: number): MetricMetadataType {
    return metadataTypeFromCode(this.metadataTypes[m] ?? 0);
  }

  /**
   * The label pairs of series `i` as an array the decoder keeps and never changes (flat
   * `[name, value, …]`), when it has one; else `seriesLabels(i)` makes a copy.
   */
  stableSeriesLabels(i: number): readonly string[] {
    return this.sharedLabels[i] ?? this.seriesLabels(i);
  }

  /** Copies the label pairs of series `i` into a new flat `[name, value, …]` array. */
  seriesLabels(i: number): string[] {
    const from = (this.labelOffsets[i] ?? 0) * 2;
    const to = (this.labelOffsets[i + 1] ?? 0) * 2;
    return this.labels.slice(from, to);
  }

  /** Makes room for at least `n` samples in total, keeping the existing ones. */
  growSamples(n: number): void {
    let cap = this.timestamps.length;
    while (cap < n) cap *= 2;
    const ts = new Float64Array(cap);
    ts.set(this.timestamps.subarray(0, this.sampleCount));
    this.timestamps = ts;
    // Copy values as raw bytes so that NaN payloads (staleness markers) survive.
    const vs = new Float64Array(cap);
    new Uint8Array(vs.buffer).set(new Uint8Array(this.values.buffer, 0, this.sampleCount * 8));
    this.values = vs;
  }

  private growSeries(n: number): void {
    let cap = this.labelOffsets.length;
    while (cap < n) cap *= 2;
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.labelOffsets = grow(this.labelOffsets);
    this.sampleOffsets = grow(this.sampleOffsets);
    this.exemplarCounts = grow(this.exemplarCounts);
    this.histogramCounts = grow(this.histogramCounts);
  }
}

/**
 * Rows of a remote write 2.0 request: the 1.0 rows plus each sample's start (created) timestamp.
 * Per-series metadata becomes metadata entries named after the series' `__name__`.
 */
export class WriteRequestV2Rows extends WriteRequestRows {
  /** Start timestamps per sample, ms; 0 means not set (as on the wire). */
  startTimestamps: Float64Array = new Float64Array(INITIAL_SAMPLES);

  override growSamples(n: number): void {
    super.growSamples(n);
    if (this.startTimestamps.length < this.timestamps.length) {
      const st = new Float64Array(this.timestamps.length);
      st.set(this.startTimestamps.subarray(0, this.sampleCount));
      this.startTimestamps = st;
    }
  }
}
