/**
 * Amazon SNS: `Publish` to a topic, target or phone number through the AWS Query API, signed
 * with Signature Version 4 (static keys or the standard `AWS_*` environment variables).
 */
import { NotifyError } from '../pipeline/pipeline.js';
import { notificationData } from './payload.js';
import { field, hashKey, str, type Sender } from './common.js';
import { postNotification, secret } from './http.js';
import { amzDate, signV4, type AwsCredentials } from './sigv4.js';

/** SMS messages are cut to this many bytes, other messages to 256 KiB. */
const SMS_MAX_BYTES = 1600;
const MESSAGE_MAX_BYTES = 256 * 1024;

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : {};
}

/** Cuts a string to at most `n` UTF-8 bytes on a character boundary (no marker). */
export function truncateBytes(s: string, n: number): { text: string; cut: boolean } {
  if (Buffer.byteLength(s) <= n) return { text: s, cut: false };
  let out = '';
  let bytes = 0;
  const limit = n;
  for (const ch of s) {
    const b = Buffer.byteLength(ch);
    if (bytes + b > limit) break;
    out += ch;
    bytes += b;
  }
  return { text: out, cut: true };
}

/** The credentials of a `sigv4` block, or of the `AWS_*` environment variables. */
export async function snsCredentials(
  sigv4: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AwsCredentials> {
  const accessKey = str(sigv4['access_key']);
  const secretKey = await secret(sigv4['secret_key'], sigv4['secret_key_file']);
  if (accessKey !== '' && secretKey !== '')
    return { accessKeyId: accessKey, secretAccessKey: secretKey, sessionToken: '' };
  if (str(sigv4['role_arn']) !== '' || str(sigv4['profile']) !== '') {
    throw new NotifyError(
      'cannot sign SNS request: sigv4 profile and role_arn are not supported by Kansoku; set sigv4.access_key and sigv4.secret_key or the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables',
      false,
    );
  }
  const id = env['AWS_ACCESS_KEY_ID'] ?? '';
  const key = env['AWS_SECRET_ACCESS_KEY'] ?? '';
  if (id === '' || key === '') {
    throw new NotifyError(
      'cannot sign SNS request: no credentials; set sigv4.access_key and sigv4.secret_key or the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables',
      false,
    );
  }
  return { accessKeyId: id, secretAccessKey: key, sessionToken: env['AWS_SESSION_TOKEN'] ?? '' };
}

/** The region: `sigv4.region`, else `AWS_REGION` (or `AWS_DEFAULT_REGION`). */
function region(sigv4: Record<string, unknown>): string {
  const r = str(sigv4['region']);
  if (r !== '') return r;
  const e = process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? '';
  if (e !== '') return e;
  throw new NotifyError(
    'cannot send SNS notification: no region; set sigv4.region or AWS_REGION',
    false,
  );
}

/** SNS: a signed `Action=Publish` form POST. */
export const sns: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const s = cfg.settings;
  const sigv4 = obj(s['sigv4']);
  const t = (k: string): string => env.templates.render(str(s[k]), data);
  const topic = t('topic_arn');
  const target = t('target_arn');
  const phone = t('phone_number');
  const form = new URLSearchParams({ Action: 'Publish', Version: '2010-03-31' });
  if (topic !== '') {
    form.set('TopicArn', topic);
    if (topic.endsWith('.fifo')) {
      // FIFO topics need a group and a deduplication id: one per alert group.
      form.set('MessageGroupId', hashKey(ctx.groupKey));
      form.set('MessageDeduplicationId', hashKey(ctx.groupKey));
    }
  }
  if (phone !== '') form.set('PhoneNumber', phone);
  if (target !== '') form.set('TargetArn', target);
  const raw = field(env, data, cfg, 'message', '{{ template "sns.default.message" . }}');
  const { text: message, cut } = truncateBytes(
    raw,
    phone !== '' ? SMS_MAX_BYTES : MESSAGE_MAX_BYTES,
  );
  form.set('Message', message);
  const attributes: [string, string][] = Object.entries(obj(s['attributes'])).map(([k, v]) => [
    env.templates.render(k, data),
    env.templates.render(str(v), data),
  ]);
  if (cut) attributes.push(['truncated', 'true']);
  attributes.forEach(([k, v], i) => {
    const p = `MessageAttributes.entry.${i + 1}`;
    form.set(`${p}.Name`, k);
    form.set(`${p}.Value.DataType`, 'String');
    form.set(`${p}.Value.StringValue`, v);
  });
  const subject = field(env, data, cfg, 'subject', '{{ template "sns.default.subject" . }}');
  if (subject !== '') form.set('Subject', subject);

  const reg = region(sigv4);
  const api = t('api_url');
  const url =
    api === '' ? `https://sns.${reg}.amazonaws.com/` : api.includes('://') ? api : `https://${api}`;
  const creds = await snsCredentials(sigv4);
  const body = form.toString();
  const contentType = 'application/x-www-form-urlencoded; charset=utf-8';
  const date = new Date(ctx.nowMs);
  const headers: Record<string, string> = {
    'content-type': contentType,
    host: new URL(url).host,
    'x-amz-date': amzDate(date),
  };
  if (creds.sessionToken !== '') headers['x-amz-security-token'] = creds.sessionToken;
  const sig = signV4(
    { method: 'POST', url, headers, body, region: reg, service: 'sns', date },
    creds,
  );
  const sent = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'host'));
  await postNotification({
    url,
    body,
    contentType,
    headers: { ...sent, authorization: sig.authorization },
    httpConfig: cfg.httpConfig,
    signal: ctx.signal,
  });
};
