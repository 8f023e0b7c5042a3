/**
 * Jira: one issue per alert group, found again by its `ALERT{<group hash>}` label. A firing
 * group creates the issue or updates the open one (or reopens one resolved within
 * `reopen_duration`); a resolved group updates it and applies `resolve_transition`.
 */
import { NotifyError } from '../pipeline/pipeline.js';
import type { TemplateData } from '../template/data.js';
import { field, hashKey, str, truncate, type IntegrationEnv, type Sender } from './common.js';
import { postNotification } from './http.js';
import { notificationData } from './payload.js';
import { getJSON } from './wechat.js';

const MAX_SUMMARY_CHARS = 255;
const MAX_DESCRIPTION_CHARS = 32_767;

/** A Prometheus duration (`90m`, `1h30m`, `2d`) in ms; 0 when unset or invalid. */
export function promDurationMs(v: unknown): number {
  const s = str(v);
  const unit: Record<string, number> = {
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
    w: 604_800_000,
    y: 31_536_000_000,
  };
  if (!/^([0-9]+(ms|s|m|h|d|w|y))+$/.test(s)) return 0;
  let total = 0;
  for (const m of s.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g))
    total += Number(m[1]) * (unit[m[2] ?? ''] ?? 0);
  return total;
}

/** Joins the API base URL and a path with exactly one slash. */
function join(base: string, p: string): string {
  return `${base.replace(/\/+$/, '')}/${p.replace(/^\/+/, '')}`;
}

/** The JQL that finds the group's issue, as Alertmanager builds it. */
export function searchJQL(
  settings: Readonly<Record<string, unknown>>,
  project: string,
  groupHash: string,
  firing: boolean,
): string {
  let jql = '';
  const wontFix = str(settings['wont_fix_resolution']);
  if (wontFix !== '') jql += `resolution != ${JSON.stringify(wontFix)} and `;
  const reopenMin = Math.floor(promDurationMs(settings['reopen_duration']) / 60_000);
  if (firing && str(settings['reopen_transition']) !== '' && reopenMin > 0)
    jql += `(resolutiondate is EMPTY OR resolutiondate >= -${reopenMin}m) and `;
  else jql += 'statusCategory != Done and ';
  jql += `project=${JSON.stringify(project)} and labels=${JSON.stringify(`ALERT{${groupHash}}`)} order by status ASC,resolutiondate DESC`;
  return jql;
}

/** The search endpoint: v3 `search/jql` on Jira Cloud, v2 `search` on Data Center. */
export function searchURL(apiURL: string, apiType: string): string {
  const cloud =
    apiType === 'cloud' ||
    ((apiType === '' || apiType === 'auto') && new URL(apiURL).host.endsWith('atlassian.net'));
  if (apiType !== 'datacenter' && cloud) return join(apiURL, 'search/jql').replace('/2', '/3');
  return join(apiURL, 'search');
}

/** Renders every string inside a `fields` value (maps, lists) as a template. */
function deepRender(v: unknown, env: IntegrationEnv, data: TemplateData): unknown {
  if (typeof v === 'string') return env.templates.render(v, data);
  if (Array.isArray(v)) return v.map((x) => deepRender(x, env, data));
  if (typeof v === 'object' && v !== null)
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, deepRender(x, env, data)]),
    );
  return v;
}

interface FoundIssue {
  readonly key: string;
  /** `statusCategory.key` of the issue's status ('done' when resolved); '' when not given. */
  readonly category: string;
}

function parseObject(text: string, what: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v))
      return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new NotifyError(`cannot ${what}: the answer is not a JSON object`, false);
}

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : {};
}

/** Jira issue delivery. */
export const jira: Sender = async (cfg, env, ctx, alerts) => {
  const data = notificationData(ctx, alerts, env.externalURL);
  const s = cfg.settings;
  const f = (k: string, def: string): string => field(env, data, cfg, k, def);
  const api = str(s['api_url']);
  const firing = data.Status === 'firing';
  const hash = hashKey(ctx.groupKey);
  const project = f('project', '');
  const headers = { 'accept-language': 'en' };
  const call = async (method: 'POST' | 'PUT', url: string, body: unknown): Promise<string> =>
    postNotification({
      url,
      method,
      body: JSON.stringify(body),
      headers,
      httpConfig: cfg.httpConfig,
      signal: ctx.signal,
    });

  const found = parseObject(
    await call('POST', searchURL(api, str(s['api_type'])), {
      fields: ['status'],
      jql: searchJQL(s, project, hash, firing),
      maxResults: 2,
    }),
    'search Jira issues',
  );
  const first = Array.isArray(found['issues']) ? rec((found['issues'] as unknown[])[0]) : {};
  const existing: FoundIssue | undefined =
    str(first['key']) === ''
      ? undefined
      : {
          key: str(first['key']),
          category: str(rec(rec(rec(first['fields'])['status'])['statusCategory'])['key']),
        };
  // A resolved group never opens a new issue.
  if (existing === undefined && !firing) return;

  const labels = (Array.isArray(s['labels']) ? (s['labels'] as unknown[]) : []).map((l) =>
    env.templates.render(str(l), data),
  );
  labels.push(`ALERT{${hash}}`);
  labels.sort();
  const fields: Record<string, unknown> = {
    project: { key: project },
    issuetype: { name: f('issue_type', '') },
    summary: truncate(f('summary', '{{ template "jira.default.summary" . }}'), MAX_SUMMARY_CHARS),
    labels,
  };
  const description = truncate(
    f('description', '{{ template "jira.default.description" . }}'),
    MAX_DESCRIPTION_CHARS,
  );
  if (new URL(api).pathname.replace(/\/+$/, '').endsWith('/3')) {
    // API v3 takes the description as an Atlassian Document Format object.
    try {
      fields['description'] = JSON.parse(description) as unknown;
    } catch (e) {
      throw new NotifyError(
        'cannot create Jira issue: with API v3 the description must render to ADF JSON',
        false,
        { cause: e },
      );
    }
  } else fields['description'] = description;
  const priority = f('priority', '{{ template "jira.default.priority" . }}');
  if (priority !== '') fields['priority'] = { name: priority };
  // Entries of `fields` win over the standard ones; keys go out sorted.
  Object.assign(fields, rec(deepRender(rec(s['fields']), env, data)));
  const sorted = Object.fromEntries(
    Object.keys(fields)
      .sort()
      .map((k) => [k, fields[k]]),
  );

  if (existing === undefined) await call('POST', join(api, 'issue'), { fields: sorted });
  else await call('PUT', join(api, `issue/${existing.key}`), { fields: sorted });

  if (existing === undefined || existing.category === '') return;
  const done = existing.category === 'done';
  if (firing === !done) return;
  const transition = str(s[firing ? 'reopen_transition' : 'resolve_transition']);
  if (transition === '') return;
  const what = `find transition ${transition} of Jira issue ${existing.key}`;
  const url = join(api, `issue/${existing.key}/transitions`);
  const list = parseObject(await getJSON(url, cfg.httpConfig, ctx.signal, what), what);
  const t = (Array.isArray(list['transitions']) ? (list['transitions'] as unknown[]) : [])
    .map(rec)
    .find((x) => str(x['name']) === transition);
  if (t === undefined)
    throw new NotifyError(
      `cannot ${what}: no such transition; check ${firing ? 'reopen_transition' : 'resolve_transition'}`,
      false,
    );
  await call('POST', url, { transition: { id: str(t['id']) } });
};
