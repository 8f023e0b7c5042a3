/**
 * Self-monitoring: the embedded database's figures as Prometheus-named self-metrics, the data
 * directory's filesystem, and the built-in alerting rules that watch Kansoku itself (written
 * into the data directory at start and loaded like any rule file).
 */
import { mkdirSync, statfsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { TsdbGauges } from '../tsdb/index.js';

/**
 * Registers `prometheus_tsdb_*` gauges (the names Prometheus' own dashboards use) read from
 * `gauges` at scrape time, and `kansoku_storage_filesystem_*` for the filesystem that holds
 * `dataDir`. Nothing is exported for the database while `gauges` returns undefined.
 */
export function registerTsdbMetrics(
  registry: Registry,
  gauges: () => TsdbGauges | undefined,
  dataDir: string,
): void {
  const gauge = sourceGauge(registry, gauges);
  gauge('prometheus_tsdb_head_series', 'Series in the head.', (g) => g.headSeries);
  gauge(
    'prometheus_tsdb_head_min_time',
    'Smallest timestamp in the head (ms).',
    (g) => g.headMinTime,
  );
  gauge(
    'prometheus_tsdb_head_max_time',
    'Largest timestamp in the head (ms).',
    (g) => g.headMaxTime,
  );
  gauge('prometheus_tsdb_blocks_loaded', 'Persisted blocks loaded.', (g) => g.blocks);
  gauge(
    'prometheus_tsdb_storage_blocks_bytes',
    'Bytes of all persisted blocks on disk.',
    (g) => g.blockBytes,
  );
  gauge(
    'prometheus_tsdb_wal_storage_size_bytes',
    'Bytes of the write-ahead log on disk.',
    (g) => g.walBytes,
  );
  gauge(
    'prometheus_tsdb_retention_limit_bytes',
    'Disk budget of the database (--storage.tsdb.retention.size); 0 when unset.',
    (g) => g.retentionBytes,
  );
  gauge(
    'prometheus_tsdb_retention_limit_seconds',
    'Retention time of the database (--storage.tsdb.retention.time).',
    (g) => g.retentionMs / 1000,
  );
  new Counter({
    name: 'prometheus_tsdb_compactions_failed_total',
    help: 'Background compactions that failed.',
    registers: [registry],
    collect() {
      const g = gauges();
      if (g === undefined) return;
      this.reset();
      this.inc(g.compactionsFailed);
    },
  });
  const fs = sourceGauge(registry, () => statDir(dataDir));
  fs(
    'kansoku_storage_filesystem_size_bytes',
    'Size of the filesystem holding the data directory.',
    (s) => s.size,
  );
  fs(
    'kansoku_storage_filesystem_avail_bytes',
    'Bytes available to Kansoku on the filesystem holding the data directory.',
    (s) => s.avail,
  );
}

/**
 * A maker of gauges read at scrape time from one source: each gauge picks its value from what
 * `source()` returns then, and is left at 0 while the source (or the pick) gives undefined.
 */
export function sourceGauge<T>(
  registry: Registry,
  source: () => T | undefined,
): (name: string, help: string, pick: (v: T) => number | undefined) => void {
  return (name, help, pick) => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        const v = source();
        const n = v === undefined ? undefined : pick(v);
        if (n !== undefined) this.set(n);
      },
    });
  };
}

interface FsFigures {
  readonly size: number;
  readonly avail: number;
}

function statDir(dir: string): FsFigures | undefined {
  try {
    const s = statfsSync(dir);
    return { size: s.blocks * s.bsize, avail: s.bavail * s.bsize };
  } catch {
    return undefined;
  }
}

/** Name of the built-in rule group, as shown by `/api/v1/rules` and the UI. */
export const SELF_MONITORING_GROUP = 'kansoku-self-monitoring';

/**
 * The built-in alerting rules, in Prometheus rule-file syntax. Each watches one way Kansoku can
 * fail quietly; every alert carries `kansoku_builtin="true"` so routes can pick them out.
 */
