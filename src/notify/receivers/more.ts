/**
 * The remaining HTTP integrations of Alertmanager: Mattermost, Rocket.Chat, Webex, VictorOps
 * (Splunk On-Call) and incident.io, with Alertmanager's message shapes.
 */
import { durationMs, field, hashKey, num, str, truncate, type Sender } from './common.js';
import { postNotification, secret } from './http.js';
import { notificationData, webhookMessage } from './payload.js';

/** Joins a base URL and a path with exactly one slash. */
function join(base: string, p: string): string {
  return `${base.replace(/\/+$/, '')}/${p.replace(/^\/+/, '')}`;
}

/** Mattermost: an incoming webhook message (`text`, `channel`, `username`, icons). */
export const mattermost: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const f = (k: string, def: string): string => field(env, data, cfg, k, def);
  const body: Record<string, unknown> = {
    text: truncate(f('text', '{{ template "mattermost.default.text" . }}'), 16_383),
  };
  for (const k of ['channel', 'username', 'icon_url', 'icon_emoji'])
    if (str(cfg.settings[k]) !== '') body[k] = f(k, '');
  for (const k of ['attachments', 'props', 'priority'])
    if (cfg.settings[k] !== undefined) body[k] = cfg.settings[k];
  await postNotification({
    url: await secret(cfg.settings['webhook_url'], cfg.settings['webhook_url_file']),
    body: JSON.stringify(body),
    httpConfig: cfg.httpConfig,
    signal: ctx.signal,
  });
};

/** Rocket.Chat: `chat.postMessage` with the token headers and one attachment. */
export const rocketchat: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const f = (k: string, def: string): string => field(env, data, cfg, k, def);
  const attachment: Record<string, unknown> = {
    title: f('title', '{{ template "rocketchat.default.title" . }}'),
    title_link: f('title_link', '{{ template "rocketchat.default.titlelink" . }}'),
    text: f('text', '{{ template "rocketchat.default.text" . }}'),
    color: f('color', '{{ if eq .Status "firing" }}red{{ else }}green{{ end }}'),
  };
  for (const k of ['image_url', 'thumb_url'])
    if (cfg.settings[k] !== undefined) attachment[k] = f(k, '');
  if (Array.isArray(cfg.settings['fields'])) attachment['fields'] = cfg.settings['fields'];
  if (Array.isArray(cfg.settings['actions'])) attachment['actions'] = cfg.settings['actions'];
  const body: Record<string, unknown> = {
    channel: f('channel', ''),
    emoji: f('emoji', '{{ template "rocketchat.default.emoji" . }}'),
    avatar: f('icon_url', ''),
    attachments: [attachment],
  };
  const token = await secret(cfg.settings['token'], cfg.settings['token_file']);
  const tokenId = await secret(cfg.settings['token_id'], cfg.settings['token_id_file']);
  await postNotification({
    url: join(str(cfg.settings['api_url']), 'api/v1/chat.postMessage'),
    body: JSON.stringify(body),
    httpConfig: cfg.httpConfig,
    signal: ctx.signal,
    headers: { 'x-auth-token': token, 'x-user-id': tokenId },
  });
};

/** Webex: a message in a room, as Markdown, with the bearer token of `http_config`. */
export const webex: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const message = field(env, data, cfg, 'message', '{{ template "webex.default.message" . }}');
  // Webex rejects messages over 7439 bytes.
  let markdown = message;
  while (Buffer.byteLength(markdown) > 7439) markdown = truncate(markdown, markdown.length - 64);
  await postNotification({
    url: str(cfg.settings['api_url']),
    body: JSON.stringify({ roomId: str(cfg.settings['room_id']), markdown }),
    httpConfig: cfg.httpConfig,
    signal: ctx.signal,
  });
};

/** VictorOps (Splunk On-Call): the REST endpoint `<api_url><api_key>/<routing_key>`. */
export const victorops: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const f = (k: string, def: string): string => field(env, data, cfg, k, def);
  const key = await secret(cfg.settings['api_key'], cfg.settings['api_key_file']);
  const body: Record<string, unknown> = {
    message_type: data.Status === 'firing' ? f('message_type', 'CRITICAL') : 'RECOVERY',
    entity_id: hashKey(ctx.groupKey),
    entity_display_name: f(
      'entity_display_name',
      '{{ template "victorops.default.entity_display_name" . }}',
    ),
    state_message: truncate(
      f('state_message', '{{ template "victorops.default.state_message" . }}'),
      20_480,
    ),
    monitoring_tool: f('monitoring_tool', '{{ template "victorops.default.monitoring_tool" . }}'),
  };
  const custom = cfg.settings['custom_fields'];
  if (typeof custom === 'object' && custom !== null && !Array.isArray(custom)) {
    for (const [k, v] of Object.entries(custom as Record<string, unknown>))
      body[k] = env.templates.render(str(v), data);
  }
  await postNotification({
    url: `${join(str(cfg.settings['api_url']), key)}/${encodeURIComponent(str(cfg.settings['routing_key']))}`,
    body: JSON.stringify(body),
    httpConfig: cfg.httpConfig,
    signal: ctx.signal,
  });
};

/** incident.io: the webhook message (version 4) with the alert source token as bearer. */
export const incidentio: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const msg = webhookMessage(data, ctx.groupKey, num(cfg.settings['max_alerts']));
  const token = await secret(
    cfg.settings['alert_source_token'],
    cfg.settings['alert_source_token_file'],
  );
  await postNotification({
    url: await secret(cfg.settings['url'], cfg.settings['url_file']),
    body: JSON.stringify(msg),
    httpConfig: cfg.httpConfig,
    signal: ctx.signal,
    timeoutMs: durationMs(cfg.settings['timeout']),
    ...(token === '' ? {} : { headers: { authorization: `Bearer ${token}` } }),
  });
};
