/**
 * The Alerts pages' API calls: rules (`/api/v1/rules`), the built-in Alertmanager
 * (`/api/v2/alerts`, `/api/v2/silences`) and the alert history
 * (`/api/kansoku/alerts/history`). Every response is decoded before use.
 */
import { ApiError, readEnvelope } from '../api/client.js';
import { arr, bool, type Decoder, field, num, obj, opt, record, str } from '../api/decode.js';
import type {
  AmAlert,
  HistoryItem,
  Recurrence,
  RuleAlert,
  RuleGroupInfo,
  RuleInfo,
  RuleState,
  SilenceInfo,
  SilenceMatcher,
} from './model.js';

const labels = record(str);

const ruleState: Decoder<RuleState> = (v, p) => {
  const s = str(v, p);
  return s === 'firing' || s === 'pending' ? s : 'inactive';
};

function ruleAlert(v: unknown, p: string): RuleAlert {
  const o = obj(v, p);
  return {
    labels: field(o, 'labels', labels, p),
    annotations: field(o, 'annotations', opt(labels, {}), p),
    state: field(o, 'state', ruleState, p),
    activeAt: field(o, 'activeAt', opt(str, ''), p),
    value: field(o, 'value', opt(str, ''), p),
  };
}

function rule(v: unknown, p: string): RuleInfo {
  const o = obj(v, p);
  const type = field(o, 'type', str, p) === 'alerting' ? 'alerting' : 'recording';
  return {
    type,
    name: field(o, 'name', str, p),
    query: field(o, 'query', str, p),
    health: field(o, 'health', opt(str, 'unknown'), p),
    lastError: field(o, 'lastError', opt(str, ''), p),
    lastEvaluation: field(o, 'lastEvaluation', opt(str, ''), p),
    evaluationTime: field(o, 'evaluationTime', opt(num, 0), p),
    labels: field(o, 'labels', opt(labels, {}), p),
    state: type === 'alerting' ? field(o, 'state', ruleState, p) : '',
    duration: field(o, 'duration', opt(num, 0), p),
    annotations: field(o, 'annotations', opt(labels, {}), p),
    alerts: field(o, 'alerts', opt(arr(ruleAlert), []), p),
  };
}

function ruleGroup(v: unknown, p: string): RuleGroupInfo {
  const o = obj(v, p);
  return {
    name: field(o, 'name', str, p),
    file: field(o, 'file', str, p),
    interval: field(o, 'interval', opt(num, 0), p),
    evaluationTime: field(o, 'evaluationTime', opt(num, 0), p),
    lastEvaluation: field(o, 'lastEvaluation', opt(str, ''), p),
    rules: field(o, 'rules', arr(rule), p),
  };
}

const rulesData: Decoder<RuleGroupInfo[]> = (v, p) => field(obj(v, p), 'groups', arr(ruleGroup), p);

function amAlert(v: unknown, p: string): AmAlert {
  const o = obj(v, p);
  const st = field(o, 'status', (x, q) => obj(x, q), p);
  return {
    labels: field(o, 'labels', labels, p),
    annotations: field(o, 'annotations', opt(labels, {}), p),
    startsAt: field(o, 'startsAt', opt(str, ''), p),
    fingerprint: field(o, 'fingerprint', str, p),
    state: field(st, 'state', str, `${p}.status`),
    silencedBy: field(st, 'silencedBy', opt(arr(str), []), `${p}.status`),
    inhibitedBy: field(st, 'inhibitedBy', opt(arr(str), []), `${p}.status`),
  };
}

function matcher(v: unknown, p: string): SilenceMatcher {
  const o = obj(v, p);
  return {
    name: field(o, 'name', str, p),
    value: field(o, 'value', str, p),
    isRegex: field(o, 'isRegex', bool, p),
    isEqual: field(o, 'isEqual', opt(bool, true), p),
  };
}

function recurrence(v: unknown, p: string): Recurrence | undefined {
  if (v === undefined || v === null) return undefined;
  const o = obj(v, p);
  const times = field(
    o,
    'times',
    opt(
      arr((x, q) => {
        const t = obj(x, q);
        return {
          start_time: field(t, 'start_time', str, q),
          end_time: field(t, 'end_time', str, q),
        };
      }),
      [],
    ),
    p,
  );
  const location = field(o, 'location', opt(str, ''), p);
  return {
    weekdays: field(o, 'weekdays', opt(arr(str), []), p),
    times,
    ...(location === '' ? {} : { location }),
  };
}

