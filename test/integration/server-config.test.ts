/**
 * End to end: `--config.file` with rule files. Recording rules run, and SIGHUP reloads changed
 * rule files while the server keeps running.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTemp, removeTemp, startKansoku, type KansokuProcess } from './server-harness.js';

interface Answer {
  data: { result: { value: [number, string] }[] };
}

function rules(value: number): string {
  return [
    'groups:',
    '  - name: answers',
    '    rules:',
    '      - record: kansoku_test:answer',
    `        expr: vector(${value})`,
    '      - alert: AnswerKnown',
    '        expr: kansoku_test:answer > 0',
    '        labels: {severity: info}',
    '        annotations: {summary: "the answer is {{ $value }}"}',
    '',
  ].join('\n');
}

describe('kansoku server with a configuration file', () => {
  let tmp = '';
  let k: KansokuProcess;

  before(async () => {
    tmp = await makeTemp();
    await writeFile(path.join(tmp, 'rules.yml'), rules(42));
    await writeFile(
      path.join(tmp, 'kansoku.yml'),
      [
        'global:',
        '  evaluation_interval: 1s',
        'rule_files:',
        '  - rules.yml',
        'scrape_configs: []',
        '',
      ].join('\n'),
    );
    k = await startKansoku(path.join(tmp, 'data'), [
      `--config.file=${path.join(tmp, 'kansoku.yml')}`,
    ]);
  });
  after(async () => {
    if (k.child.exitCode === null) await k.stop();
    await removeTemp(tmp);
  });

  async function waitValue(want: string): Promise<void> {
    const until = Date.now() + 15_000;
    let last = '';
    while (Date.now() < until) {
      const res = await fetch(`${k.base}/api/v1/query?query=kansoku_test:answer`);
      const a = (await res.json()) as Answer;
      last = a.data.result[0]?.value[1] ?? '';
      if (last === want) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.fail(`kansoku_test:answer is ${JSON.stringify(last)}, want ${want}\n${k.stderr()}`);
  }

  it('loads the configuration and evaluates recording rules', async () => {
    assert.match(k.stderr(), /msg="loaded configuration file"/);
    await waitValue('42');
  });

  it('serves the rules and the firing alert', async () => {
    const until = Date.now() + 15_000;
    let alerts: {
      labels: Record<string, string>;
      state: string;
      annotations: Record<string, string>;
    }[] = [];
    while (Date.now() < until) {
      const res = await fetch(`${k.base}/api/v1/alerts`);
      alerts = ((await res.json()) as { data: { alerts: typeof alerts } }).data.alerts;
      if (alerts.length > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.state, 'firing');
    assert.equal(alerts[0]!.labels['alertname'], 'AnswerKnown');
    assert.equal(alerts[0]!.annotations['summary'], 'the answer is 42');
    const res = await fetch(`${k.base}/api/v1/rules?type=record`);
    const groups = (
      (await res.json()) as {
        data: { groups: { name: string; rules: { name: string; type: string }[] }[] };
      }
    ).data.groups;
    assert.deepEqual(
      groups.map((g) => [g.name, g.rules.map((r) => `${r.type}:${r.name}`)]),
      [['answers', ['recording:kansoku_test:answer']]],
    );
    const bad = await fetch(`${k.base}/api/v1/rules?type=nope`);
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
  });

  it('sends firing alerts to the built-in Alertmanager and manages silences', async () => {
    const until = Date.now() + 15_000;
    let alerts: { labels: Record<string, string>; status: { state: string } }[] = [];
    while (Date.now() < until) {
      alerts = (await (await fetch(`${k.base}/api/v2/alerts`)).json()) as typeof alerts;
      if (alerts.length > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(alerts.length, 1, k.stderr());
    assert.equal(alerts[0]!.labels['alertname'], 'AnswerKnown');
    assert.equal(alerts[0]!.status.state, 'active');
    const now = new Date();
    const res = await fetch(`${k.base}/api/v2/silences`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        matchers: [{ name: 'alertname', value: 'AnswerKnown', isRegex: false, isEqual: true }],
        startsAt: now.toISOString(),
        endsAt: new Date(now.getTime() + 3600_000).toISOString(),
        createdBy: 'test',
        comment: 'quiet',
      }),
    });
    assert.equal(res.status, 200);
    const { silenceID } = (await res.json()) as { silenceID: string };
    const got = (await (await fetch(`${k.base}/api/v2/silence/${silenceID}`)).json()) as {
      status: { state: string };
    };
    assert.equal(got.status.state, 'active');
    const missing = await fetch(`${k.base}/api/v2/silence/00000000-0000-0000-0000-000000000000`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
    const status = (await (await fetch(`${k.base}/api/v2/status`)).json()) as {
      cluster: { status: string };
    };
    assert.equal(status.cluster.status, 'disabled');
  });

  it('reloads changed rule files on SIGHUP', async () => {
    await writeFile(path.join(tmp, 'rules.yml'), rules(43));
    k.child.kill('SIGHUP');
    await waitValue('43');
    assert.match(k.stderr(), /msg="configuration reloaded"/);
  });

  it('keeps the running rules when a reload fails', async () => {
    await writeFile(
      path.join(tmp, 'rules.yml'),
      'groups: [ {name: broken, rules: [ {record: "bad name", expr: "1"} ] } ]\n',
    );
    k.child.kill('SIGHUP');
    const until = Date.now() + 5000;
    while (!/cannot reload rule files/.test(k.stderr()) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 50));
    assert.match(k.stderr(), /cannot reload rule files/);
    await waitValue('43');
  });

  it('stops with exit code 0', async () => {
    const { code } = await k.stop('SIGTERM');
    assert.equal(code, 0);
  });
});
