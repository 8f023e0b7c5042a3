import { Labels, type Matcher } from '../../model/index.js';
import { fingerprint, type Alert } from '../alerts/alert.js';
import { InvalidAlertsError } from '../alerts/store.js';
import type { Alertmanager } from '../alertmanager.js';
import { MatcherParseError, intervalContains, parseMatchers } from '../config/index.js';
import {
  SilenceError,
  silenceState,
  type Silence,
  type SilenceState,
} from '../silence/silences.js';
import { AlertmanagerApiError, parsePostableAlerts, parsePostableSilence } from './parse.js';

/** `alertStatus` of the API. */
export interface AlertStatus {
  state: 'unprocessed' | 'active' | 'suppressed';
  silencedBy: string[];
  inhibitedBy: string[];
  mutedBy: string[];
}

/** `gettableAlert` of the API. */
export interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  receivers: { name: string }[];
  fingerprint: string;
  startsAt: string;
  updatedAt: string;
  endsAt: string;
  generatorURL: string;
  status: AlertStatus;
}

/** `gettableSilence` of the API. */
export interface GettableSilence {
  id: string;
  status: { state: SilenceState };
  updatedAt: string;
  matchers: { name: string; value: string; isRegex: boolean; isEqual: boolean }[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  annotations: Record<string, string>;
  /** Kansoku extension: the recurring window of a recurring silence. */
  recurrence?: Readonly<Record<string, unknown>>;
}

/** `alertGroup` of the API. */
export interface AlertGroup {
  labels: Record<string, string>;
  routeLabels: Record<string, string>;
  receiver: { name: string };
  alerts: GettableAlert[];
}

/** Query of `GET /api/v2/alerts` and `/alerts/groups` (absent booleans default to true). */
export interface AlertQuery {
  readonly active?: boolean;
  readonly silenced?: boolean;
  readonly inhibited?: boolean;
  readonly unprocessed?: boolean;
  readonly muted?: boolean;
  readonly filter?: readonly string[];
  /** A regular expression the receiver name must match (anchored). */
  readonly receiver?: string;
}

/** Build information for `/api/v2/status`. */
export interface VersionInfo {
  version: string;
  revision: string;
  branch: string;
  buildUser: string;
  buildDate: string;
  goVersion: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function filterMatchers(filter: readonly string[] | undefined): Matcher[] {
  const out: Matcher[] = [];
  for (const f of filter ?? []) {
    try {
      out.push(...parseMatchers(f).matchers);
    } catch (e) {
      if (e instanceof MatcherParseError)
        throw new AlertmanagerApiError(`bad matcher format: ${f}: ${e.message}`, 400);
      throw e;
    }
  }
  return out;
}

function receiverRegExp(r: string | undefined): RegExp | undefined {
  if (r === undefined || r === '') return undefined;
  try {
    return new RegExp(`^(?:${r})$`);
  } catch {
    throw new AlertmanagerApiError(`failed to parse receiver param: ${r}`, 400);
  }
}

function receiversOf(am: Alertmanager, labels: Labels): { name: string }[] {
  const names: string[] = [];
  for (const r of am.routeTree().match(labels))
    if (!names.includes(r.options.receiver)) names.push(r.options.receiver);
  return names.map((name) => ({ name }));
}

/** Names of the time intervals muting every route of the alert right now. */
function mutedBy(am: Alertmanager, labels: Labels): string[] {
  const now = am.clock.now();
  const intervals = am.config().timeIntervals;
  const on = (n: string): boolean => {
    const ti = intervals.get(n);
    return ti !== undefined && intervalContains(ti, now);
  };
  const names = new Set<string>();
  const routes = am.routeTree().match(labels);
  for (const r of routes) {
    const mute = r.options.muteTimeIntervals.filter(on);
    const active = r.options.activeTimeIntervals;
    const inactive = active.length > 0 && !active.some(on) ? active : [];
    if (mute.length === 0 && inactive.length === 0) return [];
    for (const n of [...mute, ...inactive]) names.add(n);
  }
  return [...names].sort();
}

function gettable(am: Alertmanager, a: Alert): GettableAlert {
  const { silencedBy, inhibitedBy } = am.status(a);
  const muted = mutedBy(am, a.labels);
  const suppressed = silencedBy.length > 0 || inhibitedBy.length > 0 || muted.length > 0;
  return {
    labels: a.labels.toRecord(),
    annotations: { ...a.annotations },
    receivers: receiversOf(am, a.labels),
    fingerprint: fingerprint(a.labels),
    startsAt: iso(a.startsAtMs),
    updatedAt: iso(a.updatedAtMs),
    endsAt: iso(a.endsAtMs),
    generatorURL: a.generatorURL,
    status: {
      state: suppressed ? 'suppressed' : 'active',
      silencedBy,
      inhibitedBy,
      mutedBy: muted,
    },
  };
}

function keep(
  g: GettableAlert,
  q: AlertQuery,
  ms: readonly Matcher[],
  recv: RegExp | undefined,
  now: number,
  a: Alert,
): boolean {
  if (a.endsAtMs > 0 && a.endsAtMs <= now) return false;
  const s = g.status;
  if (s.state === 'active' && q.active === false) return false;
  if (s.silencedBy.length > 0 && q.silenced === false) return false;
  if (s.inhibitedBy.length > 0 && q.inhibited === false) return false;
  if (s.mutedBy.length > 0 && q.muted === false) return false;
  if (recv !== undefined && !g.receivers.some((r) => recv.test(r.name))) return false;
  return ms.every((m) => m.matches(a.labels.get(m.name)));
}

/** `GET /api/v2/alerts`: current (unresolved) alerts, sorted by fingerprint. */
export function getAlerts(am: Alertmanager, q: AlertQuery = {}): GettableAlert[] {
  const ms = filterMatchers(q.filter);
  const recv = receiverRegExp(q.receiver);
  const now = am.clock.now();
  const out: GettableAlert[] = [];
  for (const [, a] of am.store.list()) {
    const g = gettable(am, a);
    if (keep(g, q, ms, recv, now, a)) out.push(g);
  }
  return out.sort((x, y) =>
    x.fingerprint < y.fingerprint ? -1 : x.fingerprint > y.fingerprint ? 1 : 0,
  );
}

/** `POST /api/v2/alerts`. Throws `AlertmanagerApiError` (400) for invalid alerts. */
export function postAlerts(am: Alertmanager, body: unknown): void {
  const alerts = parsePostableAlerts(body);
  try {
    am.receive(alerts);
  } catch (e) {
    if (e instanceof InvalidAlertsError) throw new AlertmanagerApiError(e.problems.join('\n'), 400);
    throw e;
  }
}

/** `GET /api/v2/alerts/groups`: the aggregation groups with their (filtered) alerts. */
export function getAlertGroups(am: Alertmanager, q: AlertQuery = {}): AlertGroup[] {
  const ms = filterMatchers(q.filter);
  const recv = receiverRegExp(q.receiver);
  const now = am.clock.now();
  const out: AlertGroup[] = [];
  for (const g of am.groups()?.listGroups() ?? []) {
    const receiver = g.route.options.receiver;
    if (recv !== undefined && !recv.test(receiver)) continue;
    const alerts: GettableAlert[] = [];
    for (const [, a] of g.list()) {
      const ga = gettable(am, a);
      if (keep(ga, { ...q, receiver: '' }, ms, undefined, now, a)) alerts.push(ga);
    }
    if (alerts.length === 0) continue;
    out.push({
      labels: g.groupLabels.toRecord(),
      routeLabels: { ...g.route.options.labels },
      receiver: { name: receiver },
      alerts,
    });
  }
  return out.sort((a, b) => {
    const ka = `${a.receiver.name}\u0000${Labels.fromRecord(a.labels).toString()}`;
    const kb = `${b.receiver.name}\u0000${Labels.fromRecord(b.labels).toString()}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

function gettableSilence(s: Silence, now: number): GettableSilence {
  return {
    id: s.id,
    status: { state: silenceState(s, now) },
    updatedAt: iso(s.updatedAtMs),
    matchers: s.matchers.map((m) => ({ ...m })),
    startsAt: iso(s.startsAtMs),
    endsAt: iso(s.endsAtMs),
    createdBy: s.createdBy,
    comment: s.comment,
    annotations: { ...(s.annotations ?? {}) },
    ...(s.recurrence === undefined ? {} : { recurrence: s.recurrence }),
  };
}

const STATE_ORDER: Record<SilenceState, number> = { active: 0, pending: 1, expired: 2 };

/**
 * `GET /api/v2/silences`: active ones first (ending soonest first), then pending (starting
 * soonest first), then expired (most recently ended first), as Alertmanager orders them.
 */
export function getSilences(
  am: Alertmanager,
  q: { filter?: readonly string[] } = {},
): GettableSilence[] {
  const ms = filterMatchers(q.filter);
  const now = am.clock.now();
  const list = am.silences.list((s) =>
    ms.every((m) => {
      const sm = s.matchers.find((x) => x.name === m.name);
      return sm !== undefined && m.matches(sm.value);
    }),
  );
  const key = (s: Silence): number => {
    const st = silenceState(s, now);
    return st === 'active' ? s.endsAtMs : st === 'pending' ? s.startsAtMs : -s.endsAtMs;
  };
  list.sort(
    (a, b) =>
      STATE_ORDER[silenceState(a, now)] - STATE_ORDER[silenceState(b, now)] || key(a) - key(b),
  );
  return list.map((s) => gettableSilence(s, now));
}

function silenceError(e: unknown): never {
  if (e instanceof SilenceError)
    throw new AlertmanagerApiError(e.message, e.kind === 'not_found' ? 404 : 400);
  throw e;
}

/** `POST /api/v2/silences`: creates or updates; returns `{silenceID}`. */
export async function postSilences(
  am: Alertmanager,
  body: unknown,
): Promise<{ silenceID: string }> {
  const p = parsePostableSilence(body);
  try {
    return { silenceID: await am.silences.set(p) };
  } catch (e) {
    return silenceError(e);
  }
}

/** `GET /api/v2/silence/{id}`. */
export function getSilence(am: Alertmanager, id: string): GettableSilence {
  const s = am.silences.get(id);
  if (s === undefined) throw new AlertmanagerApiError(`silence ${id} not found`, 404);
  return gettableSilence(s, am.clock.now());
}

/** `DELETE /api/v2/silence/{id}`: expires the silence. */
export async function deleteSilence(am: Alertmanager, id: string): Promise<void> {
  try {
    await am.silences.expire(id);
  } catch (e) {
    silenceError(e);
  }
}

/** `GET /api/v2/status`. Kansoku runs no cluster, so the cluster status is "disabled". */
export function getStatus(am: Alertmanager, version: VersionInfo): unknown {
  return {
    cluster: { status: 'disabled', peers: [] },
    versionInfo: version,
    config: { original: am.config().original },
    uptime: iso(am.uptimeSince()),
  };
}

/** `GET /api/v2/receivers`. */
export function getReceivers(
  am: Alertmanager,
): { name: string; labels?: Record<string, string> }[] {
  return am
    .config()
    .receivers.map((r) =>
      Object.keys(r.labels).length > 0
        ? { name: r.name, labels: { ...r.labels } }
        : { name: r.name },
    );
}
