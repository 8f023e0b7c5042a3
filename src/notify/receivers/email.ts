import { randomUUID } from 'node:crypto';
import { field, str, type Sender } from './common.js';
import { secret } from './http.js';
import { notificationData } from './payload.js';
import { sendMail } from './smtp.js';

/** Encodes a header value as RFC 2047 when it is not plain ASCII. */
function headerValue(v: string): string {
  return /^[\x20-\x7e]*$/.test(v) ? v : `=?UTF-8?B?${Buffer.from(v).toString('base64')}?=`;
}

function base64Lines(s: string): string {
  return (
    Buffer.from(s)
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');
}

/** Extracts the bare addresses of an address list (`"A" <a@x>, b@y`). */
export function addresses(list: string): string[] {
  return list
    .split(',')
    .map((p) => /<([^>]+)>/.exec(p)?.[1] ?? p.trim())
    .filter((a) => a !== '');
}

/** Email over SMTP: the HTML body and optional text body as multipart/alternative. */
export const email: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const f = (k: string, def: string): string => field(env, data, cfg, k, def);
  const s = cfg.settings;
  const headers: Record<string, string> = {
    From: f('from', ''),
    To: f('to', ''),
    Subject: env.templates.render('{{ template "email.default.subject" . }}', data),
  };
  const custom = s['headers'];
  if (typeof custom === 'object' && custom !== null) {
    for (const [k, v] of Object.entries(custom as Record<string, unknown>)) {
      const canonical = k
        .toLowerCase()
        .replace(/(^|-)([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase());
      headers[canonical] = env.templates.render(str(v), data);
    }
  }
  const html =
    s['html'] === undefined ? f('html', '{{ template "email.default.html" . }}') : f('html', '');
  const text = s['text'] === undefined ? '' : f('text', '');
  const boundary = `kansoku-${randomUUID()}`;
  const parts: string[] = [];
  if (text !== '')
    parts.push(
      `--${boundary}\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(text)}`,
    );
  if (html !== '')
    parts.push(
      `--${boundary}\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(html)}`,
    );
  const head = [
    ...Object.entries(headers).map(([k, v]) => `${k}: ${headerValue(v)}`),
    `Date: ${new Date(ctx.nowMs).toUTCString().replace('GMT', '+0000')}`,
    `Message-Id: <${randomUUID()}@kansoku>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const message = `${head.join('\r\n')}\r\n\r\n${parts.join('\r\n')}\r\n--${boundary}--\r\n`;
  const smarthost = str(s['smarthost']);
  const i = smarthost.lastIndexOf(':');
  const host = smarthost.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(smarthost.slice(i + 1));
  const tls =
    typeof s['tls_config'] === 'object' && s['tls_config'] !== null
      ? (s['tls_config'] as Record<string, unknown>)
      : {};
  await sendMail({
    host,
    port,
    hello: str(s['hello']) || 'localhost',
    from: addresses(headers['From'] ?? '')[0] ?? '',
    to: addresses(headers['To'] ?? ''),
    message,
    username: str(s['auth_username']),
    password: await secret(s['auth_password'], s['auth_password_file']),
    identity: str(s['auth_identity']),
    requireTLS: s['require_tls'] !== false,
    implicitTLS: s['force_implicit_tls'] === true || port === 465,
    insecureSkipVerify: tls['insecure_skip_verify'] === true,
    signal: ctx.signal,
  });
};
