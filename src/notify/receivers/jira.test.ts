import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { parseAlertmanagerConfig } from '../config/index.js';
import type { GroupContext } from '../dispatch/group.js';
import { buildRouteTree } from '../dispatch/route.js';
import { NotifyError } from '../pipeline/pipeline.js';
import { NotificationTemplates } from '../template/templates.js';
import { hashKey } from './common.js';
import { buildIntegrations } from './integrations.js';
import { promDurationMs, searchJQL, searchURL } from './jira.js';
import { NOW, piAlert } from './testkit.js';

interface Got {
  method: string;
  url: string;
  lang: string | undefined;
  body: Record<string, unknown>;
}

const GROUP_KEY = '{}:{alertname="Down"}';
const LABEL = `ALERT{${hashKey(GROUP_KEY)}}`;
const got: Got[] = [];
let issues: unknown[] = [];
let status = 200;
let base = '';
let server: Server | undefined;

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '';
      const text = Buffer.concat(chunks).toString('utf8');
      got.push({
        method: req.method ?? '',
        url,
        lang: req.headers['accept-language'],
        body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
      });
      res.setHeader('content-type', 'application/json');
      res.statusCode = status;
      if (url.endsWith('/search')) res.end(JSON.stringify({ issues }));
      else if (url.endsWith('/transitions') && req.method === 'GET')
        res.end(
          JSON.stringify({
            transitions: [
              { id: '11', name: 'Done' },
              { id: '21', name: 'Reopen' },
            ],
          }),
        );
      else if (req.method === 'POST' && url.endsWith('/issue')) res.end('{"key":"OPS-7"}');
      else {
        res.statusCode = status === 200 ? 204 : status;
        res.end();
      }
    });
  });
  const s = server;
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
});
after(() => server?.close());
beforeEach(() => {
  got.length = 0;
  issues = [];
  status = 200;
});

async function send(resolved: boolean): Promise<void> {
  const cfg = parseAlertmanagerConfig(`route: {receiver: all}
receivers:
  - name: all
    jira_configs:
      - api_url: '${base}/rest/api/2'
        project: OPS
        issue_type: Bug
        labels: [kansoku, '{{ .CommonLabels.instance }}']
        resolve_transition: Done
        reopen_transition: Reopen
        wont_fix_resolution: "Won't Fix"
        reopen_duration: 1h
        fields: {customfield_10001: '{{ .CommonLabels.severity }}', components: [{name: infra}]}
`);
  const built = buildIntegrations(cfg, {
    templates: new NotificationTemplates(),
    externalURL: 'http://kansoku:9090',
  });
  const i = built.integrations.get('all')?.[0];
  assert.ok(i);
  const ctx: GroupContext = {
    groupKey: GROUP_KEY,
    route: buildRouteTree(cfg),
    receiver: 'all',
    groupLabels: Labels.fromRecord({ alertname: 'Down' }),
    nowMs: NOW,
    signal: new AbortController().signal,
  };
  await i.send(ctx, [piAlert(resolved)]);
}

const issue = (category: string): unknown => ({
  key: 'OPS-3',
  fields: { status: { statusCategory: { key: category } } },
});

describe('Jira', () => {
  it('searches by the group label and creates a new issue', async () => {
    await send(false);
    assert.deepEqual(
      got.map((g) => `${g.method} ${g.url}`),
      ['POST /rest/api/2/search', 'POST /rest/api/2/issue'],
    );
    const [search] = got;
    assert.ok(search);
    assert.equal(search.lang, 'en');
    assert.deepEqual(Object.keys(search.body), ['fields', 'jql', 'maxResults']);
    assert.deepEqual(search.body, {
      jql: `resolution != "Won't Fix" and (resolutiondate is EMPTY OR resolutiondate >= -60m) and project="OPS" and labels="${LABEL}" order by status ASC,resolutiondate DESC`,
      maxResults: 2,
      fields: ['status'],
    });
    const fields = got[1]?.body['fields'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(fields), [
      'components',
      'customfield_10001',
      'description',
      'issuetype',
      'labels',
      'priority',
      'project',
      'summary',
    ]);
    assert.deepEqual(fields['project'], { key: 'OPS' });
    assert.deepEqual(fields['issuetype'], { name: 'Bug' });
    assert.equal(fields['summary'], '[FIRING:1] Down (pi critical)');
    assert.deepEqual(fields['labels'], [LABEL, 'kansoku', 'pi'].sort());
    assert.deepEqual(fields['priority'], { name: 'High' });
    assert.equal(fields['customfield_10001'], 'critical');
    assert.deepEqual(fields['components'], [{ name: 'infra' }]);
    assert.match(String(fields['description']), /Down \[critical\]: pi is down/);
  });
  it('updates the open issue and resolves it with the resolve transition', async () => {
    issues = [issue('indeterminate')];
    await send(true);
    assert.deepEqual(
      got.map((g) => `${g.method} ${g.url}`),
      [
        'POST /rest/api/2/search',
        'PUT /rest/api/2/issue/OPS-3',
        'GET /rest/api/2/issue/OPS-3/transitions',
        'POST /rest/api/2/issue/OPS-3/transitions',
      ],
    );
    assert.match(
      String(got[0]?.body['jql']),
      /^resolution != "Won't Fix" and statusCategory != Done and project="OPS"/,
    );
    assert.deepEqual(got[3]?.body, { transition: { id: '11' } });
  });
  it('reopens a recently resolved issue when the group fires again', async () => {
    issues = [issue('done')];
    await send(false);
    assert.equal(got[1]?.method, 'PUT');
    assert.deepEqual(got[3]?.body, { transition: { id: '21' } });
  });
  it('does not open an issue for a resolved group', async () => {
    await send(true);
    assert.deepEqual(
      got.map((g) => g.url),
      ['/rest/api/2/search'],
    );
  });
  it('classifies 5xx and 429 as retryable, 4xx not', async () => {
    status = 503;
    await assert.rejects(send(false), (e: unknown) => e instanceof NotifyError && e.retryable);
    status = 429;
    await assert.rejects(send(false), (e: unknown) => e instanceof NotifyError && e.retryable);
    status = 400;
    await assert.rejects(send(false), (e: unknown) => e instanceof NotifyError && !e.retryable);
  });
  it('picks the search endpoint by API type and host', () => {
    assert.equal(
      searchURL('https://x.atlassian.net/rest/api/2', 'auto'),
      'https://x.atlassian.net/rest/api/3/search/jql',
    );
    assert.equal(
      searchURL('https://x.atlassian.net/rest/api/2', 'datacenter'),
      'https://x.atlassian.net/rest/api/2/search',
    );
    assert.equal(
      searchURL('https://jira.example/rest/api/2/', 'auto'),
      'https://jira.example/rest/api/2/search',
    );
    assert.equal(
      searchJQL({}, 'P', 'h', true),
      'statusCategory != Done and project="P" and labels="ALERT{h}" order by status ASC,resolutiondate DESC',
    );
    assert.equal(promDurationMs('1h30m'), 5_400_000);
    assert.equal(promDurationMs('x'), 0);
  });
});
