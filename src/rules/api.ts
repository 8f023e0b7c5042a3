import { createHash } from 'node:crypto';
import { Labels, type Matcher } from '../model/index.js';
import { parseMetricSelector } from '../promql/parser/index.js';
import { AlertingRule, type Alert } from './alerting.js';
import type { Group, Rule } from './group.js';

/** One alert as `/api/v1/alerts` and `/api/v1/rules` show it. */
export interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  keepFiringSince?: string;
  value: string;
}

/** An alerting rule in `/api/v1/rules`. */
export interface ApiAlertingRule {
  state: 'inactive' | 'pending' | 'firing';
  name: string;
  query: string;
  duration: number;
  keepFiringFor: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  alerts?: ApiAlert[];
  health: string;
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
  type: 'alerting';
}

/** A recording rule in `/api/v1/rules`. */
export interface ApiRecordingRule {
  name: string;
  query: string;
  labels: Record<string, string>;
  health: string;
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
  type: 'recording';
}

/** A rule group in `/api/v1/rules`. */
export interface ApiRuleGroup {
  name: string;
  file: string;
  rules: (ApiAlertingRule | ApiRecordingRule)[];
  interval: number;
  limit: number;
  evaluationTime: number;
  lastEvaluation: string;
}

/** The `data` of `/api/v1/rules`. */
export interface ApiRulesData {
  groups: ApiRuleGroup[];
  /** Set when `group_limit` cut the list: pass it as `group_next_token` for the next page. */
  groupNextToken?: string;
}

/** The `data` of `/api/v1/alerts`. */
export interface ApiAlertsData {
  alerts: ApiAlert[];
}

/** The filters of `/api/v1/rules`. */
export interface RulesQuery {
  type?: 'alert' | 'record' | undefined;
  ruleNames?: readonly string[] | undefined;
  groupNames?: readonly string[] | undefined;
  files?: readonly string[] | undefined;
  /** `match[]` selectors; a rule is kept when its labels match any of them. */
  match?: readonly string[] | undefined;
  excludeAlerts?: boolean | undefined;
  /** `group_limit`: at most this many groups per page. */
  groupLimit?: number | undefined;
  /** `group_next_token`: the page starts at the group with this token. */
  groupNextToken?: string | undefined;
}

/** A bad `/api/v1/rules` parameter; the HTTP layer answers 400 `bad_data`. */
export class RulesQueryError extends Error {
  override readonly name = 'RulesQueryError';
}

/** Reads the filters of `/api/v1/rules` from query (or form) parameters. */
export function parseRulesQuery(p: URLSearchParams): RulesQuery {
  const type = p.get('type')?.toLowerCase() ?? '';
  if (type !== '' && type !== 'alert' && type !== 'record') {
    throw new RulesQueryError(`invalid query parameter type='${type}'`);
  }
  const ex = p.get('exclude_alerts') ?? '';
  if (ex !== '' && ex !== 'true' && ex !== 'false') {
    throw new RulesQueryError(`cannot parse exclude_alerts: invalid syntax: "${ex}"`);
  }
  const limitText = p.get('group_limit') ?? '';
  let groupLimit: number | undefined;
  if (limitText !== '') {
    groupLimit = Number(limitText);
    if (!Number.isInteger(groupLimit) || groupLimit <= 0) {
      throw new RulesQueryError('group_limit needs to be greater than 0');
    }
  }
  const token = p.get('group_next_token') ?? '';
  if (token !== '' && groupLimit === undefined) {
    throw new RulesQueryError(
      'group_limit needs to be present in order to paginate over the groups',
    );
  }
  const list = (k: string): string[] | undefined => {
    const v = p.getAll(k);
    return v.length > 0 ? v : undefined;
  };
  return {
    type: type === '' ? undefined : type,
    ruleNames: list('rule_name[]'),
    groupNames: list('rule_group[]'),
    files: list('file[]'),
    match: list('match[]'),
    excludeAlerts: ex === 'true',
    groupLimit,
    groupNextToken: token === '' ? undefined : token,
  };
}

/** Go's RFC 3339 with nanoseconds (trailing zeros dropped), in UTC. */
export function goTimeJSON(ms: number): string {
  if (ms === 0) return '0001-01-01T00:00:00Z';
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.(\d{3})Z$/, (_m, f: string) => {
    const t = f.replace(/0+$/, '');
    return t === '' ? 'Z' : `.${t}Z`;
  });
}

