import {
  WriteRequestDecoder,
  WriteRequestRows,
  WriteRequestV2Encoder,
  type SeriesMetadataV2,
} from '../../parsers/index.js';

/**
 * Finds the metadata (type, help, unit) of a metric family by its name, or undefined. Called
 * once per series per request; keep it a map lookup.
 */
export type MetadataLookup = (familyName: string) => SeriesMetadataV2 | undefined;

/** Suffixes that samples add to their family's name (OpenMetrics and histogram/summary series). */
const FAMILY_SUFFIXES = [
  '_total',
  '_bucket',
  '_count',
  '_sum',
  '_created',
  '_info',
  '_gcount',
  '_gsum',
];

/** The metadata of the family that metric `name` belongs to. */
export function metadataOf(lookup: MetadataLookup, name: string): SeriesMetadataV2 | undefined {
  const m = lookup(name);
  if (m) return m;
  for (const s of FAMILY_SUFFIXES)
    if (name.endsWith(s)) {
      const f = lookup(name.slice(0, -s.length));
      if (f) return f;
    }
  return undefined;
}

/**
 * Turns queued remote write 1.0 `WriteRequest` bytes (one or more concatenated messages, as the
 * queue stores them) into one remote write 2.0 `io.prometheus.write.v2.Request`: label strings go
 * into the symbols table once, and each series carries its family's metadata inline when the
 * lookup knows it. Reuses its decoder, rows and encoder; one owner, not re-entrant.
 */
export class V2Transcoder {
  private readonly decoder = new WriteRequestDecoder();
  private readonly rows = new WriteRequestRows();
  private readonly encoder = new WriteRequestV2Encoder();

  /** The 2.0 message for `v1` (a copy the caller owns). */
  transcode(v1: Uint8Array, lookup: MetadataLookup | undefined): Uint8Array {
    const rows = this.decoder.decode(v1, this.rows);
    const enc = this.encoder;
    enc.reset();
    for (let i = 0; i < rows.seriesCount; i++) {
      const labels = rows.seriesLabels(i);
      let metadata: SeriesMetadataV2 | undefined;
      if (lookup) {
        const at = labels.indexOf('__name__');
        const name = at >= 0 && at % 2 === 0 ? labels[at + 1] : undefined;
        if (name !== undefined) metadata = metadataOf(lookup, name);
      }
      enc.addSeries(
        labels,
        rows.timestamps,
        rows.values,
        metadata ? { metadata } : {},
        rows.sampleOffsets[i] ?? 0,
        rows.sampleOffsets[i + 1] ?? 0,
      );
    }
    return enc.finish();
  }
}
