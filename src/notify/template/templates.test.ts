import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PEER_SKIP, PEER_SUITES } from '../../../test/support/paths.js';
import { Labels } from '../../model/index.js';
import type { Alert } from '../alerts/alert.js';
import { templateData } from './data.js';
import { NotificationTemplates } from './templates.js';

const NOW = Date.parse('2024-03-04T10:00:00Z');

function alert(
  labels: Record<string, string>,
  annotations: Record<string, string>,
  resolved = false,
): Alert {
  return {
    labels: Labels.fromRecord(labels),
    annotations,
    startsAtMs: NOW - 60_000,
    endsAtMs: resolved ? NOW - 1000 : NOW + 60_000,
    generatorURL: 'http://prom/graph',
    updatedAtMs: NOW,
    timeout: false,
  };
}

const data = templateData(
  'team-X',
  Labels.fromRecord({ alertname: 'Down' }),
  [
    alert(
      { alertname: 'Down', instance: 'a', job: 'api' },
      { summary: 'a is down', runbook_url: 'http://rb' },
    ),
    alert({ alertname: 'Down', instance: 'b', job: 'api' }, { summary: 'b is down' }, true),
  ],
  'http://am.example',
  NOW,
);

describe('template data', () => {
  it('has Alertmanager fields and methods', () => {
    const t = new NotificationTemplates([], false);
    assert.equal(
      t.render(
        '{{ .Status }} {{ .Alerts | len }} {{ .Alerts.Firing | len }} {{ .Alerts.Resolved | len }}',
        data,
      ),
      'firing 2 1 1',
    );
    assert.equal(
      t.render('{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }};{{ end }}', data),
      'alertname=Down;job=api;',
    );
    assert.equal(
      t.render(
        '{{ .CommonAnnotations }}|{{ index .GroupLabels "alertname" }}|{{ .ExternalURL }}',
        data,
      ),
      'map[]|Down|http://am.example',
    );
    assert.equal(
      t.render(
        '{{ with .CommonLabels.Remove .GroupLabels.Names }}{{ .Values | join "," }}{{ end }}',
        data,
      ),
      'api',
    );
    assert.equal(t.render('{{ (index .Alerts 0).Fingerprint }}', data).length, 16);
  });
  it('renders the built-in defaults', () => {
    const t = new NotificationTemplates();
    assert.equal(t.execute('slack.default.title', data), '[FIRING:1] Down (api)');
    assert.equal(t.execute('__alertmanagerURL', data), 'http://am.example/alerts?receiver=team-X');
    assert.match(
      t.execute('email.default.text', data),
      /Alerts Firing:\nDown: a is down\nFiring since 2024-03-04 09:5\d:00 \+0000 UTC\nLabels:\n - alertname = Down\n - instance = a/,
    );
  });
});

describe(
  'Alertmanager template files (alertmanager-fixtures/template)',
  { skip: PEER_SKIP },
  () => {
    const dir = path.join(PEER_SUITES, 'alertmanager-fixtures');
    const files = ['template/default.tmpl', 'template/email.tmpl', 'examples/webhook/teams.tmpl'];
    const load = (): NotificationTemplates =>
      new NotificationTemplates(
        files.map((f) => ({ name: f, text: readFileSync(path.join(dir, f), 'utf8') })),
        false,
      );
    it('parses', () => {
      assert.ok(load());
    });
    const text = PEER_SKIP ? '' : readFileSync(path.join(dir, 'template/default.tmpl'), 'utf8');
    const names = [...text.matchAll(/define "([^"]+)"/g)].map((m) => m[1] ?? '');
    for (const name of names) {
      it(`executes ${name}`, () => {
        // Templates named __text_alert_list* (and the PagerDuty one that wraps it) take an alert list.
        const arg = /__text_alert_list|pagerduty.default.instances/.test(name) ? data.Alerts : data;
        const out = load().execute(name, arg);
        assert.equal(typeof out, 'string');
      });
    }
    it('renders slack.default.title and the email subject like Alertmanager', () => {
      const t = load();
      assert.equal(t.execute('slack.default.title', data), '[FIRING:1] Down (api)');
      assert.equal(t.execute('email.default.subject', data), '[FIRING:1] Down (api)');
      assert.match(t.execute('email.default.html', data), /a is down/);
    });
  },
);
