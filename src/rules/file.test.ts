import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RuleFileError } from './errors.js';
import { checkRuleFiles, countRules, loadRuleFile, parseRuleFile } from './file.js';
import { filesUnder, peerDir, promtoolPath, runPromtool } from './testkit.js';

function issues(text: string): string[] {
  try {
    parseRuleFile(text, 'f.yml');
    return [];
  } catch (e) {
    if (e instanceof RuleFileError) return e.lines();
    throw e;
  }
}

describe('checkRuleFiles', () => {
  it('prints promtool-like output', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-check-'));
    try {
      const good = path.join(dir, 'good.yml');
      const bad = path.join(dir, 'bad.yml');
      writeFileSync(good, 'groups:\n- name: g\n  rules:\n  - record: a\n    expr: up\n');
      writeFileSync(bad, 'groups:\n- name: g\n  rules:\n  - record: a\n    expr: up(\n');
      const r = checkRuleFiles([good, bad]);
      assert.equal(r.ok, false);
      assert.ok(
        r.output.startsWith(
          `Checking ${good}\n  SUCCESS: 1 rules found\n\nChecking ${bad}\n  FAILED:\n${bad}: 5:11: group "g", rule 1, "a": could not parse expression`,
        ),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parseRuleFile', () => {
  it('reads groups and rules with their fields', () => {
    const g = parseRuleFile(
      `groups:
  - name: g1
    interval: 30s
    query_offset: 1m
    limit: 3
    labels: {team: a}
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
        labels: {x: "1"}
      - alert: Down
        expr: up == 0
        for: 5m
        keep_firing_for: 1m
        annotations:
          summary: "{{ $labels.job }} is down ({{ $value }})"
`,
      'f.yml',
    );
    assert.equal(g.length, 1);
    const [grp] = g;
    assert.ok(grp);
    assert.equal(grp.intervalMs, 30_000);
    assert.equal(grp.queryOffsetMs, 60_000);
    assert.equal(grp.limit, 3);
    assert.deepEqual([...grp.labels], [['team', 'a']]);
    assert.equal(countRules(g), 2);
    const r1 = grp.rules.at(1);
    assert.ok(r1);
    assert.equal(r1.kind, 'alerting');
    assert.equal(r1.forMs, 300_000);
    assert.equal(r1.keepFiringForMs, 60_000);
    assert.equal(r1.line, 11);
  });

  it('names file, group, rule index and line in errors', () => {
    const lines = issues(`groups:
  - name: g
    rules:
      - record: ok
        expr: up
      - record: r
        expr: sum(
`);
    assert.equal(lines.length, 1);
    assert.match(
      lines[0] ?? '',
      /^f\.yml: 7:15: group "g", rule 2, "r": could not parse expression: /,
    );
  });

  it('rejects what promtool rejects', () => {
    const cases: [string, RegExp][] = [
      ['groups:\n- name: a\n  rules: []\n- name: a\n  rules: []\n', /groupname: "a" is repeated/],
      [
        'groups:\n- name: a\n  rules:\n  - record: x\n    expr: up\n    for: 1m\n',
        /invalid field 'for'/,
      ],
      [
        'groups:\n- name: a\n  rules:\n  - record: x\n    expr: up\n    annotations: {a: b}\n',
        /invalid field 'annotations'/,
      ],
      [
        'groups:\n- name: a\n  rules:\n  - record: x-y\n    expr: up\n',
        /invalid recording rule name: x-y/,
      ],
      [
        'groups:\n- name: a\n  rules:\n  - alert: x\n    expr: up\n    labels: {a-b: c}\n',
        /invalid label name: a-b/,
      ],
      [
        'groups:\n- name: a\n  rules:\n  - alert: x\n    expr: up\n    annotations: {s: "{{ .Foo "}\n',
        /annotation "s": template: __alert_x/,
      ],
      [
        'groups:\n- name: a\n  rules:\n  - alert: x\n    expr: up\n    bogus: 1\n',
        /line 6: field bogus not found in type rulefmt.RuleNode/,
      ],
      ['groups:\n- name: a\n  interval: 5x\n  rules: []\n', /not a valid duration string/],
      ['groups:\n- name: ""\n  rules: []\n', /Groupname must not be empty/],
      ['groups:\n- name: a\n  rules:\n  - expr: up\n', /one of 'record' or 'alert' must be set/],
    ];
    for (const [text, re] of cases) {
      const got = issues(text);
      assert.ok(
        got.some((l) => re.test(l)),
        `${re} not in ${JSON.stringify(got)}`,
      );
    }
  });
});

const PEER = peerDir();
const PROMTOOL = promtoolPath();

describe(
  'rule files: same verdict as promtool check rules',
  { skip: PEER ? false : 'peer-suites folder not found' },
  () => {
    if (!PEER) return;
    const files = [
      ...filesUnder(path.join(PEER, 'rules'), /\.ya?ml$/),
      ...filesUnder(path.join(PEER, 'prometheus-fixtures/model/rulefmt/testdata'), /\.ya?ml$/),
      ...filesUnder(path.join(PEER, 'prometheus-fixtures/rules/fixtures'), /\.ya?ml$/),
      ...filesUnder(path.join(PEER, 'rule-unit-tests'), /^prometheus_.*\.ya?ml$/),
      ...[
        'rules.yml',
        'rules-bad.yml',
        'rules_duplicates.yml',
        'prometheus-rules.lint.yml',
        'bad-rules-syntax.yml',
        'bad-rules-error.yml',
      ].map((f) => path.join(PEER, 'prometheus-fixtures/cmd/promtool/testdata', f)),
    ];
    it(
      `promtool agrees on all ${files.length} files`,
      {
        skip: PROMTOOL ? false : 'promtool not installed: verdicts not compared',
        timeout: 120_000,
      },
      async () => {
        if (!PROMTOOL) return;
        const diffs: string[] = [];
        let ok = 0;
        for (const f of files) {
          let ours = true;
          let msg = '';
          try {
            loadRuleFile(f);
          } catch (e) {
            ours = false;
            msg = (e as Error).message;
          }
          const r = await runPromtool(PROMTOOL, ['check', 'rules', f], PEER, 20_000);
          if ((r.code === 0) === ours) ok++;
          else
            diffs.push(
              `${path.relative(PEER, f)}: ours ${ours ? 'valid' : `invalid (${msg})`}, promtool exit ${r.code}`,
            );
        }
        assert.deepEqual(diffs, []);
        assert.equal(ok, files.length);
      },
    );

    it('EXPECTED.json verdicts (Prometheus 3 name validation where stated)', () => {
      const dir = path.join(PEER, 'prometheus-fixtures/model/rulefmt');
      const exp = JSON.parse(readFileSync(path.join(dir, 'EXPECTED.json'), 'utf8')) as {
        good: { file: string; name_validation_scheme?: string }[];
        bad: { file: string; error_contains: string; name_validation_scheme?: string }[];
      };
      const scheme = (s: string | undefined) => (s === 'LegacyValidation' ? 'legacy' : 'utf8');
      for (const g of exp.good) {
        assert.doesNotThrow(
          () =>
            loadRuleFile(path.join(dir, 'testdata', g.file), {
              nameValidation: scheme(g.name_validation_scheme),
            }),
          g.file,
        );
      }
      for (const b of exp.bad) {
        assert.throws(
          () =>
            loadRuleFile(path.join(dir, 'testdata', b.file), {
              nameValidation: scheme(b.name_validation_scheme),
            }),
          (e: unknown) => e instanceof RuleFileError && e.message.includes(b.error_contains),
          b.file,
        );
      }
    });
  },
);
