import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { Engine } from '../promql/index.js';
import { loadRuleFile, runRuleUnitTests } from '../rules/index.js';
import { MemStorage } from '../storage/index.js';
import { SELF_MONITORING_GROUP, registerTsdbMetrics, writeSelfMonitoringRules } from './selfmon.js';

const PROMTOOL = '/usr/bin/promtool';

/** promtool unit tests of the built-in rules: each alert with its exact labels and texts. */
const UNIT_TESTS = `rule_files: [kansoku-self-monitoring.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'up{job="node",instance="pi:9100"}'
        values: '0x10'
      - series: 'up{job="node",instance="vm:9100"}'
        values: '1x10'
    alert_rule_test:
      - eval_time: 4m
        alertname: KansokuTargetDown
        exp_alerts: []
      - eval_time: 6m
        alertname: KansokuTargetDown
        exp_alerts:
          - exp_labels: { severity: warning, kansoku_builtin: "true", job: node, instance: "pi:9100" }
            exp_annotations:
              summary: Target pi:9100 of job node is down.
              description: The last scrapes failed; the Targets page shows the error.
  - interval: 1m
    input_series:
      - series: 'prometheus_tsdb_storage_blocks_bytes{job="kansoku",instance="k:9777"}'
        values: '950x20'
      - series: 'prometheus_tsdb_wal_storage_size_bytes{job="kansoku",instance="k:9777"}'
        values: '0x20'
      - series: 'prometheus_tsdb_retention_limit_bytes{job="kansoku",instance="k:9777"}'
        values: '1000x20'
    alert_rule_test:
      - eval_time: 10m
        alertname: KansokuDiskBudgetNearlyUsed
        exp_alerts: []
      - eval_time: 16m
        alertname: KansokuDiskBudgetNearlyUsed
        exp_alerts:
          - exp_labels: { severity: warning, kansoku_builtin: "true", job: kansoku, instance: "k:9777" }
            exp_annotations:
              summary: Kansoku has used 95% of its disk budget.
              description: >-
                The database on k:9777 holds more than 90% of --storage.tsdb.retention.size; the
                oldest blocks are being deleted before their retention time. Raise the budget or
                lower the retention time.
  - interval: 1m
    input_series:
      - series: 'prometheus_tsdb_storage_blocks_bytes{job="kansoku",instance="k:9777"}'
        values: '950x20'
      - series: 'prometheus_tsdb_wal_storage_size_bytes{job="kansoku",instance="k:9777"}'
        values: '0x20'
      - series: 'prometheus_tsdb_retention_limit_bytes{job="kansoku",instance="k:9777"}'
        values: '0x20'
    alert_rule_test:
      - eval_time: 16m
        alertname: KansokuDiskBudgetNearlyUsed
        exp_alerts: []
  - interval: 1m
    input_series:
      - series: 'kansoku_ingest_rejected_samples_by_reason_total{job="kansoku",instance="k:9777",reason="limit"}'
        values: '0+60x30'
      - series: 'kansoku_ingest_rejected_samples_by_reason_total{job="kansoku",instance="k:9777",reason="invalid"}'
        values: '5x30'
    alert_rule_test:
      - eval_time: 20m
        alertname: KansokuIngestionRejected
        exp_alerts:
          - exp_labels: { severity: warning, kansoku_builtin: "true", instance: "k:9777", reason: limit }
            exp_annotations:
              summary: Kansoku rejects 1 samples/s (limit).
              description: >-
                Pushed samples are refused for reason "limit". The responses to the senders name
                the line and the setting; see /metrics and the server log.
  - interval: 1m
    input_series:
      - series: 'kansoku_tls_certificate_expiry_timestamp_seconds{job="kansoku",instance="k:9777"}'
        values: '864000x90'
    alert_rule_test:
      - eval_time: 61m
        alertname: KansokuCertificateExpiring
        exp_alerts:
          - exp_labels: { severity: warning, kansoku_builtin: "true", job: kansoku, instance: "k:9777" }
            exp_annotations:
              summary: Kansoku's TLS certificate expires in 9d 22h 59m 0s.
              description: >-
                Renew the certificate files (they are reloaded on change) or check why automatic
                renewal fails (server log, ACME self-metrics).
      - eval_time: 61m
        alertname: KansokuCertificateExpiringSoon
        exp_alerts: []
  - interval: 1m
    input_series:
      - series: 'kansoku_remote_write_oldest_pending_age_seconds{job="agent",instance="pi:9778",remote_name="cloud"}'
        values: '0+60x20'
    alert_rule_test:
      - eval_time: 12m
        alertname: KansokuRemoteWriteBehind
        exp_alerts: []
      - eval_time: 17m
        alertname: KansokuRemoteWriteBehind
        exp_alerts:
          - exp_labels: { severity: warning, kansoku_builtin: "true", instance: "pi:9778" }
            exp_annotations:
              summary: Remote write from pi:9778 is 17m 0s behind.
              description: >-
                Samples wait on disk because the receiver is down, slow or refusing them; they are
                kept until the queue's disk budget is used, then the oldest are dropped.
`;