function silence(v: unknown, p: string): SilenceInfo {
  const o = obj(v, p);
  const st = field(
    field(o, 'status', (x, q) => obj(x, q), p),
    'state',
    str,
    `${p}.status`,
  );
  return {
    id: field(o, 'id', str, p),
    state: st === 'active' || st === 'pending' ? st : 'expired',
    matchers: field(o, 'matchers', arr(matcher), p),
    startsAt: field(o, 'startsAt', str, p),
    endsAt: field(o, 'endsAt', str, p),
    createdBy: field(o, 'createdBy', opt(str, ''), p),
    comment: field(o, 'comment', opt(str, ''), p),
    recurrence: recurrence(o['recurrence'], `${p}.recurrence`),
  };
}

function historyItem(v: unknown, p: string): HistoryItem {
  const o = obj(v, p);
  return {
    timestamp: field(o, 'timestamp', num, p),
    event: field(o, 'event', str, p),
    labels: field(o, 'labels', labels, p),
    fingerprint: field(o, 'fingerprint', str, p),
    receiver: field(o, 'receiver', opt(str, ''), p),
    detail: field(o, 'detail', opt(str, ''), p),
  };
}

async function call(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(`cannot reach the Kansoku server: ${String(e)}`, 'network');
  }
}

/** Reads a plain-JSON Alertmanager answer (errors come as a JSON string). */
async function readPlain<T>(res: Response, d: Decoder<T>): Promise<T> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(
      `cannot read response: HTTP ${res.status} without JSON body`,
      'bad_response',
    );
  }
  if (!res.ok)
    throw new ApiError(typeof body === 'string' ? body : `HTTP ${res.status}`, 'alertmanager');
  return d(body, 'response');
}

/** The rule groups with their rules and alerts. */
export async function fetchRuleGroups(signal?: AbortSignal): Promise<RuleGroupInfo[]> {
  const res = await call('/api/v1/rules', signal ? { signal } : {});
  return (await readEnvelope(res, rulesData)).data;
}

/** The built-in Alertmanager's alerts (with silenced / inhibited status). */
export function fetchAmAlerts(signal?: AbortSignal): Promise<AmAlert[]> {
  return call('/api/v2/alerts', signal ? { signal } : {}).then((r) => readPlain(r, arr(amAlert)));
}

/** All silences. */
export function fetchSilences(signal?: AbortSignal): Promise<SilenceInfo[]> {
  return call('/api/v2/silences', signal ? { signal } : {}).then((r) => readPlain(r, arr(silence)));
}

/** One silence. */
export function fetchSilence(id: string, signal?: AbortSignal): Promise<SilenceInfo> {
  return call(`/api/v2/silence/${encodeURIComponent(id)}`, signal ? { signal } : {}).then((r) =>
    readPlain(r, silence),
  );
}

/** Creates or updates a silence; resolves with its id. */
export async function saveSilence(body: Record<string, unknown>): Promise<string> {
  const res = await call('/api/v2/silences', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return readPlain(res, (v, p) => field(obj(v, p), 'silenceID', str, p));
}

/** Expires a silence. */
export async function expireSilence(id: string): Promise<void> {
  const res = await call(`/api/v2/silence/${encodeURIComponent(id)}`, { method: 'DELETE' });
  if (!res.ok) await readPlain(res, (v) => v);
}

/** The alert history over `[startS, endS]` (Unix seconds), filtered by a matcher list. */
export async function fetchHistory(
  startS: number,
  endS: number,
  matcher: string,
  signal?: AbortSignal,
): Promise<HistoryItem[]> {
  const qs = new URLSearchParams({ start: String(startS), end: String(endS) });
  if (matcher.trim() !== '') qs.set('matcher', matcher.trim());
  const res = await call(`/api/kansoku/alerts/history?${qs.toString()}`, signal ? { signal } : {});
  return (await readEnvelope(res, arr(historyItem))).data;
}
