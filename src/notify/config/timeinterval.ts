import { AlertmanagerConfigError, MapReader, parseYamlRoot, type YamlContext } from './yaml.js';

/** An inclusive range of integers (weekdays 0=Sunday, days of month, months 1–12, years). */
export interface IntRange {
  readonly begin: number;
  readonly end: number;
}

/** A time-of-day range in minutes since midnight, start inclusive and end exclusive. */
export interface TimeRange {
  readonly startMinute: number;
  readonly endMinute: number;
}

/** One `<time_interval_spec>`: every non-empty field must match. */
export interface TimeIntervalSpec {
  readonly times: readonly TimeRange[];
  readonly weekdays: readonly IntRange[];
  readonly daysOfMonth: readonly IntRange[];
  readonly months: readonly IntRange[];
  readonly years: readonly IntRange[];
  /** IANA time zone name; 'UTC' when not set. 'Local' is the machine's zone. */
  readonly location: string;
}

/** A named `time_intervals` entry: it matches when any of its specs matches. */
export interface TimeInterval {
  readonly name: string;
  readonly intervals: readonly TimeIntervalSpec[];
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

function parseRanges(
  items: string[],
  what: string,
  parseOne: (s: string) => number,
  check: (r: IntRange) => void,
): IntRange[] {
  return items.map((raw) => {
    const parts = raw.split(':');
    if (parts.length > 2) throw new AlertmanagerConfigError(`invalid ${what} range: ${raw}`);
    const begin = parseOne((parts[0] ?? '').trim());
    const end = parts.length === 2 ? parseOne((parts[1] ?? '').trim()) : begin;
    const r = { begin, end };
    check(r);
    return r;
  });
}

function named(names: string[], what: string, allowNumbers: boolean): (s: string) => number {
  return (s) => {
    const i = names.indexOf(s.toLowerCase());
    if (i >= 0) return what === 'weekday' ? i : i + 1;
    if (allowNumbers && /^-?[0-9]+$/.test(s)) return Number(s);
    throw new AlertmanagerConfigError(`${s} is not a valid ${what}`);
  };
}

function integer(what: string): (s: string) => number {
  return (s) => {
    if (!/^-?[0-9]+$/.test(s)) throw new AlertmanagerConfigError(`invalid ${what}: ${s}`);
    return Number(s);
  };
}

function parseClock(s: string): number {
  if (!/^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/.test(s)) {
    throw new AlertmanagerConfigError(`couldn't parse timestamp ${s}, invalid format`);
  }
  const [h, m] = s.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Whether Node knows the time zone. */
export function isKnownTimeZone(tz: string): boolean {
  if (tz === 'Local' || tz === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function readSpec(ctx: YamlContext, node: unknown): TimeIntervalSpec {
  const r = new MapReader(ctx, node);
  const times = r.list('times').map((t) => {
    const tr = new MapReader(ctx, t);
    const start = tr.str('start_time');
    const end = tr.str('end_time');
    tr.done();
    if (start === '' || end === '') {
      throw new AlertmanagerConfigError('both start and end times must be provided');
    }
    const startMinute = parseClock(start);
    const endMinute = parseClock(end);
    if (startMinute >= endMinute) {
      throw new AlertmanagerConfigError('start time cannot be equal or greater than end time');
    }
    return { startMinute, endMinute };
  });
  const weekdays = parseRanges(
    r.strList('weekdays'),
    'weekday',
    named(WEEKDAYS, 'weekday', false),
    (x) => {
      if (x.begin > x.end) throw new AlertmanagerConfigError('start day cannot be before end day');
    },
  );
  const daysOfMonth = parseRanges(
    r.strList('days_of_month'),
    'day of month',
    integer('day of month'),
    (x) => {
      for (const d of [x.begin, x.end]) {
        if (d === 0 || d < -31 || d > 31) {
          throw new AlertmanagerConfigError(`${d} is not a valid day of the month: out of range`);
        }
      }
      if (Math.sign(x.begin) === Math.sign(x.end) && x.begin > x.end) {
        throw new AlertmanagerConfigError(`end day must be greater than start day`);
      }
    },
  );
  const months = parseRanges(r.strList('months'), 'month', named(MONTHS, 'month', true), (x) => {
    for (const m of [x.begin, x.end]) {
      if (m < 1 || m > 12) throw new AlertmanagerConfigError(`${m} is not a valid month`);
    }
    if (x.begin > x.end)
      throw new AlertmanagerConfigError('end month must be greater than start month');
  });
  const years = parseRanges(r.strList('years'), 'year', integer('year'), (x) => {
    if (x.begin > x.end)
      throw new AlertmanagerConfigError('end year must be greater than start year');
  });
  const location = r.str('location', 'UTC');
  if (!isKnownTimeZone(location)) {
    throw new AlertmanagerConfigError(`unknown time zone ${location}`);
  }
  r.done();
  return { times, weekdays, daysOfMonth, months, years, location };
}

/**
 * Parses one `<time_interval_spec>` given as a JSON value (the keys of `alertmanager.yml`:
 * `times`, `weekdays`, `days_of_month`, `months`, `years`, `location`), validated as the
 * configuration's are. Throws `AlertmanagerConfigError`.
 */
export function parseTimeIntervalSpec(value: unknown): TimeIntervalSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new AlertmanagerConfigError('a time interval must be an object');
  const { root, ctx } = parseYamlRoot(JSON.stringify(value));
  return readSpec(ctx, root);
}

/** Reads one named `<time_interval>` entry. */
export function readTimeInterval(ctx: YamlContext, node: unknown): TimeInterval {
  const r = new MapReader(ctx, node);
  const name = r.str('name');
  const intervals = r.list('time_intervals').map((n) => readSpec(ctx, n));
  r.done();
  if (name === '') throw new AlertmanagerConfigError('missing name in time interval');
  return { name, intervals };
}

interface Civil {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function civil(tMs: number, tz: string): Civil {
  const zone = tz === 'Local' ? undefined : tz;
  const key = zone ?? '';
  let f = formatters.get(key);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      ...(zone === undefined ? {} : { timeZone: zone }),
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(key, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(tMs))) parts[p.type] = p.value;
  const wd = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts['weekday'] ?? '');
  return {
    year: Number(parts['year']),
    month: Number(parts['month']),
    day: Number(parts['day']),
    weekday: wd,
    minute: Number(parts['hour']) * 60 + Number(parts['minute']),
  };
}

function inAny(v: number, ranges: readonly IntRange[]): boolean {
  return ranges.length === 0 || ranges.some((r) => v >= r.begin && v <= r.end);
}

/** Whether the instant (ms since the epoch) falls into the spec. */
export function specContains(spec: TimeIntervalSpec, tMs: number): boolean {
  const c = civil(tMs, spec.location);
  if (
    spec.times.length > 0 &&
    !spec.times.some((t) => c.minute >= t.startMinute && c.minute < t.endMinute)
  ) {
    return false;
  }
  if (!inAny(c.weekday, spec.weekdays)) return false;
  if (spec.daysOfMonth.length > 0) {
    const dim = new Date(Date.UTC(c.year, c.month, 0)).getUTCDate();
    const ok = spec.daysOfMonth.some((r) => {
      const b = r.begin < 0 ? dim + r.begin + 1 : r.begin;
      const e = r.end < 0 ? dim + r.end + 1 : r.end;
      return c.day >= Math.max(b, 1) && c.day <= Math.min(e, dim);
    });
    if (!ok) return false;
  }
  if (!inAny(c.month, spec.months)) return false;
  return inAny(c.year, spec.years);
}

/** Whether the instant falls into any spec of the interval. */
export function intervalContains(ti: TimeInterval, tMs: number): boolean {
  return ti.intervals.some((s) => specContains(s, tMs));
}