export const SELF_MONITORING_RULES = `# Written by Kansoku at start (--no-rules.builtin turns it off); edits are overwritten.
groups:
  - name: ${SELF_MONITORING_GROUP}
    interval: 30s
    rules:
      - alert: KansokuDiskBudgetNearlyUsed
        expr: |
          (prometheus_tsdb_storage_blocks_bytes + prometheus_tsdb_wal_storage_size_bytes)
            / (prometheus_tsdb_retention_limit_bytes > 0) > 0.9
        for: 15m
        labels:
          severity: warning
          kansoku_builtin: "true"
        annotations:
          summary: Kansoku has used {{ $value | humanizePercentage }} of its disk budget.
          description: >-
            The database on {{ $labels.instance }} holds more than 90% of
            --storage.tsdb.retention.size; the oldest blocks are being deleted before their
            retention time. Raise the budget or lower the retention time.
      - alert: KansokuFilesystemNearlyFull
        expr: |
          kansoku_storage_filesystem_avail_bytes / kansoku_storage_filesystem_size_bytes < 0.1
        for: 10m
        labels:
          severity: warning
          kansoku_builtin: "true"
        annotations:
          summary: The filesystem of Kansoku's data directory has {{ $value | humanizePercentage }} free.
          description: >-
            Writes fail once the disk is full. Free space, grow the volume, or set
            --storage.tsdb.retention.size below the free space.
      - alert: KansokuWalGrowing
        expr: |
          prometheus_tsdb_wal_storage_size_bytes > 268435456
            and prometheus_tsdb_wal_storage_size_bytes > 1.5 * (prometheus_tsdb_wal_storage_size_bytes offset 4h)
            and min_over_time(prometheus_tsdb_wal_storage_size_bytes[4h]) >= (prometheus_tsdb_wal_storage_size_bytes offset 4h)
        for: 15m
        labels:
          severity: warning
          kansoku_builtin: "true"
        annotations:
          summary: Kansoku's write-ahead log has grown for 4 hours without being truncated.
          description: >-
            The WAL on {{ $labels.instance }} is {{ $value | humanize1024 }}B. Head compaction is
            probably failing (see the log and prometheus_tsdb_compactions_failed_total); restart
            time and disk use grow with it.
      - alert: KansokuCompactionsFailing
        expr: increase(prometheus_tsdb_compactions_failed_total[3h]) > 0
        labels:
          severity: warning
          kansoku_builtin: "true"
        annotations:
          summary: Kansoku's background compaction failed {{ $value | humanize }} times in 3 hours.
          description: Data stays in the head and the WAL; see the server log for the cause.
      - alert: KansokuIngestionRejected
        expr: sum by (instance, reason) (rate(kansoku_ingest_rejected_samples_by_reason_total{reason!="relabeled"}[5m])) > 0
        for: 10m
        labels:
          severity: warning
          kansoku_builtin: "true"
        annotations:
          summary: Kansoku rejects {{ $value | humanize }} samples/s ({{ $labels.reason }}).
          description: >-
            Pushed samples are refused for reason "{{ $labels.reason }}". The responses to the
            senders name the line and the setting; see /metrics and the server log.
      - alert: KansokuRemoteWriteBehind
        expr: |
          max by (instance) (kansoku_remote_write_oldest_pending_age_seconds) > 600
            or max by (instance) (kansoku_remote_storage_oldest_pending_age_seconds) > 600
        for: 5m
        labels:
          severity: warning
          kansoku_builtin: "true"
        annotations:
          summary: Remote write from {{ $labels.instance }} is {{ $value | humanizeDuration }} behind.
          description: >-
            Samples wait on disk because the receiver is down, slow or refusing them; they are
            kept until the queue's disk budget is used, then the oldest are dropped.
      - alert: KansokuRemoteWriteDropping
        expr: |
          sum by (instance) (increase(kansoku_remote_write_dropped_samples_total[15m])) > 0
            or max by (instance) (delta(kansoku_remote_storage_dropped_samples[15m])) > 0
        labels:
          severity: critical
          kansoku_builtin: "true"
        annotations:
          summary: Remote write dropped {{ $value | humanize }} samples in 15 minutes.
          description: The write queue exceeded its disk budget; the oldest samples were dropped.
      - alert: KansokuCertificateExpiring
        expr: kansoku_tls_certificate_expiry_timestamp_seconds - time() < 14 * 86400
        for: 1h
        labels:
          severity: warning
          kansoku_builtin: "true"
        annotations:
          summary: Kansoku's TLS certificate expires in {{ $value | humanizeDuration }}.
          description: >-
            Renew the certificate files (they are reloaded on change) or check why automatic
            renewal fails (server log, ACME self-metrics).
      - alert: KansokuCertificateExpiringSoon
        expr: kansoku_tls_certificate_expiry_timestamp_seconds - time() < 3 * 86400
        labels:
          severity: critical
          kansoku_builtin: "true"
        annotations:
          summary: Kansoku's TLS certificate expires in {{ $value | humanizeDuration }}.
          description: Browsers and clients will refuse the connection once it has expired.
      - alert: KansokuTargetDown
        expr: up == 0
        for: 5m
        labels:
          severity: warning
          kansoku_builtin: "true"
        annotations:
          summary: Target {{ $labels.instance }} of job {{ $labels.job }} is down.
          description: The last scrapes failed; the Targets page shows the error.
      - alert: KansokuRuleEvaluationFailing
        expr: kansoku_rule_group_failed_rules > 0
        for: 10m
        labels:
          severity: warning
          kansoku_builtin: "true"
        annotations:
          summary: "{{ $value }} rules of group {{ $labels.rule_group }} fail to evaluate."
          description: The Alerts page shows each rule's last error.
      - alert: KansokuNotificationsFailing
        expr: sum by (instance, integration) (rate(alertmanager_notifications_failed_total[10m])) > 0
        for: 10m
        labels:
          severity: critical
          kansoku_builtin: "true"
        annotations:
          summary: Notifications through {{ $labels.integration }} are failing.
          description: Alerts may not reach anyone; the alert history shows the failed deliveries.
`;

/** Writes the built-in rule file into `<dataDir>/rules/` and returns its path. */
export function writeSelfMonitoringRules(dataDir: string): string {
  const dir = path.resolve(dataDir, 'rules');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'kansoku-self-monitoring.yml');
  writeFileSync(file, SELF_MONITORING_RULES);
  return file;
}
