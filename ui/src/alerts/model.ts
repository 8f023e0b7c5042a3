/**
 * Pure logic of the Alerts pages (no DOM, no React): the shapes the API returns, grouping of
 * alerts, silence matchers from alert labels, the silence request body, and the history
 * timeline. Node tests import this module directly.
 */

/** A label set. */
export type LabelSet = Readonly<Record<string, string>>;

/** The state of an alert or alerting rule, as `/api/v1/rules` reports it. */
export type RuleState = 'inactive' | 'pending' | 'firing';

/** An alert of an alerting rule. */
export interface RuleAlert {
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  readonly state: RuleState;
  /** RFC 3339; empty when unknown. */
  readonly activeAt: string;
  readonly value: string;
}

/** A rule of `/api/v1/rules`. */
export interface RuleInfo {
  readonly type: 'alerting' | 'recording';
  readonly name: string;
  readonly query: string;
  readonly health: string;
  readonly lastError: string;
  /** RFC 3339. */
  readonly lastEvaluation: string;
  /** Seconds. */
  readonly evaluationTime: number;
  readonly labels: LabelSet;
  /** Alerting rules only. */
  readonly state: RuleState | '';
  readonly duration: number;
  readonly annotations: LabelSet;
  readonly alerts: readonly RuleAlert[];
}

/** A rule group of `/api/v1/rules`. */
export interface RuleGroupInfo {
  readonly name: string;
  readonly file: string;
  readonly interval: number;
  readonly evaluationTime: number;
  readonly lastEvaluation: string;
  readonly rules: readonly RuleInfo[];
}

/** An alert of the Alertmanager API (`/api/v2/alerts`), as far as the UI needs it. */
export interface AmAlert {
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  /** RFC 3339. */
  readonly startsAt: string;
  readonly fingerprint: string;
  readonly state: string;
  readonly silencedBy: readonly string[];
  readonly inhibitedBy: readonly string[];
}

/** A silence matcher of the Alertmanager API. */
export interface SilenceMatcher {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  readonly isEqual: boolean;
}

/** A time-of-day range of a recurring silence (`HH:MM`). */
export interface TimeOfDay {
  readonly start_time: string;
  readonly end_time: string;
}

/** The recurring window of a silence (Kansoku extension; Alertmanager time interval keys). */
export interface Recurrence {
  readonly weekdays?: readonly string[];
  readonly times?: readonly TimeOfDay[];
  readonly location?: string;
}

/** A silence of `/api/v2/silences`. */
export interface SilenceInfo {
  readonly id: string;
  readonly state: 'active' | 'pending' | 'expired';
  readonly matchers: readonly SilenceMatcher[];
  readonly startsAt: string;
  readonly endsAt: string;
  readonly createdBy: string;
  readonly comment: string;
  readonly recurrence: Recurrence | undefined;
}

/** One entry of the alert history. */
export interface HistoryItem {
  /** Unix seconds. */
  readonly timestamp: number;
  readonly event: string;
  readonly labels: LabelSet;
  readonly fingerprint: string;
  readonly receiver: string;
  readonly detail: string;
}

/** A key that identifies a label set (order-independent). */
export function labelKey(l: LabelSet): string {
  return Object.keys(l)
    .sort()
    .map((k) => `${k}\u0001${l[k] ?? ''}`)
    .join('\u0002');
}

/** Formats labels as `{a="b", c="d"}` (without `alertname` when `skipName`). */
export function formatLabels(l: LabelSet, skipName = false): string {
  const parts = Object.keys(l)
    .sort()
    .filter((k) => !(skipName && k === 'alertname'))
    .map((k) => `${k}=${JSON.stringify(l[k] ?? '')}`);
  return `{${parts.join(', ')}}`;
}

/** An active (pending or firing) alert with its rule and group. */
export interface ActiveAlert extends RuleAlert {
  readonly rule: string;
  readonly group: string;
  readonly file: string;
}

/** Alerts of one rule, for the alerts list. */
export interface AlertRuleGroup {
  readonly group: string;
  readonly file: string;
  readonly rule: string;
  readonly state: RuleState;
  readonly alerts: readonly ActiveAlert[];
}

/**
 * The pending and firing alerts grouped by rule (and rule group): firing rules first, then
 * pending; within a rule, firing alerts first, then the longest active.
 */
export function groupActiveAlerts(groups: readonly RuleGroupInfo[]): AlertRuleGroup[] {
  const out: AlertRuleGroup[] = [];
  for (const g of groups) {
    for (const r of g.rules) {
      if (r.type !== 'alerting') continue;
      const alerts: ActiveAlert[] = r.alerts
        .filter((a) => a.state === 'pending' || a.state === 'firing')
        .map((a) => ({ ...a, rule: r.name, group: g.name, file: g.file }));
      if (alerts.length === 0) continue;
      alerts.sort(
        (a, b) =>
          stateRank(a.state) - stateRank(b.state) ||
          a.activeAt.localeCompare(b.activeAt) ||
          labelKey(a.labels).localeCompare(labelKey(b.labels)),
      );
      const state = alerts.some((a) => a.state === 'firing') ? 'firing' : 'pending';
      out.push({ group: g.name, file: g.file, rule: r.name, state, alerts });
    }
  }
  return out.sort(
    (a, b) =>
      stateRank(a.state) - stateRank(b.state) ||
      a.group.localeCompare(b.group) ||
      a.rule.localeCompare(b.rule),
  );
}

