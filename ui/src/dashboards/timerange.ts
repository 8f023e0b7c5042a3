/**
 * Grafana's time expressions: `now`, `now-6h`, `now-1d/d`, `now/w`, absolute epoch
 * milliseconds and ISO dates, resolved against a clock and a time zone (`browser`, `utc` or an
 * IANA name such as `Europe/Berlin`): rounding to days and dates without an offset are read on
 * that zone's wall clock. Pure functions, no DOM.
 */
import { formatDateTime as formatIn } from '../time/format.js';
import { type WallTime, wallTime, weekdayIn, zonedToEpoch } from '../time/zone.js';

/** A time zone as dashboards store it: `browser` (or empty), `utc`, or an IANA name. */
export type TimeZone = string;

/** A raw time range as the URL and the dashboard JSON hold it. */
export interface RawTimeRange {
  readonly from: string;
  readonly to: string;
}

/** Calendar units of date math. */
type Unit = 'y' | 'M' | 'w' | 'd' | 'h' | 'm' | 's';

const UNITS = new Set<string>(['y', 'M', 'w', 'd', 'h', 'm', 's']);

/** Adds `n` units, calendar-aware for days and longer (in the given zone). */
function add(t: number, n: number, unit: Unit, tz: TimeZone): number {
  const f = wallTime(t, tz);
  switch (unit) {
    case 'y':
      f.y += n;
      break;
    case 'M':
      f.M += n;
      break;
    case 'w':
      f.d += 7 * n;
      break;
    case 'd':
      f.d += n;
      break;
    case 'h':
      return t + n * 3_600_000;
    case 'm':
      return t + n * 60_000;
    case 's':
      return t + n * 1000;
  }
  return zonedToEpoch(f, tz);
}

/** The start of the unit containing `t` (weeks start on Sunday, like Grafana's default locale). */
function startOf(t: number, unit: Unit, tz: TimeZone): number {
  if (unit === 'h' || unit === 'm' || unit === 's') {
    // Hours and shorter are cut on the instant's wall clock, so half-hour zones round right.
    const f = wallTime(t, tz);
    const cut =
      unit === 'h' ? f.m * 60_000 + f.s * 1000 + f.ms : unit === 'm' ? f.s * 1000 + f.ms : f.ms;
    return t - cut;
  }
  const f = wallTime(t, tz);
  f.ms = 0;
  f.s = 0;
  f.m = 0;
  f.h = 0;
  if (unit === 'd') return zonedToEpoch(f, tz);
  if (unit === 'w') {
    f.d -= weekdayIn(t, tz);
    return zonedToEpoch(f, tz);
  }
  f.d = 1;
  if (unit === 'M') return zonedToEpoch(f, tz);
  f.M = 0;
  return zonedToEpoch(f, tz);
}

/** The last millisecond of the unit containing `t`. */
function endOf(t: number, unit: Unit, tz: TimeZone): number {
  return add(startOf(t, unit, tz), 1, unit, tz) - 1;
}

/** Whether a time expression is relative to now. */
export function isRelative(expr: string): boolean {
  return expr.trim().startsWith('now');
}

/**
 * Resolves a time expression to epoch milliseconds: `now` with any number of `±N<unit>` and
 * `/<unit>` (rounded down, or up to the end of the unit when `roundUp`, as for the range end),
 * epoch milliseconds, or a date (`2024-01-02`, `2024-01-02 03:04:05`, ISO 8601).
 * Returns undefined for text it cannot read.
 */
