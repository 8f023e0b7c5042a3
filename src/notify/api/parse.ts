import type { PostedAlert } from '../alerts/store.js';
import type { SilenceMatcher } from '../silence/silences.js';

/** An API request Kansoku's Alertmanager API cannot serve; `status` is the HTTP status. */
export class AlertmanagerApiError extends Error {
  override readonly name = 'AlertmanagerApiError';
  constructor(
    message: string,
    readonly status: 400 | 404 | 500,
  ) {
    super(message);
  }
}

const bad = (m: string): AlertmanagerApiError => new AlertmanagerApiError(m, 400);

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function labelSet(v: unknown, what: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw bad(`${what} must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') throw bad(`${what}.${k} must be a string`);
    out[k] = x;
  }
  return out;
}

/** Parses an RFC 3339 time; absent → 0. */
export function parseTime(v: unknown, what: string): number {
  if (v === undefined || v === null || v === '') return 0;
  if (typeof v !== 'string') throw bad(`${what} must be an RFC 3339 date-time string`);
  const t = Date.parse(v);
  if (!/^\d{4}-\d\d-\d\dT/.test(v) || Number.isNaN(t))
    throw bad(`${what} in body must be of type date-time: ${JSON.stringify(v)}`);
  // Go's zero time ("0001-01-01T00:00:00Z") means "not set".
  return t <= -62135596800000 ? 0 : t;
}

/** Parses the body of `POST /api/v2/alerts`. */
export function parsePostableAlerts(body: unknown): PostedAlert[] {
  if (!Array.isArray(body)) throw bad('body must be a JSON array of alerts');
  return body.map((a: unknown, i) => {
    if (!isObj(a)) throw bad(`alert ${i} must be an object`);
    if (a['labels'] === undefined) throw bad(`${i}.labels in body is required`);
    const gen = a['generatorURL'];
    if (gen !== undefined && typeof gen !== 'string')
      throw bad(`${i}.generatorURL must be a string`);
    return {
      labels: labelSet(a['labels'], `${i}.labels`),
      annotations: labelSet(a['annotations'], `${i}.annotations`),
      startsAtMs: parseTime(a['startsAt'], `${i}.startsAt`),
      endsAtMs: parseTime(a['endsAt'], `${i}.endsAt`),
      generatorURL: gen ?? '',
    };
  });
}

/** A parsed `postableSilence`. */
export interface PostableSilence {
  readonly id?: string;
  readonly matchers: SilenceMatcher[];
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly createdBy: string;
  readonly comment: string;
  readonly annotations: Record<string, string>;
  /** Kansoku extension: a recurring window (see `Silence.recurrence`). */
  readonly recurrence?: Record<string, unknown>;
}

/** Parses the body of `POST /api/v2/silences`. */
export function parsePostableSilence(body: unknown): PostableSilence {
  if (!isObj(body)) throw bad('body must be a silence object');
  const ms = body['matchers'];
  if (!Array.isArray(ms)) throw bad('matchers in body is required');
  const matchers = ms.map((m: unknown, i): SilenceMatcher => {
    if (!isObj(m)) throw bad(`matchers.${i} must be an object`);
    const { name, value, isRegex, isEqual } = m;
    if (typeof name !== 'string') throw bad(`matchers.${i}.name in body is required`);
    if (typeof value !== 'string') throw bad(`matchers.${i}.value in body is required`);
    if (typeof isRegex !== 'boolean') throw bad(`matchers.${i}.isRegex in body is required`);
    if (isEqual !== undefined && typeof isEqual !== 'boolean')
      throw bad(`matchers.${i}.isEqual must be a boolean`);
    return { name, value, isRegex, isEqual: isEqual ?? true };
  });
  const str = (k: string): string => {
    const v = body[k];
    if (typeof v !== 'string') throw bad(`${k} in body is required`);
    return v;
  };
  const id = body['id'];
  if (id !== undefined && typeof id !== 'string') throw bad('id must be a string');
  if (body['startsAt'] === undefined) throw bad('startsAt in body is required');
  if (body['endsAt'] === undefined) throw bad('endsAt in body is required');
  return {
    ...(id === undefined || id === '' ? {} : { id }),
    matchers,
    startsAtMs: parseTime(body['startsAt'], 'startsAt'),
    endsAtMs: parseTime(body['endsAt'], 'endsAt'),
    createdBy: str('createdBy'),
    comment: str('comment'),
    annotations: labelSet(body['annotations'], 'annotations'),
    ...recurrence(body['recurrence']),
  };
}

function recurrence(v: unknown): { recurrence?: Record<string, unknown> } {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw bad('recurrence must be a time interval object');
  return { recurrence: v };
}
