import { str, field, hashKey, truncate, type Sender } from './common.js';
import { authHeaders, postNotification, secret } from './http.js';
import { notificationData } from './payload.js';

function renderMap(v: unknown, render: (s: string) => string): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, render(str(x))]),
  );
}

/** PagerDuty Events API v2: trigger while firing, resolve when every alert resolved. */
export const pagerduty: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const f = (k: string, def: string): string => field(env, data, cfg, k, def);
  const render = (s: string): string => env.templates.render(s, data);
  const key = await secret(cfg.settings['routing_key'], cfg.settings['routing_key_file']);
  const details = renderMap(cfg.settings['details'], render) ?? {
    firing: env.templates.execute('pagerduty.default.instances', data.Alerts.Firing()),
    resolved: env.templates.execute('pagerduty.default.instances', data.Alerts.Resolved()),
    num_firing: String(data.Alerts.Firing().length),
    num_resolved: String(data.Alerts.Resolved().length),
  };
  const client = f('client', '{{ template "pagerduty.default.client" . }}');
  const body: Record<string, unknown> = {
    routing_key: key,
    dedup_key: hashKey(ctx.groupKey),
    event_action: data.Status === 'firing' ? 'trigger' : 'resolve',
    payload: {
      summary: truncate(f('description', '{{ template "pagerduty.default.description" .}}'), 1024),
      source: f('source', client),
      severity: f('severity', 'error'),
      custom_details: details,
      ...(cfg.settings['component'] === undefined ? {} : { component: f('component', '') }),
      ...(cfg.settings['group'] === undefined ? {} : { group: f('group', '') }),
      ...(cfg.settings['class'] === undefined ? {} : { class: f('class', '') }),
    },
    client,
    client_url: f('client_url', '{{ template "pagerduty.default.clientURL" . }}'),
  };
  await postNotification({
    url: str(cfg.settings['url']),
    body: JSON.stringify(body),
    httpConfig: cfg.httpConfig,
    signal: ctx.signal,
  });
};

/** Opsgenie Alert API: create (alias = group) while firing, close when resolved. */
export const opsgenie: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const f = (k: string, def: string): string => field(env, data, cfg, k, def);
  const apiKey = await secret(cfg.settings['api_key'], cfg.settings['api_key_file']);
  const base = str(cfg.settings['api_url']).replace(/\/?$/, '/');
  const alias = hashKey(ctx.groupKey);
  const headers = { ...(await authHeaders(cfg.httpConfig)), authorization: `GenieKey ${apiKey}` };
  const source = f('source', '{{ template "opsgenie.default.source" . }}');
  if (data.Status === 'resolved') {
    await postNotification({
      url: `${base}v2/alerts/${alias}/close?identifierType=alias`,
      body: JSON.stringify({ source }),
      headers,
      httpConfig: undefined,
      signal: ctx.signal,
    });
    return;
  }
  const tags = f('tags', '');
  const body: Record<string, unknown> = {
    alias,
    message: truncate(f('message', '{{ template "opsgenie.default.message" . }}'), 130),
    description: f('description', '{{ template "opsgenie.default.description" . }}'),
    details: renderMap(cfg.settings['details'], (s) => env.templates.render(s, data)) ?? {},
    source,
    ...(tags === ''
      ? {}
      : {
          tags: tags
            .split(',')
            .map((t) => t.trim())
            .filter((t) => t !== ''),
        }),
    ...(cfg.settings['note'] === undefined ? {} : { note: f('note', '') }),
    ...(cfg.settings['priority'] === undefined ? {} : { priority: f('priority', '') }),
    ...(cfg.settings['entity'] === undefined ? {} : { entity: f('entity', '') }),
    ...(Array.isArray(cfg.settings['responders'])
      ? { responders: cfg.settings['responders'] }
      : {}),
  };
  await postNotification({
    url: `${base}v2/alerts`,
    body: JSON.stringify(body),
    headers,
    httpConfig: undefined,
    signal: ctx.signal,
  });
};
