/** Self-metrics of remote-write ingestion, registered on an injected prom-client registry. */
import { Counter, type Registry } from 'prom-client';
import { REJECT_REASONS, type IngestResult } from '../../ingest/index.js';

/** Why a remote-write request was rejected. */
export type RejectReason = 'decode' | 'invalid_series' | 'conflict' | 'limit' | 'storage';

/** Counters shared by every push path, by `source` (remote_write, influx, import_json, …). */
export class IngestCounters {
  /** `kansoku_ingest_samples_total{source}`: samples committed to storage. */
  readonly samples: Counter<'source'>;
  /** `kansoku_ingest_rejected_samples_total{source}`: samples of bad lines, not stored. */
  readonly rejectedSamples: Counter<'source'>;
  /**
   * `kansoku_ingest_rejected_samples_by_reason_total{source,reason}`: the same samples by why
   * (`invalid`, `limit`, `conflict`, `out_of_bounds`, `unsupported`, `relabeled`).
   */
  readonly rejectedByReason: Counter<'source' | 'reason'>;

  constructor(registry: Registry) {
    this.samples = new Counter({
      name: 'kansoku_ingest_samples_total',
      help: 'Samples committed to storage, by ingestion path.',
      labelNames: ['source'],
      registers: [registry],
    });
    this.rejectedSamples = new Counter({
      name: 'kansoku_ingest_rejected_samples_total',
      help: 'Samples pushed but not stored because their line or series was invalid, by ingestion path.',
      labelNames: ['source'],
      registers: [registry],
    });
    this.rejectedByReason = new Counter({
      name: 'kansoku_ingest_rejected_samples_by_reason_total',
      help: 'Samples pushed but not stored, by ingestion path and reason (invalid, limit, conflict, out_of_bounds, unsupported, relabeled).',
      labelNames: ['source', 'reason'],
      registers: [registry],
    });
  }

  /** Counts what one request stored and rejected (and why). */
  count(source: string, r: IngestResult): void {
    if (r.accepted > 0) this.samples.inc({ source }, r.accepted);
    if (r.rejected > 0) this.rejectedSamples.inc({ source }, r.rejected);
    for (const reason of REJECT_REASONS) {
      const n = r.rejectedBy[reason];
      if (n > 0) this.rejectedByReason.inc({ source, reason }, n);
    }
  }
}

/** Counters of the remote-write receiver. */
export class RemoteWriteMetrics {
  /** `kansoku_ingest_samples_total{source="remote_write"}`: samples committed to storage. */
  readonly samples: Counter<'source'>;
  /** `kansoku_remote_write_requests_rejected_total{reason}`. */
  readonly rejected: Counter<'reason'>;
  /** `kansoku_remote_write_dropped_total{kind}`: exemplars, native histograms and relabeled-away samples not stored. */
  readonly dropped: Counter<'kind'>;
  /** `kansoku_remote_write_series_cache_total{result}`: series reference cache hits and misses. */
  readonly cache: Counter<'result'>;

  constructor(registry: Registry, counters: IngestCounters) {
    this.samples = counters.samples;
    this.rejected = new Counter({
      name: 'kansoku_remote_write_requests_rejected_total',
      help: 'Remote-write requests rejected as a whole, by reason.',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.dropped = new Counter({
      name: 'kansoku_remote_write_dropped_total',
      help: 'Samples received by remote write but not stored: exemplars and native histograms (not supported yet), and samples of series dropped by relabeling (kind="relabeled").',
      labelNames: ['kind'],
      registers: [registry],
    });
    this.cache = new Counter({
      name: 'kansoku_remote_write_series_cache_total',
      help: 'Lookups in the remote-write series reference cache, by result (hit or miss).',
      labelNames: ['result'],
      registers: [registry],
    });
  }
}
