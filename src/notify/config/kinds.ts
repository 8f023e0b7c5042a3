/** Registry of the integration kinds of `<receiver>` and the keys each accepts. */

/** The integration kinds a receiver can hold (`<kind>_configs`). */
export type IntegrationKind =
  | 'discord'
  | 'email'
  | 'mattermost'
  | 'msteams'
  | 'msteamsv2'
  | 'jira'
  | 'opsgenie'
  | 'pagerduty'
  | 'incidentio'
  | 'pushover'
  | 'ntfy'
  | 'gotify'
  | 'matrix'
  | 'rocketchat'
  | 'slack'
  | 'sns'
  | 'telegram'
  | 'victorops'
  | 'webex'
  | 'webhook'
  | 'wechat';

export interface KindSpec {
  /** The YAML keys an entry may have, besides `send_resolved` and `http_config`. */
  readonly keys: readonly string[];
  readonly sendResolved: boolean;
  /** Whether the entry talks HTTP (and so inherits `global.http_config`). */
  readonly http: boolean;
}

/** Registry of integration kinds: the keys each accepts and its `send_resolved` default. */
export const KINDS: Readonly<Record<IntegrationKind, KindSpec>> = {
  discord: {
    sendResolved: true,
    http: true,
    keys: [
      'webhook_url',
      'webhook_url_file',
      'title',
      'message',
      'content',
      'username',
      'avatar_url',
    ],
  },
  email: {
    sendResolved: false,
    http: false,
    keys: [
      'to',
      'from',
      'smarthost',
      'hello',
      'auth_username',
      'auth_password',
      'auth_password_file',
      'auth_secret',
      'auth_secret_file',
      'auth_identity',
      'require_tls',
      'force_implicit_tls',
      'tls_config',
      'html',
      'text',
      'headers',
      'threading',
    ],
  },
  mattermost: {
    sendResolved: true,
    http: true,
    keys: [
      'webhook_url',
      'webhook_url_file',
      'channel',
      'username',
      'icon_url',
      'icon_emoji',
      'text',
      'attachments',
      'props',
      'priority',
    ],
  },
  msteams: {
    sendResolved: true,
    http: true,
    keys: ['webhook_url', 'webhook_url_file', 'title', 'summary', 'text'],
  },
  msteamsv2: {
    sendResolved: true,
    http: true,
    keys: ['webhook_url', 'webhook_url_file', 'title', 'text'],
  },
  jira: {
    sendResolved: true,
    http: true,
    keys: [
      'api_url',
      'api_type',
      'project',
      'summary',
      'description',
      'labels',
      'priority',
      'issue_type',
      'resolve_transition',
      'reopen_transition',
      'wont_fix_resolution',
      'reopen_duration',
      'fields',
    ],
  },
  opsgenie: {
    sendResolved: true,
    http: true,
    keys: [
      'api_key',
      'api_key_file',
      'api_url',
      'message',
      'description',
      'source',
      'details',
      'responders',
      'tags',
      'note',
      'priority',
      'update_alerts',
      'entity',
      'actions',
    ],
  },
  pagerduty: {
    sendResolved: true,
    http: true,
    keys: [
      'routing_key',
      'routing_key_file',
      'service_key',
      'service_key_file',
      'url',
      'client',
      'client_url',
      'description',
      'severity',
      'source',
      'details',
      'images',
      'links',
      'component',
      'group',
      'class',
      'timeout',
    ],
  },
  incidentio: {
    sendResolved: true,
    http: true,
    keys: [
      'url',
      'url_file',
      'alert_source_token',
      'alert_source_token_file',
      'max_alerts',
      'timeout',
    ],
  },
  pushover: {
    sendResolved: true,
    http: true,
    keys: [
      'user_key',
      'user_key_file',
      'token',
      'token_file',
      'title',
      'message',
      'url',
      'url_title',
      'device',
      'sound',
      'priority',
      'retry',
      'expire',
      'ttl',
      'html',
      'monospace',
    ],
  },
  ntfy: {
    sendResolved: true,
    http: true,
    keys: [
      'url',
      'topic',
      'token',
      'token_file',
      'title',
      'message',
      'priority',
      'tags',
      'click',
      'markdown',
    ],
  },
  gotify: {
    sendResolved: true,
    http: true,
    keys: ['url', 'token', 'token_file', 'title', 'message', 'priority', 'markdown'],
  },
  matrix: {
    sendResolved: true,
    http: true,
    keys: [
      'homeserver_url',
      'room_id',
      'access_token',
      'access_token_file',
      'message',
      'html_message',
      'msgtype',
    ],
  },
  rocketchat: {
    sendResolved: false,
    http: true,
    keys: [
      'api_url',
      'channel',
      'token',
      'token_file',
      'token_id',
      'token_id_file',
      'color',
      'emoji',
      'icon_url',
      'text',
      'title',
      'title_link',
      'fields',
      'short_fields',
      'image_url',
      'thumb_url',
      'link_names',
      'actions',
    ],
  },
  slack: {
    sendResolved: false,
    http: true,
    keys: [
      'api_url',
      'api_url_file',
      'app_token',
      'app_token_file',
      'app_url',
      'channel',
      'icon_emoji',
      'icon_url',
      'link_names',
      'message_text',
      'username',
      'actions',
      'callback_id',
      'color',
      'fallback',
      'fields',
      'footer',
      'mrkdwn_in',
      'pretext',
      'short_fields',
      'text',
      'title',
      'title_link',
      'image_url',
      'thumb_url',
      'timeout',
      'update_message',
    ],
  },
  sns: {
    sendResolved: true,
    http: true,
    keys: [
      'api_url',
      'sigv4',
      'topic_arn',
      'subject',
      'phone_number',
      'target_arn',
      'message',
      'attributes',
    ],
  },
  telegram: {
    sendResolved: true,
    http: true,
    keys: [
      'api_url',
      'bot_token',
      'bot_token_file',
      'chat_id',
      'chat_id_file',
      'message_thread_id',
      'message',
      'disable_notifications',
      'parse_mode',
    ],
  },
  victorops: {
    sendResolved: true,
    http: true,
    keys: [
      'api_key',
      'api_key_file',
      'api_url',
      'routing_key',
      'message_type',
      'entity_display_name',
      'state_message',
      'monitoring_tool',
      'custom_fields',
    ],
  },
  webex: { sendResolved: true, http: true, keys: ['api_url', 'room_id', 'message'] },
  webhook: {
    sendResolved: true,
    http: true,
    keys: ['url', 'url_file', 'max_alerts', 'timeout', 'payload'],
  },
  wechat: {
    sendResolved: false,
    http: true,
    keys: [
      'api_secret',
      'api_secret_file',
      'api_url',
      'corp_id',
      'message',
      'message_type',
      'agent_id',
      'to_user',
      'to_party',
      'to_tag',
    ],
  },
};

/** All integration kinds, in Alertmanager's documentation order. */
export const INTEGRATION_KINDS = Object.keys(KINDS) as IntegrationKind[];
