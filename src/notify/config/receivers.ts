import { readHTTPConfig, type GlobalConfig, type HTTPClientSettings } from './global.js';
import { INTEGRATION_KINDS, KINDS, type IntegrationKind } from './kinds.js';
import { AlertmanagerConfigError, MapReader, isNull, toPlain, type YamlContext } from './yaml.js';

export { INTEGRATION_KINDS, type IntegrationKind } from './kinds.js';

/**
 * One configured integration of a receiver. `settings` holds the entry's keys as plain data with
 * the global defaults already filled in (for example `smarthost` from `global.smtp_smarthost`).
 */
export interface IntegrationConfig {
  readonly kind: IntegrationKind;
  /** Position among the receiver's entries of this kind (Alertmanager's integration index). */
  readonly index: number;
  readonly sendResolved: boolean;
  readonly httpConfig: HTTPClientSettings | undefined;
  readonly settings: Readonly<Record<string, unknown>>;
}

/** A named receiver with its integrations. */
export interface ReceiverConfig {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly integrations: readonly IntegrationConfig[];
}

function str(s: Record<string, unknown>, k: string): string {
  const v = s[k];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return v === undefined || v === null ? '' : JSON.stringify(v);
}

function exclusive(s: Record<string, unknown>, a: string, b: string): void {
  if (str(s, a) !== '' && str(s, b) !== '') {
    throw new AlertmanagerConfigError(`at most one of ${a} & ${b} must be configured`);
  }
}

/** Fills `key`/`key_file` from the globals when neither is set locally; false when none exist. */
function inheritSecret(
  s: Record<string, unknown>,
  g: GlobalConfig,
  key: string,
  gkey: string,
): boolean {
  exclusive(s, key, `${key}_file`);
  if (str(s, key) !== '' || str(s, `${key}_file`) !== '') return true;
  const v = g.values[gkey] ?? '';
  const f = g.values[`${gkey}_file`] ?? '';
  if (v !== '') s[key] = v;
  else if (f !== '') s[`${key}_file`] = f;
  return v !== '' || f !== '';
}

function inherit(s: Record<string, unknown>, g: GlobalConfig, key: string, gkey: string): void {
  if (str(s, key) === '' && (g.values[gkey] ?? '') !== '') s[key] = g.values[gkey];
}

const err = (m: string): AlertmanagerConfigError => new AlertmanagerConfigError(m);

