import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signV4 } from './sigv4.js';
import { snsCredentials, truncateBytes } from './sns.js';
import { NOW, piAlert, RecordingSink, sendOne } from './testkit.js';

const sink = new RecordingSink();
before(() => sink.start());
after(() => {
  sink.close();
});

function receivers(extra: string): string {
  return `    sns_configs:
      - api_url: '${sink.base}/sns'
        sigv4: {region: eu-west-1, access_key: AKID, secret_key: SECRET}
        attributes: {severity: '{{ .CommonLabels.severity }}'}
${extra}`;
}

describe('SNS', () => {
  it('publishes a signed form to the topic with subject, message and attributes', async () => {
    const r = await sendOne(
      sink,
      receivers(`        topic_arn: 'arn:aws:sns:eu-west-1:123456789012:ops'\n`),
      'sns',
      piAlert(false),
    );
    assert.equal(r.method, 'POST');
    assert.equal(r.url, '/sns');
    assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded; charset=utf-8');
    assert.equal(r.headers['x-amz-date'], '20240304T100000Z');
    const f = new URLSearchParams(r.text);
    assert.equal(f.get('Action'), 'Publish');
    assert.equal(f.get('Version'), '2010-03-31');
    assert.equal(f.get('TopicArn'), 'arn:aws:sns:eu-west-1:123456789012:ops');
    assert.equal(f.get('Subject'), '[FIRING:1] Down (pi critical)');
    assert.match(
      f.get('Message') ?? '',
      /^pi is down\nAlerts Firing:\nDown \[critical\]: pi is down/,
    );
    assert.equal(f.get('MessageAttributes.entry.1.Name'), 'severity');
    assert.equal(f.get('MessageAttributes.entry.1.Value.DataType'), 'String');
    assert.equal(f.get('MessageAttributes.entry.1.Value.StringValue'), 'critical');
    // The signature covers exactly what was sent.
    const host = typeof r.headers.host === 'string' ? r.headers.host : '';
    const expected = signV4(
      {
        method: 'POST',
        url: `${sink.base}/sns`,
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          host,
          'x-amz-date': '20240304T100000Z',
        },
        body: r.text,
        region: 'eu-west-1',
        service: 'sns',
        date: new Date(NOW),
      },
      { accessKeyId: 'AKID', secretAccessKey: 'SECRET', sessionToken: '' },
    );
    assert.equal(r.headers['authorization'], expected.authorization);
    assert.match(
      expected.authorization,
      /^AWS4-HMAC-SHA256 Credential=AKID\/20240304\/eu-west-1\/sns\/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
  });
  it('cuts SMS messages to 1600 bytes and marks them truncated', async () => {
    const r = await sendOne(
      sink,
      receivers(`        phone_number: '+15550100'\n        message: '${'ab'.repeat(900)}'\n`),
      'sns',
      piAlert(false),
    );
    const f = new URLSearchParams(r.text);
    assert.equal(f.get('PhoneNumber'), '+15550100');
    assert.equal(f.get('Message'), 'ab'.repeat(800));
    assert.equal(f.get('MessageAttributes.entry.2.Name'), 'truncated');
    assert.equal(f.get('MessageAttributes.entry.2.Value.StringValue'), 'true');
  });
  it('sets group and deduplication ids for FIFO topics', async () => {
    const r = await sendOne(
      sink,
      receivers(`        topic_arn: 'arn:aws:sns:eu-west-1:1:ops.fifo'\n`),
      'sns',
      piAlert(true),
    );
    const f = new URLSearchParams(r.text);
    assert.match(f.get('MessageGroupId') ?? '', /^[0-9a-f]{64}$/);
    assert.equal(f.get('MessageDeduplicationId'), f.get('MessageGroupId'));
  });
  it('cuts long messages on a UTF-8 boundary', () => {
    assert.deepEqual(truncateBytes('ééé', 5), { text: 'éé', cut: true });
    assert.deepEqual(truncateBytes('abc', 3), { text: 'abc', cut: false });
  });
  it('reads credentials from the environment and rejects role_arn', async () => {
    const c = await snsCredentials(
      {},
      { AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'S', AWS_SESSION_TOKEN: 'T' },
    );
    assert.deepEqual(c, { accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T' });
    await assert.rejects(snsCredentials({ role_arn: 'arn:aws:iam::1:role/x' }, {}), /role_arn/);
    await assert.rejects(snsCredentials({}, {}), /no credentials/);
  });
});