/**
 * Alerts the built-in Alertmanager holds that no local rule produced (posted by other
 * Prometheus servers or tools through `/api/v2/alerts`), grouped by alert name.
 */
export function externalAlertGroups(
  groups: readonly RuleGroupInfo[],
  am: readonly AmAlert[],
): AlertRuleGroup[] {
  const local = new Set<string>();
  for (const g of groups)
    for (const r of g.rules) for (const a of r.alerts) local.add(labelKey(a.labels));
  const byName = new Map<string, ActiveAlert[]>();
  for (const a of am) {
    if (local.has(labelKey(a.labels))) continue;
    const name = a.labels['alertname'] ?? '';
    const list = byName.get(name) ?? [];
    list.push({
      labels: a.labels,
      annotations: a.annotations,
      state: 'firing',
      activeAt: a.startsAt,
      value: '',
      rule: name,
      group: 'received through the Alertmanager API',
      file: '',
    });
    byName.set(name, list);
  }
  return [...byName]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([rule, alerts]) => ({
      group: 'received through the Alertmanager API',
      file: '',
      rule,
      state: 'firing' as const,
      alerts: alerts.sort((a, b) => labelKey(a.labels).localeCompare(labelKey(b.labels))),
    }));
}

function stateRank(s: RuleState): number {
  return s === 'firing' ? 0 : s === 'pending' ? 1 : 2;
}

/** Counts of rules by state and health, for the rules page summary. */
export function ruleCounts(groups: readonly RuleGroupInfo[]): Record<string, number> {
  const c: Record<string, number> = { firing: 0, pending: 0, inactive: 0, err: 0, recording: 0 };
  for (const g of groups)
    for (const r of g.rules) {
      if (r.type === 'recording') c['recording'] = (c['recording'] ?? 0) + 1;
      else c[r.state || 'inactive'] = (c[r.state || 'inactive'] ?? 0) + 1;
      if (r.health === 'err') c['err'] = (c['err'] ?? 0) + 1;
    }
  return c;
}

/** Equality matchers for every label of an alert (what "Silence" prefills). */
export function matchersFromLabels(l: LabelSet): SilenceMatcher[] {
  return Object.keys(l)
    .sort((a, b) => (a === 'alertname' ? -1 : b === 'alertname' ? 1 : a.localeCompare(b)))
    .map((name) => ({ name, value: l[name] ?? '', isRegex: false, isEqual: true }));
}

/** The operator of a matcher as text. */
export function matcherOp(m: SilenceMatcher): '=' | '!=' | '=~' | '!~' {
  return m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
}

/** A matcher from its operator text. */
export function matcherFromOp(name: string, op: string, value: string): SilenceMatcher {
  return { name, value, isRegex: op === '=~' || op === '!~', isEqual: op === '=' || op === '=~' };
}

/** Formats a matcher as `name="value"` with its operator. */
export function formatMatcher(m: SilenceMatcher): string {
  return `${m.name}${matcherOp(m)}${JSON.stringify(m.value)}`;
}

/** Whether a silence's matchers select a label set (the UI's preview; regexes anchored). */
export function silenceMatches(ms: readonly SilenceMatcher[], l: LabelSet): boolean {
  return ms.every((m) => {
    const v = l[m.name] ?? '';
    let hit: boolean;
    if (m.isRegex) {
      try {
        hit = new RegExp(`^(?:${m.value})$`, 'u').test(v);
      } catch {
        return false;
      }
    } else hit = v === m.value;
    return hit === m.isEqual;
  });
}

/** What the silence form holds. */
export interface SilenceDraft {
  readonly id: string;
  readonly matchers: readonly SilenceMatcher[];
  /** Start and end in ms. */
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly createdBy: string;
  readonly comment: string;
  readonly recurrence: Recurrence | undefined;
}

/** A problem with a draft that keeps it from being saved; undefined when it is fine. */
export function draftProblem(d: SilenceDraft, nowMs: number): string | undefined {
  const ms = d.matchers.filter((m) => m.name !== '');
  if (ms.length === 0) return 'Add at least one matcher.';
  for (const m of ms) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(m.name)) return `Invalid label name "${m.name}".`;
    if (m.isRegex) {
      try {
        new RegExp(m.value, 'u');
      } catch {
        return `Invalid regular expression for ${m.name}.`;
      }
    }
  }
  if (ms.every((m) => silenceMatches([m], {}))) return 'A matcher must not match empty values.';
  if (!Number.isFinite(d.startsAtMs) || !Number.isFinite(d.endsAtMs)) return 'Set start and end.';
  if (d.endsAtMs <= d.startsAtMs) return 'The end must be after the start.';
  if (d.endsAtMs <= nowMs) return 'The end must be in the future.';
  if (d.createdBy.trim() === '') return 'Say who creates the silence.';
  if (d.comment.trim() === '') return 'Add a comment.';
  const r = d.recurrence;
  if (r !== undefined) {
    for (const t of r.times ?? []) {
      if (!/^\d\d:\d\d$/.test(t.start_time) || !/^\d\d:\d\d$/.test(t.end_time))
        return 'Recurring times are HH:MM.';
      if (t.start_time >= t.end_time)
        return 'A recurring time range must end after it starts (split ranges that cross midnight).';
    }
    if ((r.weekdays ?? []).length === 0 && (r.times ?? []).length === 0)
      return 'Pick weekdays or a time range for the recurring window.';
  }
  return undefined;
}

