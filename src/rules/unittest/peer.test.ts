import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { MemStorage } from '../../storage/index.js';
import { loadTestEngine, peerDir, promtoolPath, runPromtool } from '../testkit.js';
import { runRuleUnitTests, type RuleTestDeps, type RuleTestOptions } from './runner.js';

const PEER = peerDir();
const PROMTOOL = promtoolPath();
const SLOW = process.env['KANSOKU_SLOW_TESTS'] === '1';

/** Files whose verdict differs between Prometheus 2.42 (Debian's promtool) and 3.x, and why. */
const DIFFERS_2_42: Record<string, string> = {
  'rule-unit-tests/kubernetes-mixin/tests/tests.yaml':
    '3.x left-open range and lookback windows (changes() counts, alerts firing a minute later)',
  'prometheus-fixtures/cmd/promtool/testdata/no-test-group-interval.yml':
    '2.42 steps input series by 1m instead of the file evaluation_interval',
  'prometheus-fixtures/cmd/promtool/testdata/start-time-test.yml': '2.42 has no start_timestamp',
  'prometheus-fixtures/cmd/promtool/testdata/rules_run_fuzzy.yml': '2.42 has no fuzzy_compare',
};

/** Cases skipped by feature. */
const FEATURE_SKIPS: Record<string, string> = {
  'prometheus-fixtures/cmd/promtool/testdata/unittest.yml': 'native histograms are not supported',
};

interface Case {
  readonly rel: string;
  readonly expectOk: boolean;
  readonly opts: RuleTestOptions;
  readonly label: string;
}

function cases(peer: string): Case[] {
  const out: Case[] = [];
  for (const f of [
    'apps_alerts-test.yaml',
    'kubelet-test.yaml',
    'rules-pod-owner-test.yaml',
    'tests.yaml',
  ]) {
    const rel = `rule-unit-tests/kubernetes-mixin/tests/${f}`;
    out.push({ rel, expectOk: true, opts: {}, label: rel });
  }
  const dir = 'prometheus-fixtures/cmd/promtool';
  const exp = JSON.parse(readFileSync(path.join(peer, dir, 'EXPECTED.json'), 'utf8')) as {
    rule_unit_tests: { file: string; expect_exit: number | null }[];
  };
  for (const t of exp.rule_unit_tests) {
    const rel = `${dir}/testdata/${t.file}`;
    if (t.file === 'rules_run_fuzzy.yml') {
      out.push({ rel, expectOk: true, opts: { run: ['correct'] }, label: `${rel} --run correct` });
      out.push({ rel, expectOk: false, opts: { run: ['wrong'] }, label: `${rel} --run wrong` });
      continue;
    }
    if (t.file === 'rules_run.yml') {
      out.push({ rel, expectOk: true, opts: { run: ['correct'] }, label: `${rel} --run correct` });
      out.push({ rel, expectOk: false, opts: { run: ['wrong'] }, label: `${rel} --run wrong` });
    }
    if (t.file === 'rules_run_extrafields.yml') {
      out.push({ rel, expectOk: false, opts: {}, label: `${rel} (strict)` });
      out.push({
        rel,
        expectOk: true,
        opts: { ignoreUnknownFields: true },
        label: `${rel} --ignore-unknown-fields`,
      });
      continue;
    }
    out.push({ rel, expectOk: t.expect_exit === 0, opts: {}, label: rel });
  }
  return out;
}

describe(
  'rule unit tests: Prometheus 3 verdicts',
  { skip: PEER ? false : 'peer-suites folder not found' },
  async () => {
    if (!PEER) return;
    const engine = await loadTestEngine();
    const deps: RuleTestDeps = {
      engineQuery: (q, e, t, o) => engine.instantQuery(q, e, t, o),
      newStorage: () => new MemStorage(),
    };
    const results = new Map<string, Promise<{ ok: boolean; output: string }>>();
    const run = (c: Case): Promise<{ ok: boolean; output: string }> => {
      let r = results.get(c.label);
      if (!r) {
        r = runRuleUnitTests([path.join(PEER, c.rel)], deps, c.opts);
        results.set(c.label, r);
      }
      return r;
    };
    for (const c of cases(PEER)) {
      const skip =
        FEATURE_SKIPS[c.rel] ??
        (c.rel.endsWith('/tests.yaml') && !SLOW
          ? 'takes ~90 s; set KANSOKU_SLOW_TESTS=1 to run it'
          : undefined);
      it(c.label, { skip: skip ?? false, timeout: 300_000 }, async () => {
        const r = await run(c);
        assert.equal(r.ok, c.expectOk, r.output);
        assert.match(r.output, r.ok ? /\n {2}SUCCESS\n/ : /\n {2}FAILED:\n/);
      });
    }

    it(
      'Debian promtool 2.42 agrees except on the named 2.x/3.x differences',
      {
        skip: PROMTOOL ? false : 'promtool not installed: verdicts not compared',
        timeout: 120_000,
      },
      async () => {
        if (!PROMTOOL) return;
        const diffs: string[] = [];
        let compared = 0;
        for (const c of cases(PEER)) {
          if (
            c.rel.endsWith('/tests.yaml') ||
            FEATURE_SKIPS[c.rel] ||
            c.opts.run ||
            c.opts.ignoreUnknownFields
          )
            continue;
          const ours = await run(c);
          const theirs = await runPromtool(PROMTOOL, ['test', 'rules', c.rel], PEER, 60_000);
          compared++;
          const agree = ours.ok === (theirs.code === 0);
          if (agree === (DIFFERS_2_42[c.rel] !== undefined)) {
            diffs.push(
              `${c.label}: ours ${ours.ok ? 'pass' : 'fail'}, promtool exit ${theirs.code}`,
            );
          }
        }
        assert.deepEqual(diffs, []);
        assert.ok(compared >= 12, `compared ${compared}`);
      },
    );
  },
);
