import { NotifyError } from '../pipeline/pipeline.js';
import { durationMs, field, num, str, truncate, type Sender } from './common.js';
import { postNotification, secret } from './http.js';
import { notificationData, webhookMessage } from './payload.js';

/** Generic webhook: Alertmanager's message version 4. */
export const webhook: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const url = await secret(cfg.settings['url'], cfg.settings['url_file']);
  const msg = webhookMessage(data, ctx.groupKey, num(cfg.settings['max_alerts']));
  await postNotification({
    url,
    body: JSON.stringify(msg),
    httpConfig: cfg.httpConfig,
    signal: ctx.signal,
    timeoutMs: durationMs(cfg.settings['timeout']),
  });
};

/** Slack: an incoming webhook, or the Web API with an app token. */
export const slack: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const f = (k: string, def: string): string => field(env, data, cfg, k, def);
  const attachment: Record<string, unknown> = {
    title: f('title', '{{ template "slack.default.title" . }}'),
    title_link: f('title_link', '{{ template "slack.default.titlelink" . }}'),
    pretext: f('pretext', '{{ template "slack.default.pretext" . }}'),
    text: f('text', '{{ template "slack.default.text" . }}'),
    fallback: f('fallback', '{{ template "slack.default.fallback" . }}'),
    callback_id: f('callback_id', '{{ template "slack.default.callbackid" . }}'),
    footer: f('footer', '{{ template "slack.default.footer" . }}'),
    color: f('color', '{{ template "slack.default.color" . }}'),
    mrkdwn_in: Array.isArray(cfg.settings['mrkdwn_in'])
      ? cfg.settings['mrkdwn_in']
      : ['fallback', 'pretext', 'text'],
  };
  for (const k of ['image_url', 'thumb_url'])
    if (cfg.settings[k] !== undefined) attachment[k] = f(k, '');
  const body: Record<string, unknown> = {
    channel: f('channel', ''),
    username: f('username', '{{ template "slack.default.username" . }}'),
    icon_emoji: f('icon_emoji', '{{ template "slack.default.iconemoji" . }}'),
    icon_url: f('icon_url', '{{ template "slack.default.iconurl" . }}'),
    link_names: cfg.settings['link_names'] === true,
    attachments: [attachment],
  };
  if (cfg.settings['message_text'] !== undefined) body['text'] = f('message_text', '');
  const token = await secret(cfg.settings['app_token'], cfg.settings['app_token_file']);
  const url =
    token !== ''
      ? str(cfg.settings['app_url'])
      : await secret(cfg.settings['api_url'], cfg.settings['api_url_file']);
  const text = await postNotification({
    url,
    body: JSON.stringify(body),
    httpConfig: cfg.httpConfig,
    signal: ctx.signal,
    timeoutMs: durationMs(cfg.settings['timeout']),
    ...(token !== '' ? { headers: { authorization: `Bearer ${token}` } } : {}),
  });
  checkOk(text, 'slack');
};

/** Web APIs that answer 200 with `{"ok": false, "error"|"description": …}` on failure. */
function checkOk(text: string, what: string): void {
  if (!text.startsWith('{')) return;
  const r = JSON.parse(text) as { ok?: boolean; error?: string; description?: string };
  if (r.ok === false)
    throw new NotifyError(
      `cannot send notification: ${what}: ${r.error ?? r.description ?? 'unknown error'}`,
      false,
    );
}

const DISCORD_RED = 0x992d22;
const DISCORD_GREEN = 0x2ecc71;

/** Discord: a webhook message with one embed. */
export const discord: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const f = (k: string, def: string): string => field(env, data, cfg, k, def);
  const body: Record<string, unknown> = {
    content: truncate(f('content', '{{ template "discord.default.content" . }}'), 2000),
    embeds: [
      {
        title: truncate(f('title', '{{ template "discord.default.title" . }}'), 256),
        description: truncate(f('message', '{{ template "discord.default.message" . }}'), 4096),
        color: data.Status === 'firing' ? DISCORD_RED : DISCORD_GREEN,
      },
    ],
  };
  if (str(cfg.settings['username']) !== '') body['username'] = f('username', '');
  if (str(cfg.settings['avatar_url']) !== '') body['avatar_url'] = f('avatar_url', '');
  const url = await secret(cfg.settings['webhook_url'], cfg.settings['webhook_url_file']);
  await postNotification({
    url,
    body: JSON.stringify(body),
    httpConfig: cfg.httpConfig,
    signal: ctx.signal,
  });
};

/** Telegram: the Bot API's `sendMessage`. */
export const telegram: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const token = await secret(cfg.settings['bot_token'], cfg.settings['bot_token_file']);
  const chat = await secret(cfg.settings['chat_id'], cfg.settings['chat_id_file']);
  const body: Record<string, unknown> = {
    chat_id: /^-?[0-9]+$/.test(chat) ? Number(chat) : chat,
    text: truncate(
      field(env, data, cfg, 'message', '{{ template "telegram.default.message" . }}'),
      4096,
    ),
    parse_mode: str(cfg.settings['parse_mode']),
    disable_notification: cfg.settings['disable_notifications'] === true,
  };
  if (num(cfg.settings['message_thread_id']) !== 0)
    body['message_thread_id'] = num(cfg.settings['message_thread_id']);
  const base = str(cfg.settings['api_url']).replace(/\/$/, '');
  const text = await postNotification({
    url: `${base}/bot${token}/sendMessage`,
    body: JSON.stringify(body),
    httpConfig: cfg.httpConfig,
    signal: ctx.signal,
  });
  checkOk(text, 'telegram');
};

/** Microsoft Teams: the legacy connector card (`msteams`). */
export const msteams: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const f = (k: string, def: string): string => field(env, data, cfg, k, def);
  const body = {
    '@context': 'http://schema.org/extensions',
    type: 'MessageCard',
    title: f('title', '{{ template "msteams.default.title" . }}'),
    summary: f('summary', '{{ template "msteams.default.summary" . }}'),
    text: f('text', '{{ template "msteams.default.text" . }}'),
    themeColor: data.Status === 'firing' ? '8C1A1A' : '2DC72D',
  };
  const url = await secret(cfg.settings['webhook_url'], cfg.settings['webhook_url_file']);
  await postNotification({
    url,
    body: JSON.stringify(body),
    httpConfig: cfg.httpConfig,
    signal: ctx.signal,
  });
};

/** Microsoft Teams through Power Automate workflows: an Adaptive Card (`msteamsv2`). */
export const msteamsv2: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const f = (k: string, def: string): string => field(env, data, cfg, k, def);
  const body = {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.2',
          body: [
            {
              type: 'TextBlock',
              text: f('title', '{{ template "msteamsv2.default.title" . }}'),
              weight: 'Bolder',
              size: 'Medium',
              wrap: true,
              style: 'heading',
              color: data.Status === 'firing' ? 'Attention' : 'Good',
            },
            {
              type: 'TextBlock',
              text: f('text', '{{ template "msteamsv2.default.text" . }}'),
              wrap: true,
            },
          ],
          msteams: { width: 'full' },
        },
      },
    ],
  };
  const url = await secret(cfg.settings['webhook_url'], cfg.settings['webhook_url_file']);
  await postNotification({
    url,
    body: JSON.stringify(body),
    httpConfig: cfg.httpConfig,
    signal: ctx.signal,
  });
};
