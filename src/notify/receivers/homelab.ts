/**
 * The home-lab receivers: ntfy, Gotify and Matrix (Kansoku extensions of `alertmanager.yml`),
 * and Pushover (as Alertmanager sends it).
 */
import { randomUUID } from 'node:crypto';
import { durationMs, field, str, truncate, type Sender } from './common.js';
import { postNotification, secret } from './http.js';
import { notificationData } from './payload.js';

/** Joins a base URL and a path without doubling or dropping the slash. */
function join(base: string, p: string): string {
  return `${base.replace(/\/+$/, '')}/${p.replace(/^\/+/, '')}`;
}

/** A priority setting rendered as a number, or `def` when unset or not a number. */
function priority(rendered: string, def: number): number {
  const n = Number.parseInt(rendered.trim(), 10);
  return Number.isFinite(n) ? n : def;
}

/**
 * ntfy: a JSON publish to the server's root URL (`{topic, title, message, priority, tags,
 * click}`), with a bearer token when set. Firing notifications default to priority 4 (high)
 * and the `rotating_light` tag, resolved ones to priority 3 and `white_check_mark`.
 */
export const ntfy: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const f = (k: string, def: string): string => field(env, data, cfg, k, def);
  const firing = data.Status === 'firing';
  const tags = Array.isArray(cfg.settings['tags'])
    ? (cfg.settings['tags'] as unknown[]).map((t) => env.templates.render(str(t), data))
    : [firing ? 'rotating_light' : 'white_check_mark'];
  const body: Record<string, unknown> = {
    topic: f('topic', ''),
    title: truncate(f('title', '{{ template "ntfy.default.title" . }}'), 250),
    message: truncate(f('message', '{{ template "ntfy.default.message" . }}'), 4096),
    priority: priority(f('priority', ''), firing ? 4 : 3),
    tags,
    click: f('click', '{{ .ExternalURL }}/alerts'),
  };
  if (cfg.settings['markdown'] === true) body['markdown'] = true;
  const token = await secret(cfg.settings['token'], cfg.settings['token_file']);
  await postNotification({
    url: str(cfg.settings['url']),
    body: JSON.stringify(body),
    httpConfig: cfg.httpConfig,
    signal: ctx.signal,
    ...(token === '' ? {} : { headers: { authorization: `Bearer ${token}` } }),
  });
};

/**
 * Gotify: `POST <url>/message` with the application token in `X-Gotify-Key` and a JSON body
 * `{title, message, priority, extras}`. Firing defaults to priority 8, resolved to 2.
 */
export const gotify: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const f = (k: string, def: string): string => field(env, data, cfg, k, def);
  const firing = data.Status === 'firing';
  const body: Record<string, unknown> = {
    title: f('title', '{{ template "gotify.default.title" . }}'),
    message: f('message', '{{ template "gotify.default.message" . }}'),
    priority: priority(f('priority', ''), firing ? 8 : 2),
    extras: {
      'client::display': {
        contentType: cfg.settings['markdown'] === true ? 'text/markdown' : 'text/plain',
      },
      'client::notification': { click: { url: `${env.externalURL}/alerts` } },
    },
  };
  const token = await secret(cfg.settings['token'], cfg.settings['token_file']);
  await postNotification({
    url: join(str(cfg.settings['url']), 'message'),
    body: JSON.stringify(body),
    httpConfig: cfg.httpConfig,
    signal: ctx.signal,
    headers: { 'x-gotify-key': token },
  });
};

/**
 * Matrix: `PUT /_matrix/client/v3/rooms/<room>/send/m.room.message/<txn>` on the homeserver
 * with the access token as bearer, a plain `body` and an HTML `formatted_body`. The transaction
 * id is fresh per attempt's notification, so the homeserver deduplicates retries of one send.
 */
export const matrix: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const f = (k: string, def: string): string => field(env, data, cfg, k, def);
  const body = {
    msgtype: f('msgtype', 'm.text'),
    body: f('message', '{{ template "matrix.default.message" . }}'),
    format: 'org.matrix.custom.html',
    formatted_body: f('html_message', '{{ template "matrix.default.html_message" . }}'),
  };
  const room = encodeURIComponent(str(cfg.settings['room_id']));
  const txn = `kansoku-${randomUUID()}`;
  const token = await secret(cfg.settings['access_token'], cfg.settings['access_token_file']);
  await postNotification({
    method: 'PUT',
    url: join(
      str(cfg.settings['homeserver_url']),
      `_matrix/client/v3/rooms/${room}/send/m.room.message/${txn}`,
    ),
    body: JSON.stringify(body),
    httpConfig: cfg.httpConfig,
    signal: ctx.signal,
    headers: { authorization: `Bearer ${token}` },
  });
};

/** Pushover's messages API (overridable through `IntegrationEnv.pushoverURL`). */
const PUSHOVER_URL = 'https://api.pushover.net/1/messages.json';

/**
 * Pushover: a form-encoded `POST` to the messages API with token, user key, title, message,
 * URL and priority as Alertmanager sends them (title ≤ 250, message ≤ 1024, URL ≤ 512 chars).
 */
export const pushover: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const f = (k: string, def: string): string => field(env, data, cfg, k, def);
  const form = new URLSearchParams();
  form.set('token', await secret(cfg.settings['token'], cfg.settings['token_file']));
  form.set('user', await secret(cfg.settings['user_key'], cfg.settings['user_key_file']));
  form.set('title', truncate(f('title', '{{ template "pushover.default.title" . }}'), 250));
  const html = cfg.settings['html'] === true;
  if (html) form.set('html', '1');
  if (cfg.settings['monospace'] === true) form.set('monospace', '1');
  const message = f('message', '{{ template "pushover.default.message" . }}');
  form.set('message', truncate(message.trim() === '' ? '(no details)' : message, 1024));
  form.set('url', truncate(f('url', '{{ template "pushover.default.url" . }}'), 512));
  form.set('url_title', f('url_title', ''));
  const prio = f('priority', '{{ if eq .Status "firing" }}2{{ else }}0{{ end }}');
  form.set('priority', prio);
  if (prio.trim() === '2') {
    form.set('retry', String(Math.round((durationMs(cfg.settings['retry']) || 60_000) / 1000)));
    form.set(
      'expire',
      String(Math.round((durationMs(cfg.settings['expire']) || 3_600_000) / 1000)),
    );
  }
  const ttl = durationMs(cfg.settings['ttl']);
  if (ttl > 0) form.set('ttl', String(Math.round(ttl / 1000)));
  for (const k of ['device', 'sound']) if (cfg.settings[k] !== undefined) form.set(k, f(k, ''));
  const first = data.Alerts[0];
  if (first) form.set('timestamp', String(Math.floor(first.StartsAt.getTime() / 1000)));
  await postNotification({
    url: env.pushoverURL ?? PUSHOVER_URL,
    body: form.toString(),
    contentType: 'application/x-www-form-urlencoded',
    httpConfig: cfg.httpConfig,
    signal: ctx.signal,
  });
};
