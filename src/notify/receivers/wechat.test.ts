import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { parseAlertmanagerConfig } from '../config/index.js';
import type { GroupContext } from '../dispatch/group.js';
import { buildRouteTree } from '../dispatch/route.js';
import { NotifyError } from '../pipeline/pipeline.js';
import { NotificationTemplates } from '../template/templates.js';
import { buildIntegrations } from './integrations.js';
import { NOW, RecordingSink, piAlert } from './testkit.js';
import { clearWechatTokens } from './wechat.js';

let answers: { status: number; body: unknown }[] = [];
let tokenCount = 0;
const sink = new RecordingSink((r) => {
  if (r.url.startsWith('/cgi-bin/gettoken')) {
    tokenCount++;
    return { status: 200, body: { errcode: 0, access_token: `tok${tokenCount}` } };
  }
  return answers.shift() ?? { status: 200, body: { errcode: 0, errmsg: 'ok' } };
});
const got = sink.got;
let base = '';

before(async () => {
  await sink.start();
  base = sink.base;
});
after(() => {
  sink.close();
});
beforeEach(() => {
  got.length = 0;
  answers = [];
  tokenCount = 0;
  clearWechatTokens();
});

async function send(extra = '', resolved = false): Promise<void> {
  const cfg = parseAlertmanagerConfig(`route: {receiver: all}
receivers:
  - name: all
    wechat_configs:
      - api_url: '${base}/cgi-bin/'
        corp_id: corp1
        api_secret: sec1
        agent_id: '1000002'
        to_user: '@all'
${extra}`);
  const built = buildIntegrations(cfg, {
    templates: new NotificationTemplates(),
    externalURL: 'http://kansoku:9090',
  });
  const i = built.integrations.get('all')?.[0];
  assert.ok(i);
  assert.equal(i.kind, 'wechat');
  const ctx: GroupContext = {
    groupKey: '{}:{alertname="Down"}',
    route: buildRouteTree(cfg),
    receiver: 'all',
    groupLabels: Labels.fromRecord({ alertname: 'Down' }),
    nowMs: NOW,
    signal: new AbortController().signal,
  };
  await i.send(ctx, [piAlert(resolved)]);
}

describe('WeChat', () => {
  it('fetches a token once and sends a text message', async () => {
    await send();
    await send();
    assert.deepEqual(
      got.map((g) => `${g.method} ${g.url}`),
      [
        'GET /cgi-bin/gettoken?corpid=corp1&corpsecret=sec1',
        'POST /cgi-bin/message/send?access_token=tok1',
        'POST /cgi-bin/message/send?access_token=tok1',
      ],
    );
    const body = JSON.parse(got[1]?.text ?? '') as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), [
      'text',
      'touser',
      'agentid',
      'safe',
      'msgtype',
      'markdown',
    ]);
    assert.equal(body['touser'], '@all');
    assert.equal(body['agentid'], '1000002');
    assert.equal(body['safe'], '0');
    assert.equal(body['msgtype'], 'text');
    assert.deepEqual(body['markdown'], { content: '' });
    const text = (body['text'] as { content: string }).content;
    assert.match(
      text,
      /^\[FIRING:1\] Down \(pi critical\)\npi is down\nAlerts Firing:\nDown \[critical\]: pi is down/,
    );
    assert.match(text, /AlertmanagerUrl:\nhttp:\/\/kansoku:9090\/alerts\?receiver=all$/);
  });
  it('sends Markdown with to_party and to_tag', async () => {
    await send(
      `        message_type: markdown\n        to_party: '2'\n        to_tag: '3'\n        message: '**{{ .Status }}**'\n`,
    );
    const body = JSON.parse(got[1]?.text ?? '') as Record<string, unknown>;
    assert.equal(body['msgtype'], 'markdown');
    assert.deepEqual(body['markdown'], { content: '**firing**' });
    assert.deepEqual(body['text'], { content: '' });
    assert.equal(body['toparty'], '2');
    assert.equal(body['totag'], '3');
  });
  it('refetches the token when WeChat answers 42001', async () => {
    answers = [{ status: 200, body: { errcode: 42001, errmsg: 'access_token expired' } }];
    await send();
    assert.deepEqual(
      got.map((g) => g.url),
      [
        '/cgi-bin/gettoken?corpid=corp1&corpsecret=sec1',
        '/cgi-bin/message/send?access_token=tok1',
        '/cgi-bin/gettoken?corpid=corp1&corpsecret=sec1',
        '/cgi-bin/message/send?access_token=tok2',
      ],
    );
  });
  it('fails for good on other error codes and retryably on 5xx', async () => {
    answers = [{ status: 200, body: { errcode: 81013, errmsg: 'user & party & tag all invalid' } }];
    await assert.rejects(send(), (e: unknown) => {
      assert.ok(e instanceof NotifyError);
      assert.equal(e.retryable, false);
      assert.match(e.message, /errcode 81013: user & party & tag all invalid/);
      return true;
    });
    answers = [{ status: 503, body: {} }];
    await assert.rejects(send(), (e: unknown) => e instanceof NotifyError && e.retryable);
  });
});