describe('built-in self-monitoring rules', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-selfmon-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = writeSelfMonitoringRules(dir);
  const testFile = path.join(dir, 'rules', 'selfmon.test.yml');
  writeFileSync(testFile, UNIT_TESTS);

  it('are written into <data>/rules and load as one group', () => {
    assert.equal(file, path.join(dir, 'rules', 'kansoku-self-monitoring.yml'));
    const groups = loadRuleFile(file);
    assert.deepEqual(
      groups.map((g) => g.name),
      [SELF_MONITORING_GROUP],
    );
    assert.ok(groups[0]!.rules.length >= 10);
  });

  it('fire with the expected labels and texts (kansoku test rules)', async () => {
    const engine = new Engine();
    const r = await runRuleUnitTests([testFile], {
      engineQuery: (q, expr, t, o) => engine.instantQuery(q, expr, t, o),
      newStorage: () => new MemStorage(),
    });
    assert.ok(r.ok, r.output);
  });

  it('pass promtool check rules and promtool test rules too', (t) => {
    if (!existsSync(PROMTOOL)) {
      t.skip(`${PROMTOOL} not installed`);
      return;
    }
    execFileSync(PROMTOOL, ['check', 'rules', file], { stdio: 'pipe' });
    try {
      execFileSync(PROMTOOL, ['test', 'rules', testFile], { stdio: 'pipe' });
    } catch (err) {
      const e = err as { stdout?: Buffer; stderr?: Buffer };
      assert.fail(`promtool test rules failed:\n${String(e.stdout)}${String(e.stderr)}`);
    }
  });

  it('rewrite the file on every start', () => {
    writeFileSync(file, 'groups: []\n');
    writeSelfMonitoringRules(dir);
    assert.match(readFileSync(file, 'utf8'), /KansokuTargetDown/);
  });
});

describe('registerTsdbMetrics', () => {
  it('exports the database figures with Prometheus names and the data filesystem', async () => {
    const registry = new Registry();
    registerTsdbMetrics(
      registry,
      () => ({
        headSeries: 42,
        headMinTime: 1000,
        headMaxTime: 2000,
        walBytes: 4096,
        blockBytes: 8192,
        blocks: 3,
        retentionBytes: 1 << 20,
        retentionMs: 86_400_000,
        compactionsFailed: 2,
      }),
      tmpdir(),
    );
    const text = await registry.metrics();
    for (const line of [
      'prometheus_tsdb_head_series 42',
      'prometheus_tsdb_head_max_time 2000',
      'prometheus_tsdb_blocks_loaded 3',
      'prometheus_tsdb_storage_blocks_bytes 8192',
      'prometheus_tsdb_wal_storage_size_bytes 4096',
      'prometheus_tsdb_retention_limit_bytes 1048576',
      'prometheus_tsdb_retention_limit_seconds 86400',
      'prometheus_tsdb_compactions_failed_total 2',
    ])
      assert.ok(text.includes(`\n${line}\n`), `missing ${line} in\n${text}`);
    assert.match(text, /\nkansoku_storage_filesystem_size_bytes [1-9]\d*\n/);
    assert.match(text, /\nkansoku_storage_filesystem_avail_bytes \d+\n/);
  });

  it('exports zeros without a local database (remote backend)', async () => {
    const registry = new Registry();
    registerTsdbMetrics(registry, () => undefined, tmpdir());
    const text = await registry.metrics();
    assert.match(text, /\nprometheus_tsdb_head_series 0\n/);
    assert.match(text, /\nprometheus_tsdb_retention_limit_bytes 0\n/);
  });
});