/** The body of `POST /api/v2/silences` for a draft. */
export function silenceBody(d: SilenceDraft): Record<string, unknown> {
  return {
    ...(d.id === '' ? {} : { id: d.id }),
    matchers: d.matchers.filter((m) => m.name !== ''),
    startsAt: new Date(d.startsAtMs).toISOString(),
    endsAt: new Date(d.endsAtMs).toISOString(),
    createdBy: d.createdBy.trim(),
    comment: d.comment.trim(),
    ...(d.recurrence === undefined ? {} : { recurrence: d.recurrence }),
  };
}

/** Describes a recurrence in words: "Mon, Tue 02:00–04:00 (Europe/Berlin)". */
export function describeRecurrence(r: Recurrence): string {
  const days = (r.weekdays ?? []).map((d) => d.slice(0, 1).toUpperCase() + d.slice(1, 3));
  const times = (r.times ?? []).map((t) => `${t.start_time}–${t.end_time}`);
  const parts = [days.length > 0 ? days.join(', ') : 'every day', ...times];
  return `${parts.join(' ')}${r.location ? ` (${r.location})` : ''}`;
}

/** A duration in seconds as `1d 2h`, `5m 3s`, `450ms`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = Math.floor(seconds);
  for (const [u, n] of units) {
    if (rest >= n) {
      parts.push(`${Math.floor(rest / n)}${u}`);
      rest %= n;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** How long ago an RFC 3339 time was ("never" for empty or zero times). */
export function since(iso: string, nowMs: number): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t) || t <= 0) return 'never';
  const s = Math.max(0, (nowMs - t) / 1000);
  return s < 1 ? 'just now' : `${formatDuration(s)} ago`;
}

/** One stretch of an alert's timeline. */
export interface TimelineSegment {
  readonly state: 'pending' | 'firing';
  /** Start and end in ms, clipped to the range. */
  readonly fromMs: number;
  readonly toMs: number;
}

/** The timeline of one alert over a range. */
export interface AlertTimeline {
  readonly fingerprint: string;
  readonly labels: LabelSet;
  readonly segments: readonly TimelineSegment[];
  /** Silenced / notified / failed marks in ms. */
  readonly marks: readonly { readonly event: string; readonly tMs: number }[];
}

/**
 * Builds per-alert timelines from history entries (oldest first) over `[startMs, endMs]`: a
 * pending or firing stretch lasts until the next state change (or the range's end when none).
 */
export function buildTimelines(
  items: readonly HistoryItem[],
  startMs: number,
  endMs: number,
): AlertTimeline[] {
  const byFp = new Map<
    string,
    {
      labels: LabelSet;
      segs: TimelineSegment[];
      marks: { event: string; tMs: number }[];
      open?: { state: 'pending' | 'firing'; fromMs: number };
    }
  >();
  const close = (
    e: { segs: TimelineSegment[]; open?: { state: 'pending' | 'firing'; fromMs: number } },
    t: number,
  ): void => {
    if (e.open === undefined) return;
    const fromMs = Math.max(startMs, e.open.fromMs);
    const toMs = Math.min(endMs, t);
    if (toMs > fromMs) e.segs.push({ state: e.open.state, fromMs, toMs });
    delete e.open;
  };
  for (const it of items) {
    const t = it.timestamp * 1000;
    let e = byFp.get(it.fingerprint);
    if (e === undefined) {
      e = { labels: it.labels, segs: [], marks: [] };
      byFp.set(it.fingerprint, e);
    }
    switch (it.event) {
      case 'pending':
      case 'firing':
        close(e, t);
        e.open = { state: it.event, fromMs: t };
        break;
      case 'resolved':
      case 'inactive':
        close(e, t);
        break;
      default:
        if (t >= startMs && t <= endMs) e.marks.push({ event: it.event, tMs: t });
    }
  }
  const out: AlertTimeline[] = [];
  for (const [fingerprint, e] of byFp) {
    close(e, endMs);
    out.push({ fingerprint, labels: e.labels, segments: e.segs, marks: e.marks });
  }
  return out.sort(
    (a, b) =>
      (a.labels['alertname'] ?? '').localeCompare(b.labels['alertname'] ?? '') ||
      labelKey(a.labels).localeCompare(labelKey(b.labels)),
  );
}
