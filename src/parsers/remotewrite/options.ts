import { defaultWireStringsOptions, type WireStringsOptions } from './strings.js';

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
  /**
   * Series label sets (runs of label fields, by their bytes) remembered across requests so that
   * a repeated series costs one comparison instead of decoding its strings; 0 turns it off.
   * Each entry holds a copy of the run's bytes and its strings (about 400 bytes for a typical
   * series), so the default bounds the cache at roughly 25 MB.
   */
  labelRunCacheEntries: number;
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
    labelRunCacheEntries: 65_536,
  };
}
