import { AlertmanagerConfigError, MapReader, toPlain, type YamlContext } from './yaml.js';

/** Free-form HTTP client settings of a receiver (`<http_config>`), kept as plain data. */
export type HTTPClientSettings = Readonly<Record<string, unknown>>;

/** The `global` section: defaults for every receiver. Absent strings are ''. */
export interface GlobalConfig {
  /** How long an alert without `endsAt` stays firing after its last update, in ms. */
  readonly resolveTimeoutMs: number;
  readonly httpConfig: HTTPClientSettings;
  /** Every other global string setting by its YAML key (`smtp_from`, `slack_api_url`, …). */
  readonly values: Readonly<Record<string, string>>;
  readonly smtpRequireTLS: boolean;
  readonly smtpForceImplicitTLS: boolean;
  readonly smtpTLSConfig: Readonly<Record<string, unknown>>;
}

/** Default URLs and values Alertmanager fills in when `global` does not set them. */
const GLOBAL_DEFAULTS: Readonly<Record<string, string>> = {
  smtp_hello: 'localhost',
  pagerduty_url: 'https://events.pagerduty.com/v2/enqueue',
  opsgenie_api_url: 'https://api.opsgenie.com/',
  wechat_api_url: 'https://qyapi.weixin.qq.com/cgi-bin/',
  victorops_api_url: 'https://alert.victorops.com/integrations/generic/20131114/alert/',
  telegram_api_url: 'https://api.telegram.org',
  webex_api_url: 'https://webexapis.com/v1/messages',
  rocketchat_api_url: 'https://open.rocket.chat/',
  slack_app_url: 'https://slack.com/api/chat.postMessage',
};

const GLOBAL_STRINGS = [
  'smtp_from',
  'smtp_smarthost',
  'smtp_hello',
  'smtp_auth_username',
  'smtp_auth_password',
  'smtp_auth_password_file',
  'smtp_auth_identity',
  'smtp_auth_secret',
  'smtp_auth_secret_file',
  'jira_api_url',
  'slack_api_url',
  'slack_api_url_file',
  'slack_app_token',
  'slack_app_token_file',
  'slack_app_url',
  'victorops_api_key',
  'victorops_api_key_file',
  'victorops_api_url',
  'pagerduty_url',
  'opsgenie_api_key',
  'opsgenie_api_key_file',
  'opsgenie_api_url',
  'rocketchat_api_url',
  'rocketchat_token',
  'rocketchat_token_file',
  'rocketchat_token_id',
  'rocketchat_token_id_file',
  'wechat_api_url',
  'wechat_api_secret',
  'wechat_api_secret_file',
  'wechat_api_corp_id',
  'telegram_api_url',
  'telegram_bot_token',
  'telegram_bot_token_file',
  'webex_api_url',
  'mattermost_webhook_url',
  'mattermost_webhook_url_file',
];

/** Secret pairs that may not both be set (inline and from a file). */
const GLOBAL_EXCLUSIVE: readonly (readonly [string, string])[] = [
  ['smtp_auth_password', 'smtp_auth_password_file'],
  ['smtp_auth_secret', 'smtp_auth_secret_file'],
  ['slack_api_url', 'slack_api_url_file'],
  ['slack_app_token', 'slack_app_token_file'],
  ['victorops_api_key', 'victorops_api_key_file'],
  ['opsgenie_api_key', 'opsgenie_api_key_file'],
  ['rocketchat_token', 'rocketchat_token_file'],
  ['rocketchat_token_id', 'rocketchat_token_id_file'],
  ['wechat_api_secret', 'wechat_api_secret_file'],
  ['telegram_bot_token', 'telegram_bot_token_file'],
  ['mattermost_webhook_url', 'mattermost_webhook_url_file'],
];

const HTTP_CONFIG_KEYS = [
  'basic_auth',
  'authorization',
  'oauth2',
  'bearer_token',
  'bearer_token_file',
  'enable_http2',
  'proxy_url',
  'no_proxy',
  'proxy_from_environment',
  'proxy_connect_header',
  'follow_redirects',
  'tls_config',
  'http_headers',
];