/** Kind-specific checks and global defaults, with Alertmanager's messages. */
function complete(
  kind: IntegrationKind,
  s: Record<string, unknown>,
  g: GlobalConfig,
  hasAuth: boolean,
): void {
  switch (kind) {
    case 'email': {
      if (str(s, 'to') === '') throw err('missing to address in email config');
      exclusive(s, 'auth_password', 'auth_password_file');
      exclusive(s, 'auth_secret', 'auth_secret_file');
      if (str(s, 'smarthost') === '') {
        if ((g.values['smtp_smarthost'] ?? '') === '') throw err('no global SMTP smarthost set');
        inherit(s, g, 'smarthost', 'smtp_smarthost');
      }
      if (str(s, 'from') === '') {
        if ((g.values['smtp_from'] ?? '') === '') throw err('no global SMTP from set');
        inherit(s, g, 'from', 'smtp_from');
      }
      for (const k of ['hello', 'auth_username', 'auth_identity']) inherit(s, g, k, `smtp_${k}`);
      if (str(s, 'auth_password_file') === '') inherit(s, g, 'auth_password', 'smtp_auth_password');
      if (str(s, 'auth_password') === '')
        inherit(s, g, 'auth_password_file', 'smtp_auth_password_file');
      if (str(s, 'auth_secret_file') === '') inherit(s, g, 'auth_secret', 'smtp_auth_secret');
      if (s['require_tls'] === undefined) s['require_tls'] = g.smtpRequireTLS;
      if (s['force_implicit_tls'] === undefined) s['force_implicit_tls'] = g.smtpForceImplicitTLS;
      const h = s['headers'];
      if (typeof h === 'object' && h !== null) {
        const seen = new Set<string>();
        for (const k of Object.keys(h)) {
          const n = k.toLowerCase();
          if (seen.has(n)) throw err(`duplicate header "${k}" in email config`);
          seen.add(n);
        }
      }
      return;
    }
    case 'slack': {
      exclusive(s, 'api_url', 'api_url_file');
      exclusive(s, 'app_token', 'app_token_file');
      const localURL = str(s, 'api_url') !== '' || str(s, 'api_url_file') !== '';
      const localToken = str(s, 'app_token') !== '' || str(s, 'app_token_file') !== '';
      if (localURL && localToken) {
        throw err(
          'at most one of api_url/api_url_file & app_token/app_token_file must be configured',
        );
      }
      let token = localToken;
      if (!localURL && !localToken && !hasAuth)
        token = inheritSecret(s, g, 'app_token', 'slack_app_token');
      if (token) inherit(s, g, 'app_url', 'slack_app_url');
      if (!localURL && !token && !inheritSecret(s, g, 'api_url', 'slack_api_url')) {
        throw err('no global Slack API URL set either inline or in a file');
      }
      if (s['update_message'] === true && !token) {
        throw err(
          'update_message requires app_token or app_token_file: incoming webhooks cannot update messages',
        );
      }
      return;
    }
    case 'pagerduty':
      exclusive(s, 'routing_key', 'routing_key_file');
      exclusive(s, 'service_key', 'service_key_file');
      if (
        ['routing_key', 'routing_key_file', 'service_key', 'service_key_file'].every(
          (k) => str(s, k) === '',
        )
      ) {
        throw err('missing service or routing key in PagerDuty config');
      }
      inherit(s, g, 'url', 'pagerduty_url');
      return;
    case 'opsgenie':
      if (!inheritSecret(s, g, 'api_key', 'opsgenie_api_key')) {
        throw err('no global OpsGenie API Key set either inline or in a file');
      }
      inherit(s, g, 'api_url', 'opsgenie_api_url');
      return;
    case 'victorops':
      if (str(s, 'routing_key') === '') throw err('missing Routing key in VictorOps config');
      if (!inheritSecret(s, g, 'api_key', 'victorops_api_key')) {
        throw err('no global VictorOps API Key set either inline or in a file');
      }
      inherit(s, g, 'api_url', 'victorops_api_url');
      return;
    case 'telegram':
      if (str(s, 'chat_id') === '' && str(s, 'chat_id_file') === '')
        throw err('missing chat_id on telegram_config');
      exclusive(s, 'chat_id', 'chat_id_file');
      if (!inheritSecret(s, g, 'bot_token', 'telegram_bot_token')) {
        throw err('missing bot_token or bot_token_file on telegram_config');
      }
      inherit(s, g, 'api_url', 'telegram_api_url');
      if (str(s, 'parse_mode') === '') s['parse_mode'] = 'HTML';
      return;
    case 'mattermost':
      if (!inheritSecret(s, g, 'webhook_url', 'mattermost_webhook_url')) {
        throw err('no global Mattermost Webhook URL set either inline or in a file');
      }
      return;
    case 'wechat':
      if (!inheritSecret(s, g, 'api_secret', 'wechat_api_secret')) {
        throw err('no global Wechat ApiSecret set either inline or in a file');
      }
      inherit(s, g, 'corp_id', 'wechat_api_corp_id');
      if (str(s, 'corp_id') === '') throw err('no global Wechat CorpID set');
      inherit(s, g, 'api_url', 'wechat_api_url');
      return;
    case 'rocketchat':
      if (!inheritSecret(s, g, 'token', 'rocketchat_token')) {
        throw err('no global Rocketchat Token set either inline or in a file');
      }
      if (!inheritSecret(s, g, 'token_id', 'rocketchat_token_id')) {
        throw err('no global Rocketchat Token ID set either inline or in a file');
      }
      inherit(s, g, 'api_url', 'rocketchat_api_url');
      return;
    case 'discord':
    case 'msteams':
    case 'msteamsv2':
      exclusive(s, 'webhook_url', 'webhook_url_file');
      if (str(s, 'webhook_url') === '' && str(s, 'webhook_url_file') === '') {
        throw err('one of webhook_url or webhook_url_file must be configured');
      }
      return;
    case 'webhook':
    case 'incidentio':
      exclusive(s, 'url', 'url_file');
      if (str(s, 'url') === '' && str(s, 'url_file') === '')
        throw err('one of url or url_file must be configured');
      return;
    case 'pushover':
      exclusive(s, 'user_key', 'user_key_file');
      exclusive(s, 'token', 'token_file');
      if (str(s, 'user_key') === '' && str(s, 'user_key_file') === '')
        throw err('one of user_key or user_key_file must be configured');
      if (str(s, 'token') === '' && str(s, 'token_file') === '')
        throw err('one of token or token_file must be configured');
      return;
    case 'ntfy':
      if (str(s, 'topic') === '') throw err('missing topic in ntfy config');
      exclusive(s, 'token', 'token_file');
      if (str(s, 'url') === '') s['url'] = 'https://ntfy.sh';
      return;
    case 'gotify':
      if (str(s, 'url') === '') throw err('missing url in gotify config');
      exclusive(s, 'token', 'token_file');
      if (str(s, 'token') === '' && str(s, 'token_file') === '')
        throw err('one of token or token_file must be configured in gotify config');
      return;
    case 'matrix':
      if (str(s, 'homeserver_url') === '') throw err('missing homeserver_url in matrix config');
      if (str(s, 'room_id') === '') throw err('missing room_id in matrix config');
      exclusive(s, 'access_token', 'access_token_file');
      if (str(s, 'access_token') === '' && str(s, 'access_token_file') === '')
        throw err('one of access_token or access_token_file must be configured in matrix config');
      return;
    case 'sns':
      if (['target_arn', 'topic_arn', 'phone_number'].every((k) => str(s, k) === '')) {
        throw err('must provide either a Target ARN, Topic ARN, or Phone Number for SNS config');
      }
      return;
    case 'webex':
      if (str(s, 'room_id') === '') throw err('missing room_id on webex_config');
      if (!hasAuth) throw err('missing webex_configs.http_config.authorization');
      inherit(s, g, 'api_url', 'webex_api_url');
      return;
    case 'jira':
      if (str(s, 'project') === '') throw err('missing project in jira_config');
      if (str(s, 'issue_type') === '') throw err('missing issue_type in jira_config');
      inherit(s, g, 'api_url', 'jira_api_url');
      if (str(s, 'api_url') === '') throw err('no global Jira Cloud URL set');
      return;
  }
}

