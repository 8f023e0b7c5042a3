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