/** Reads and checks an `<http_config>` block. */
export function readHTTPConfig(ctx: YamlContext, node: unknown): HTTPClientSettings {
  const r = new MapReader(ctx, node, 'config.HTTPClientConfig');
  r.accept(...HTTP_CONFIG_KEYS);
  r.done();
  const plain = toPlain(node);
  const o: Record<string, unknown> =
    typeof plain === 'object' && plain !== null ? { ...plain } : {};
  const auths = [
    'basic_auth',
    'authorization',
    'oauth2',
    'bearer_token',
    'bearer_token_file',
  ].filter((k) => o[k] !== undefined && o[k] !== null);
  if (auths.length > 1) {
    throw new AlertmanagerConfigError(
      'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured',
    );
  }
  const authz = o['authorization'];
  if (typeof authz === 'object' && authz !== null) {
    const a = authz as Record<string, unknown>;
    if (typeof a['type'] === 'string' && a['type'].toLowerCase() === 'basic') {
      throw new AlertmanagerConfigError(
        `authorization type cannot be set to "basic", use "basic_auth" instead`,
      );
    }
    if (a['credentials'] && a['credentials_file']) {
      throw new AlertmanagerConfigError(
        'at most one of authorization credentials & credentials_file must be configured',
      );
    }
  }
  const ba = o['basic_auth'];
  if (typeof ba === 'object' && ba !== null) {
    const b = ba as Record<string, unknown>;
    if (b['password'] && b['password_file']) {
      throw new AlertmanagerConfigError(
        'at most one of basic_auth password & password_file must be configured',
      );
    }
  }
  if (o['follow_redirects'] === undefined) o['follow_redirects'] = true;
  if (o['enable_http2'] === undefined) o['enable_http2'] = true;
  return o;
}

/** The global section as Alertmanager fills it in when `global` is absent. */
export function defaultGlobalConfig(): GlobalConfig {
  return {
    resolveTimeoutMs: 5 * 60_000,
    httpConfig: { follow_redirects: true, enable_http2: true },
    values: { ...GLOBAL_DEFAULTS },
    smtpRequireTLS: true,
    smtpForceImplicitTLS: false,
    smtpTLSConfig: {},
  };
}

/** Reads the `global` section. */
export function readGlobal(ctx: YamlContext, node: unknown): GlobalConfig {
  const def = defaultGlobalConfig();
  const r = new MapReader(ctx, node, 'config.plain');
  const values: Record<string, string> = { ...GLOBAL_DEFAULTS };
  for (const k of GLOBAL_STRINGS) {
    const v = r.str(k);
    if (v !== '') values[k] = v;
  }
  const resolve = r.duration('resolve_timeout');
  const httpNode = r.raw('http_config');
  const httpConfig =
    httpNode === undefined || httpNode === null ? def.httpConfig : readHTTPConfig(ctx, httpNode);
  const smtpRequireTLS = r.bool('smtp_require_tls', true);
  const smtpForceImplicitTLS = r.bool('smtp_force_implicit_tls', false);
  const tls = toPlain(r.raw('smtp_tls_config'));
  r.done();
  for (const [a, b] of GLOBAL_EXCLUSIVE) {
    if ((values[a] ?? '') !== '' && (values[b] ?? '') !== '') {
      throw new AlertmanagerConfigError(`at most one of ${a} & ${b} must be configured`);
    }
  }
  const hasURL =
    (values['slack_api_url'] ?? '') !== '' || (values['slack_api_url_file'] ?? '') !== '';
  const hasToken =
    (values['slack_app_token'] ?? '') !== '' || (values['slack_app_token_file'] ?? '') !== '';
  // A bot token together with an incoming-webhook URL is ambiguous; the Web API URL is fine
  // (it is where a bot token posts to).
  if (hasURL && hasToken && !/\/api\/chat\.postMessage\/?$/.test(values['slack_api_url'] ?? '')) {
    throw new AlertmanagerConfigError(
      'at most one of slack_api_url/slack_api_url_file & slack_app_token/slack_app_token_file must be configured',
    );
  }
  if (resolve !== undefined && resolve <= 0) {
    throw new AlertmanagerConfigError('resolve_timeout must be greater than 0');
  }
  return {
    resolveTimeoutMs: resolve ?? def.resolveTimeoutMs,
    httpConfig,
    values,
    smtpRequireTLS,
    smtpForceImplicitTLS,
    smtpTLSConfig: typeof tls === 'object' && tls !== null ? (tls as Record<string, unknown>) : {},
  };
}