/** Go's `strconv.FormatFloat(v, 'e', -1, 64)`, which the alert `value` field uses. */
export function formatValueE(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const s = v.toExponential();
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function record(l: Labels): Record<string, string> {
  return l.toRecord();
}

function mapRecord(m: ReadonlyMap<string, string>): Record<string, string> {
  return Labels.fromFlatUnsorted([...m].flat()).toRecord();
}

/** An alert in the API's shape. */
export function apiAlert(a: Alert): ApiAlert {
  const out: ApiAlert = {
    labels: record(a.labels),
    annotations: record(a.annotations),
    state: a.state === 'firing' ? 'firing' : 'pending',
    activeAt: goTimeJSON(a.activeAt),
    value: formatValueE(a.value),
  };
  if (a.keepFiringSince !== 0) out.keepFiringSince = goTimeJSON(a.keepFiringSince);
  return out;
}

function compileMatch(match: readonly string[] | undefined): Matcher[][] | undefined {
  if (!match) return undefined;
  return match.map((m) => {
    try {
      return parseMetricSelector(m);
    } catch (e) {
      throw new RulesQueryError(
        `cannot parse match[] ${JSON.stringify(m)}: ${(e as Error).message}`,
      );
    }
  });
}

function keepRule(r: Rule, q: RulesQuery, sets: Matcher[][] | undefined): boolean {
  if (q.type === 'alert' && !(r instanceof AlertingRule)) return false;
  if (q.type === 'record' && r instanceof AlertingRule) return false;
  if (q.ruleNames && !q.ruleNames.includes(r.name)) return false;
  if (sets) {
    const l = Labels.fromFlatUnsorted([...r.labels].flat());
    if (!sets.some((ms) => ms.every((m) => m.matches(l.get(m.name))))) return false;
  }
  return true;
}

function apiRule(r: Rule, excludeAlerts: boolean): ApiAlertingRule | ApiRecordingRule {
  const common = {
    name: r.name,
    query: r.spec.expr,
    labels: mapRecord(r.labels),
    health: r.status.health,
    ...(r.status.lastError !== '' ? { lastError: r.status.lastError } : {}),
    evaluationTime: r.status.evaluationTime,
    lastEvaluation: goTimeJSON(r.status.lastEvaluation),
  };
  if (!(r instanceof AlertingRule)) return { ...common, type: 'recording' };
  return {
    state: r.state(),
    name: common.name,
    query: common.query,
    duration: r.spec.forMs / 1000,
    keepFiringFor: r.spec.keepFiringForMs / 1000,
    labels: common.labels,
    annotations: mapRecord(r.spec.annotations),
    ...(excludeAlerts ? {} : { alerts: r.activeAlerts().map(apiAlert) }),
    health: common.health,
    ...(r.status.lastError !== '' ? { lastError: r.status.lastError } : {}),
    evaluationTime: common.evaluationTime,
    lastEvaluation: common.lastEvaluation,
    type: 'alerting',
  };
}

/** The `data` of `/api/v1/rules` for the manager's groups and the given filters. */
export function rulesData(groups: readonly Group[], q: RulesQuery = {}): ApiRulesData {
  const sets = compileMatch(q.match);
  const filtered = q.type !== undefined || q.ruleNames !== undefined || sets !== undefined;
  const out: ApiRuleGroup[] = [];
  let started = q.groupNextToken === undefined;
  let nextToken: string | undefined;
  for (const g of groups) {
    if (q.groupNames && !q.groupNames.includes(g.name)) continue;
    const token = groupToken(g.file, g.name);
    if (!started) {
      if (token !== q.groupNextToken) continue;
      started = true;
    }
    if (q.groupLimit !== undefined && out.length >= q.groupLimit) {
      nextToken = token;
      break;
    }
    if (q.files && !q.files.includes(g.file)) continue;
    const rules = g.rules
      .filter((r) => keepRule(r, q, sets))
      .map((r) => apiRule(r, q.excludeAlerts === true));
    if (filtered && rules.length === 0) continue;
    out.push({
      name: g.name,
      file: g.file,
      rules,
      interval: g.intervalMs / 1000,
      limit: g.spec.limit,
      evaluationTime: g.evaluationTime,
      lastEvaluation: goTimeJSON(g.lastEvaluation),
    });
  }
  if (!started) throw new RulesQueryError('invalid group_next_token');
  return nextToken === undefined ? { groups: out } : { groups: out, groupNextToken: nextToken };
}

/** The pagination token of a group: hex SHA-1 of `file;name`. */
export function groupToken(file: string, name: string): string {
  return createHash('sha1').update(`${file};${name}`).digest('hex');
}

/** The `data` of `/api/v1/alerts`: every pending and firing alert of every alerting rule. */
export function alertsData(groups: readonly Group[]): ApiAlertsData {
  const alerts: ApiAlert[] = [];
  for (const g of groups) {
    for (const r of g.rules)
      if (r instanceof AlertingRule) alerts.push(...r.activeAlerts().map(apiAlert));
  }
  return { alerts };
}