export function parseTime(
  expr: string,
  nowMs: number,
  tz: TimeZone = 'browser',
  roundUp = false,
): number | undefined {
  const text = expr.trim();
  if (text.startsWith('now')) {
    let t = nowMs;
    let i = 3;
    while (i < text.length) {
      const op = text[i];
      if (op === '/') {
        const u = text[i + 1] ?? '';
        if (!UNITS.has(u)) return undefined;
        const unit = u as Unit;
        t = roundUp ? endOf(t, unit, tz) : startOf(t, unit, tz);
        i += 2;
      } else if (op === '+' || op === '-') {
        const m = /^(\d*)([yMwdhms])/.exec(text.slice(i + 1));
        if (!m) return undefined;
        const n = m[1] === '' ? 1 : Number(m[1]);
        t = add(t, op === '-' ? -n : n, (m[2] ?? 's') as Unit, tz);
        i += 1 + m[0].length;
      } else if (op === ' ') {
        i++;
      } else {
        return undefined;
      }
    }
    return t;
  }
  if (/^\d{5,}$/.test(text)) return Number(text);
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      text,
    );
  if (!m) return undefined;
  if (m[8] !== undefined) {
    const t = Date.parse(text.replace(' ', 'T'));
    return Number.isNaN(t) ? undefined : t;
  }
  const f: WallTime = {
    y: Number(m[1]),
    M: Number(m[2]) - 1,
    d: Number(m[3]),
    h: Number(m[4] ?? 0),
    m: Number(m[5] ?? 0),
    s: Number(m[6] ?? 0),
    ms: Number((m[7] ?? '0').padEnd(3, '0')),
  };
  return zonedToEpoch(f, tz);
}

/** A resolved time range in epoch milliseconds. */
export interface ResolvedRange {
  readonly from: number;
  readonly to: number;
}

/**
 * Resolves a raw range; an unreadable end falls back to `now`, an unreadable start to six hours
 * before the end, and a start after the end is swapped.
 */
export function resolveRange(raw: RawTimeRange, nowMs: number, tz: TimeZone): ResolvedRange {
  const to = parseTime(raw.to, nowMs, tz, true) ?? nowMs;
  const from = parseTime(raw.from, nowMs, tz, false) ?? to - 6 * 3_600_000;
  return from <= to ? { from, to } : { from: to, to: from };
}

/** Formats epoch milliseconds as `YYYY-MM-DD HH:mm:ss` in the zone. */
export function formatDateTime(t: number, tz: TimeZone): string {
  return formatIn(t, tz);
}

/** Quick relative ranges of the time picker, as Grafana offers them. */
export const QUICK_RANGES: readonly {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}[] = [
  { from: 'now-5m', to: 'now', label: 'Last 5 minutes' },
  { from: 'now-15m', to: 'now', label: 'Last 15 minutes' },
  { from: 'now-30m', to: 'now', label: 'Last 30 minutes' },
  { from: 'now-1h', to: 'now', label: 'Last 1 hour' },
  { from: 'now-3h', to: 'now', label: 'Last 3 hours' },
  { from: 'now-6h', to: 'now', label: 'Last 6 hours' },
  { from: 'now-12h', to: 'now', label: 'Last 12 hours' },
  { from: 'now-24h', to: 'now', label: 'Last 24 hours' },
  { from: 'now-2d', to: 'now', label: 'Last 2 days' },
  { from: 'now-7d', to: 'now', label: 'Last 7 days' },
  { from: 'now-30d', to: 'now', label: 'Last 30 days' },
  { from: 'now/d', to: 'now/d', label: 'Today' },
  { from: 'now-1d/d', to: 'now-1d/d', label: 'Yesterday' },
  { from: 'now/w', to: 'now/w', label: 'This week' },
];

/** A label for a raw range: the quick range's name, `now-6h to now`, or formatted dates. */
export function describeRange(raw: RawTimeRange, tz: TimeZone): string {
  const q = QUICK_RANGES.find((r) => r.from === raw.from && r.to === raw.to);
  if (q) return q.label;
  const show = (e: string): string => {
    if (isRelative(e) || !/^\d+$/.test(e)) return e;
    return formatDateTime(Number(e), tz);
  };
  return `${show(raw.from)} to ${show(raw.to)}`;
}

/**
 * Shifts a range by a fraction of its length (negative = back in time, like Grafana's ◀/▶) or
 * zooms it out by `zoom` around its centre; the result is absolute.
 */
export function shiftRange(r: ResolvedRange, shift: number, zoom = 1): ResolvedRange {
  const len = r.to - r.from;
  const centre = r.from + len / 2 + shift * len;
  const half = (len * zoom) / 2;
  return { from: Math.round(centre - half), to: Math.round(centre + half) };
}