function readIntegration(
  ctx: YamlContext,
  g: GlobalConfig,
  kind: IntegrationKind,
  index: number,
  node: unknown,
): IntegrationConfig {
  const spec = KINDS[kind];
  const r = new MapReader(ctx, node, 'config.plain');
  const sendResolved = r.bool('send_resolved', spec.sendResolved);
  const httpNode = r.raw('http_config');
  const local = isNull(httpNode) ? undefined : readHTTPConfig(ctx, httpNode);
  r.accept(...spec.keys);
  r.done();
  const plain = toPlain(node);
  const settings: Record<string, unknown> =
    typeof plain === 'object' && plain !== null ? { ...plain } : {};
  delete settings['send_resolved'];
  delete settings['http_config'];
  const hasAuth =
    local !== undefined &&
    (local['authorization'] !== undefined || local['bearer_token'] !== undefined);
  complete(kind, settings, g, hasAuth);
  const httpConfig = spec.http ? (local ?? g.httpConfig) : undefined;
  return { kind, index, sendResolved, httpConfig, settings };
}

/** Reads one `<receiver>` with the globals applied. */
export function readReceiver(ctx: YamlContext, g: GlobalConfig, node: unknown): ReceiverConfig {
  const r = new MapReader(ctx, node, 'config.plain');
  const name = r.str('name');
  if (name === '') throw err('missing name in receiver');
  const labels = Object.fromEntries(r.strMap('labels'));
  const integrations: IntegrationConfig[] = [];
  for (const kind of INTEGRATION_KINDS) {
    r.list(`${kind}_configs`).forEach((n, i) =>
      integrations.push(readIntegration(ctx, g, kind, i, n)),
    );
  }
  r.done();
  return { name, labels, integrations };
}
