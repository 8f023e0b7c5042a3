import type { Alert } from '../alerts/alert.js';
import type { AlertmanagerConfig, IntegrationConfig } from '../config/index.js';
import type { GroupContext } from '../dispatch/group.js';
import { NotifyError, type Integration } from '../pipeline/pipeline.js';
import type { TemplateData } from '../template/data.js';
import type { NotificationTemplates } from '../template/templates.js';
import { postNotification, secret } from './http.js';
import { notificationData, webhookMessage } from './payload.js';

/** What every integration needs besides its own settings. */
export interface IntegrationEnv {
  readonly templates: NotificationTemplates;
  /** The external URL of Kansoku's Alertmanager, as in `.ExternalURL`. */
  readonly externalURL: string;
}

type Sender = (
  cfg: IntegrationConfig,
  env: IntegrationEnv,
  ctx: GroupContext,
  alerts: readonly Alert[],
) => Promise<void>;

function str(v: unknown): string {
  return typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : '';
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/** Renders a settings field, or the default template text when unset. */
function field(
  env: IntegrationEnv,
  data: TemplateData,
  cfg: IntegrationConfig,
  key: string,
  def: string,
): string {
  const raw = cfg.settings[key];
  return env.templates.render(raw === undefined || raw === null ? def : str(raw), data);
}

function durationMs(v: unknown): number {
  const m = /^([0-9]+)(ms|s|m|h)$/.exec(str(v));
  if (!m) return 0;
  const mult: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  return Number(m[1]) * (mult[m[2] ?? 's'] ?? 1000);
}

const webhook: Sender = async (cfg, env, ctx, alerts) => {
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

const slack: Sender = async (cfg, env, ctx, alerts) => {
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
  // The Web API answers 200 with {"ok": false, "error": …} on failures.
  if (text.startsWith('{')) {
    const r = JSON.parse(text) as { ok?: boolean; error?: string };
    if (r.ok === false)
      throw new NotifyError(
        `cannot send notification: slack: ${r.error ?? 'unknown error'}`,
        false,
      );
  }
};

/** Senders by integration kind; kinds without one are reported by `buildIntegrations`. */
const SENDERS: Partial<Record<IntegrationConfig['kind'], Sender>> = { webhook, slack };

/** The integration kinds Kansoku can deliver to. */
export const SUPPORTED_KINDS = Object.keys(SENDERS);

/**
 * Builds the integrations of every receiver. Entries of kinds Kansoku cannot deliver to are
 * returned in `unsupported` (as `receiver/kind`) so the caller can warn about them.
 */
export function buildIntegrations(
  cfg: AlertmanagerConfig,
  env: IntegrationEnv,
): { integrations: Map<string, Integration[]>; unsupported: string[] } {
  const integrations = new Map<string, Integration[]>();
  const unsupported: string[] = [];
  for (const r of cfg.receivers) {
    const list: Integration[] = [];
    for (const ic of r.integrations) {
      const send = SENDERS[ic.kind];
      if (send === undefined) {
        unsupported.push(`${r.name}/${ic.kind}`);
        continue;
      }
      list.push({
        receiver: r.name,
        kind: ic.kind,
        index: ic.index,
        sendResolved: ic.sendResolved,
        send: (ctx, alerts) => send(ic, env, ctx, alerts),
      });
    }
    integrations.set(r.name, list);
  }
  return { integrations, unsupported };
}
