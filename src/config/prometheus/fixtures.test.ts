import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PEER_SKIP, PEER_SUITES } from '../../../test/support/paths.js';
import { ConfigError, UNSUPPORTED_SD_KEYS, loadPrometheusConfigFile } from './index.js';

const base = path.join(PEER_SUITES, 'prometheus-fixtures', 'config');
const dir = path.join(base, 'testdata');

interface Expected {
  bad: { file: string; error_contains: string | null }[];
  special: Record<string, string>;
}

function expected(): Expected {
  const raw: unknown = JSON.parse(readFileSync(path.join(base, 'EXPECTED.json'), 'utf8'));
  if (typeof raw !== 'object' || raw === null || !('bad' in raw) || !('special' in raw)) {
    throw new Error('EXPECTED.json has an unexpected shape');
  }
  return raw as Expected;
}

/** SD mechanisms whose own validation Kansoku does not implement: their bad files are skipped. */
function unsupportedIn(text: string): string | undefined {
  return UNSUPPORTED_SD_KEYS.find((k) => text.includes(k));
}

function load(file: string, agentMode = false): Error | undefined {
  try {
    loadPrometheusConfigFile(path.join(dir, file), { agentMode });
    return undefined;
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
}

describe('prometheus.yml fixtures (prometheus-fixtures/config)', { skip: PEER_SKIP }, () => {
  const exp = PEER_SKIP ? { bad: [], special: {} } : expected();
  const files = PEER_SKIP ? [] : readdirSync(dir).filter((f) => f.endsWith('.yml'));

  for (const f of files.filter((x) => x.endsWith('.good.yml')).sort()) {
    it(`config/testdata/${f} loads`, () => {
      const err = load(f);
      assert.equal(err, undefined, err?.message);
    });
  }

  for (const b of exp.bad) {
    const text = PEER_SKIP ? '' : readFileSync(path.join(dir, b.file), 'utf8');
    const sd = unsupportedIn(text);
    it(
      `config/testdata/${b.file} is rejected${b.error_contains === null ? '' : ` with "${b.error_contains}"`}`,
      { skip: sd ? `${sd} is not implemented; its own validation is not run` : false },
      () => {
        const err = load(b.file);
        assert.ok(err, 'loaded without error');
        if (b.error_contains === null) return;
        const want = b.error_contains.replace(/^parsing YAML file testdata\/[^:]+: /, '');
        assert.ok(
          err.message.includes(want),
          `error ${JSON.stringify(err.message)} lacks ${JSON.stringify(want)}`,
        );
      },
    );
  }

  const agent: [string, string | undefined][] = [
    ['agent_mode.with_alert_manager.yml', 'field alerting is not allowed in agent mode'],
    ['agent_mode.with_alert_relabels.yml', 'field alerting is not allowed in agent mode'],
    ['agent_mode.with_rule_files.yml', 'field rule_files is not allowed in agent mode'],
    ['agent_mode.with_remote_reads.yml', 'field remote_read is not allowed in agent mode'],
    ['agent_mode.without_remote_writes.yml', undefined],
    ['agent_mode.good.yml', undefined],
  ];
  for (const [f, want] of agent) {
    it(`config/testdata/${f} in agent mode ${want ? 'is rejected' : 'loads'}`, () => {
      const err = load(f, true);
      if (want === undefined) assert.equal(err, undefined, err?.message);
      else assert.ok(err?.message.includes(want), err?.message ?? 'loaded');
      assert.equal(load(f, false), undefined, 'must load outside agent mode');
    });
  }

  const valid = [
    'otlp_empty.yml',
    'scrape_config_default_validation_mode.yml',
    'scrape_config_global_validation_mode.yml',
    'scrape_config_local_validation_mode.yml',
    'scrape_config_local_global_validation_mode.yml',
    'scrape_config_local_infer_escaping.yml',
  ];
  for (const f of valid) {
    it(`config/testdata/${f} loads`, () => {
      const err = load(f);
      assert.equal(err, undefined, err?.message);
    });
  }
  const invalid: [string, string][] = [
    ['otlp_allow_utf8.incompatible.yml', 'is not allowed when UTF8 is disabled'],
    ['otlp_no_translation.incompatible.yml', 'is not allowed when UTF8 is disabled'],
    [
      'config_with_deprecated_am_api_config.yml',
      'expected Alertmanager api version to be one of [v2] but got v1',
    ],
  ];
  for (const [f, want] of invalid) {
    it(`config/testdata/${f} is rejected`, () => {
      const err = load(f);
      assert.ok(err?.message.includes(want), err?.message ?? 'loaded');
    });
  }

  it('conf.good.yml: the reference config reads with its values', () => {
    const cfg = loadPrometheusConfigFile(path.join(dir, 'conf.good.yml'));
    assert.equal(cfg.global.scrapeIntervalMs, 15_000);
    assert.equal(cfg.global.evaluationIntervalMs, 30_000);
    assert.deepEqual(cfg.global.externalLabels.toRecord(), { foo: 'bar', monitor: 'codelab' });
    const prom = cfg.scrapeConfigs.find((s) => s.jobName === 'prometheus');
    assert.ok(prom);
    assert.equal(prom.honorLabels, true);
    assert.equal(prom.scrapeTimeoutMs, 10_000);
    const st = prom.sd.find((s) => s.kind === 'static');
    assert.ok(st?.kind === 'static');
    assert.deepEqual(st.groups[0]?.targets, ['localhost:9090', 'localhost:9191']);
    assert.equal(cfg.remoteWrite.length, 2);
    assert.equal(cfg.remoteWrite[1]?.protobufMessage, 'io.prometheus.write.v2.Request');
    assert.ok(cfg.unsupported.length > 0, 'unsupported SD sections are reported by name');
  });
});
