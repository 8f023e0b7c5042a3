/**
 * Time zones as dashboards store them — `browser` (or empty), `utc`, or an IANA name such as
 * `Europe/Berlin` — turned into wall-clock fields and back with `Intl.DateTimeFormat` alone.
 * Wall times that a DST change skips move forward by the gap; wall times it repeats resolve to
 * the first occurrence (as Grafana does). Pure functions, no DOM.
 */

/** A time zone as dashboards and URLs hold it: `browser`/empty, `utc`, or an IANA name. */
export type TimeZone = string;

/** Broken-down wall-clock fields (month 0-based, like `Date`). */
export interface WallTime {
  y: number;
  M: number;
  d: number;
  h: number;
  m: number;
  s: number;
  ms: number;
}

const valid = new Map<string, boolean>();

/** Whether `name` is an IANA zone this runtime knows. */
export function isZoneName(name: string): boolean {
  let ok = valid.get(name);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      ok = true;
    } catch {
      ok = false;
    }
    valid.set(name, ok);
  }
  return ok;
}

/**
 * The IANA zone for a stored time zone, or undefined for the browser's zone (`browser`, empty,
 * or a name this runtime does not know).
 */
export function ianaZone(tz: TimeZone | undefined): string | undefined {
  if (tz === undefined || tz === '' || tz.toLowerCase() === 'browser') return undefined;
  if (tz.toLowerCase() === 'utc') return 'UTC';
  return isZoneName(tz) ? tz : undefined;
}

/** The stored form of a zone choice: `browser`, `utc`, or the IANA name as given. */
export function normalizeZone(tz: TimeZone | undefined): TimeZone {
  if (tz === undefined || tz === '' || tz.toLowerCase() === 'browser') return 'browser';
  if (tz.toLowerCase() === 'utc') return 'utc';
  return tz;
}

const partsCache = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = partsCache.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    partsCache.set(zone, f);
  }
  return f;
}

/** The wall-clock fields of `ms` in the zone (the browser's zone for `browser`). */
export function wallTime(ms: number, tz: TimeZone | undefined): WallTime {
  const zone = ianaZone(tz);
  const x = new Date(ms);
  const frac = ((ms % 1000) + 1000) % 1000;
  if (zone === undefined)
    return {
      y: x.getFullYear(),
      M: x.getMonth(),
      d: x.getDate(),
      h: x.getHours(),
      m: x.getMinutes(),
      s: x.getSeconds(),
      ms: x.getMilliseconds(),
    };
  if (zone === 'UTC')
    return {
      y: x.getUTCFullYear(),
      M: x.getUTCMonth(),
      d: x.getUTCDate(),
      h: x.getUTCHours(),
      m: x.getUTCMinutes(),
      s: x.getUTCSeconds(),
      ms: x.getUTCMilliseconds(),
    };
  const w: WallTime = { y: 0, M: 0, d: 0, h: 0, m: 0, s: 0, ms: frac };
  let bc = false;
  for (const p of partsFormatter(zone).formatToParts(x)) {
    const n = Number(p.value);
    switch (p.type) {
      case 'year':
        w.y = n;
        break;
      case 'month':
        w.M = n - 1;
        break;
      case 'day':
        w.d = n;
        break;
      case 'hour':
        w.h = n % 24;
        break;
      case 'minute':
        w.m = n;
        break;
      case 'second':
        w.s = n;
        break;
      case 'era':
        bc = p.value.startsWith('B');
        break;
      default:
        break;
    }
  }
  if (bc) w.y = 1 - w.y;
  return w;
}

/** The wall time read as if it were UTC, in ms (fields may overflow; Date.UTC normalises them). */
function wallAsUtc(w: WallTime): number {
  const t = Date.UTC(w.y, w.M, w.d, w.h, w.m, w.s, w.ms);
  // Date.UTC maps years 0..99 to 1900..1999.
  if (w.y >= 0 && w.y < 100) {
    const d = new Date(t);
    d.setUTCFullYear(d.getUTCFullYear() - 1900);
    return d.getTime();
  }
  return t;
}

/** The zone's offset from UTC at instant `ms`, in ms (positive east of Greenwich). */
export function zoneOffsetMs(ms: number, tz: TimeZone | undefined): number {
  const t = Math.floor(ms / 1000) * 1000;
  return wallAsUtc({ ...wallTime(t, tz), ms: 0 }) - t;
}

const DAY_MS = 86_400_000;

/**
 * The instant of a wall time in the zone. Fields may overflow (day 32, hour 25) and are
 * normalised first. In a DST gap the time moves forward by the gap; a repeated wall time gives
 * its first occurrence.
 */
export function zonedToEpoch(w: WallTime, tz: TimeZone | undefined): number {
  const zone = ianaZone(tz);
  if (zone === undefined) return new Date(w.y, w.M, w.d, w.h, w.m, w.s, w.ms).getTime();
  const local = wallAsUtc(w);
  if (zone === 'UTC') return local;
  const before = zoneOffsetMs(local - DAY_MS, tz);
  const after = zoneOffsetMs(local + DAY_MS, tz);
  const candidates = [...new Set([local - before, local - after])].sort((a, b) => a - b);
  for (const c of candidates) {
    if (wallAsUtc(wallTime(c, tz)) === local) return c;
  }
  // A skipped wall time: read it with the offset before the change, which lands after the gap.
  return local - before;
}

/** The day of the week (0 = Sunday) of `ms` in the zone. */
export function weekdayIn(ms: number, tz: TimeZone | undefined): number {
  return new Date(wallAsUtc({ ...wallTime(ms, tz), h: 0, m: 0, s: 0, ms: 0 })).getUTCDay();
}

/** `+05:30`, `-04:00` or `+00:00` for an offset in ms. */
export function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const mins = Math.round(Math.abs(offsetMs) / 60_000);
  return `${sign}${String(Math.floor(mins / 60)).padStart(2, '0')}:${String(mins % 60).padStart(2, '0')}`;
}

/** A label for a zone choice: `Browser time (Europe/Paris)`, `UTC`, or `America/New_York`. */
export function zoneLabel(tz: TimeZone | undefined): string {
  const n = normalizeZone(tz);
  if (n === 'utc') return 'UTC';
  if (n === 'browser') {
    const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return own ? `Browser time (${own})` : 'Browser time';
  }
  return n;
}

/** A short name of the zone at `ms` for range labels: `UTC`, `UTC-04:00`; empty for the browser. */
export function zoneSuffix(tz: TimeZone | undefined, ms: number): string {
  const zone = ianaZone(tz);
  if (zone === undefined) return '';
  if (zone === 'UTC') return 'UTC';
  return `${zone} (UTC${formatOffset(zoneOffsetMs(ms, tz))})`;
}

/** The IANA zones the runtime offers, for pickers (a few common ones when it cannot list them). */
export function knownZones(): string[] {
  const i = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  try {
    const all = i.supportedValuesOf?.('timeZone');
    if (all && all.length > 0) return all;
  } catch {
    // fall through to the short list
  }
  return [
    'America/Los_Angeles',
    'America/New_York',
    'America/Sao_Paulo',
    'Asia/Kolkata',
    'Asia/Shanghai',
    'Asia/Tokyo',
    'Australia/Sydney',
    'Europe/Berlin',
    'Europe/London',
  ];
}
