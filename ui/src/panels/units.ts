/**
 * Value formatting by Grafana unit id (`fieldConfig.defaults.unit`): scaled SI and IEC prefixes,
 * times and durations, rates, currencies, temperatures, and the custom forms `suffix:`, `prefix:`,
 * `si:` and `count:`. Decimals follow Grafana: a number fixes them, `null`/`undefined` picks them
 * from the value's magnitude. DOM-free.
 */

/** A formatted value in parts, so a panel can style the suffix smaller than the number. */
export interface FormattedValue {
  prefix?: string;
  text: string;
  suffix?: string;
}

/** A decimals setting: a count, or null/undefined for automatic. */
export type Decimals = number | null | undefined;

/** Formats a number (never null/NaN/Inf: callers handle those) with the given decimals. */
export type ValueFormatter = (v: number, decimals: Decimals) => FormattedValue;

/** Joins the parts of a formatted value. */
export function formattedValueToString(f: FormattedValue): string {
  return `${f.prefix ?? ''}${f.text}${f.suffix ?? ''}`;
}

/**
 * Decimals for a value when none are configured: three significant digits (what Grafana's
 * magnitude rule amounts to), none for integers.
 */
export function autoDecimals(v: number): number {
  if (v === 0 || !Number.isFinite(v) || v % 1 === 0) return 0;
  return Math.max(0, -Math.floor(Math.log10(Math.abs(v))) + 2);
}

/** `v` with a fixed number of decimals (automatic when not given), like Grafana's toFixed. */
export function toFixed(v: number, decimals: Decimals): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
  const d = Math.min(20, Math.max(0, decimals ?? autoDecimals(v)));
  if (Math.abs(v) >= 1e21 || (Math.abs(v) < 1e-15 && v !== 0 && decimals == null)) {
    return v.toExponential(2);
  }
  const s = v.toFixed(d);
  // -0.00 reads badly; show 0.00.
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

function fixedUnit(suffix: string, prefix = ''): ValueFormatter {
  return (v, d) =>
    prefix ? { prefix, text: toFixed(v, d), suffix } : { text: toFixed(v, d), suffix };
}

/**
 * A formatter that divides by `factor` per step and appends `steps[i]`; `offset` is the index of
 * the unscaled step (for units that also scale down, like SI milli and micro).
 */
export function scaledUnits(factor: number, steps: readonly string[], offset = 0): ValueFormatter {
  return (v, d) => {
    if (v === 0) return { text: toFixed(0, d), suffix: steps[offset] ?? '' };
    let i = Math.floor(Math.log(Math.abs(v)) / Math.log(factor));
    i = Math.min(Math.max(i, -offset), steps.length - 1 - offset);
    // Rounding may push 999.99 up to 1000; move to the next step then.
    let scaled = v / Math.pow(factor, i);
    if (Math.abs(Number(toFixed(scaled, d))) >= factor && i < steps.length - 1 - offset) {
      i++;
      scaled = v / Math.pow(factor, i);
    }
    return { text: toFixed(scaled, d), suffix: steps[i + offset] ?? '' };
  };
}

const SI_PREFIXES = ['f', 'p', 'n', 'µ', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
const SI_ZERO = 5;

/** SI prefixes (k, M, G … and m, µ, n …) on a unit; `start` shifts the base (kW → start 1). */
export function siUnit(unit: string, start = 0): ValueFormatter {
  const from = Math.max(0, SI_ZERO - 4 + start);
  const steps = SI_PREFIXES.slice(from).map((p) => ` ${p}${unit}`);
  return scaledUnits(1000, steps, SI_ZERO - from + start);
}

/** IEC prefixes (Ki, Mi, Gi …, factor 1024) on a unit; `start` shifts the base (KiB → 1). */
export function iecUnit(unit: string, start = 0): ValueFormatter {
  const steps = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']
    .slice(start)
    .map((p) => ` ${p}${unit}`);
  return scaledUnits(1024, steps);
}

/** Decimal (SI, factor 1000) prefixes on a unit without the lower prefixes; `start` as for iecUnit. */
export function decUnit(unit: string, start = 0): ValueFormatter {
  const steps = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']
    .slice(start)
    .map((p) => ` ${p}${unit}`);
  return scaledUnits(1000, steps);
}

/** Counts scaled by K, M, B, T with a unit symbol after them (`1.50K req/s`). */
export function countUnit(symbol: string): ValueFormatter {
  const inner = scaledUnits(1000, ['', 'K', 'M', 'B', 'T']);
  return (v, d) => {
    const f = inner(v, d);
    return { text: f.text, suffix: `${f.suffix ?? ''}${symbol ? ` ${symbol}` : ''}` };
  };
}

const SHORT = scaledUnits(1000, [
  '',
  ' K',
  ' Mil',
  ' Bil',
  ' Tri',
  ' Quadr',
  ' Quint',
  ' Sext',
  ' Sept',
]);

function currency(symbol: string): ValueFormatter {
  const inner = scaledUnits(1000, ['', 'K', 'M', 'B', 'T']);
  return (v, d) => {
    const f = inner(v, d);
    return { prefix: symbol, text: f.text, suffix: f.suffix ?? '' };
  };
}

/** Time scales in seconds with their suffixes, used by the s/ms/µs/ns formatters. */
const TIME_STEPS: readonly (readonly [number, string])[] = [
  [1e-9, ' ns'],
  [1e-6, ' µs'],
  [1e-3, ' ms'],
  [1, ' s'],
  [60, ' min'],
  [3600, ' hour'],
  [86400, ' day'],
  [604800, ' week'],
  [31536000, ' year'],
];

/**
 * A duration given in `scale` seconds (1 for s, 1e-3 for ms …) in the largest fitting unit;
 * seconds also scale down to ms, µs and ns, the smaller units do not go below themselves.
 */
function timeUnit(scale: number): ValueFormatter {
  const own = Math.max(
    0,
    TIME_STEPS.findIndex((s) => s[0] === scale),
  );
  const floor = scale >= 1 && scale < 60 ? 0 : own;
  return (v, d) => {
    const secs = Math.abs(v * scale);
    let i = v === 0 ? own : floor;
    if (v !== 0)
      for (let k = floor; k < TIME_STEPS.length; k++)
        if (secs >= TIME_STEPS[k]![0] * 0.9999999) i = k;
    const [size, suffix] = TIME_STEPS[i]!;
    return { text: toFixed((v * scale) / size, d), suffix };
  };
}

const DURATION_PARTS: readonly (readonly [number, string])[] = [
  [31536000, 'year'],
  [2592000, 'month'],
  [604800, 'week'],
  [86400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
  [0.001, 'millisecond'],
];

/**
 * A duration as words, largest parts first (`1 day, 2 hours`); `decimals` is the number of
 * parts shown (default 2), `scale` the input unit in seconds.
 */
export function humanDuration(v: number, decimals: Decimals, scale = 1): string {
  let rest = Math.abs(v * scale);
  const out: string[] = [];
  const parts = decimals == null || decimals < 1 ? 2 : decimals;
  for (const [size, name] of DURATION_PARTS) {
    if (out.length >= parts) break;
    const n = Math.floor(rest / size + 1e-9);
    if (n > 0 || (out.length > 0 && out.length < parts && rest > 0)) {
      if (n > 0) out.push(`${n} ${name}${n === 1 ? '' : 's'}`);
      rest -= n * size;
    }
  }
  if (out.length === 0) return `0 ${scale >= 1 ? 'seconds' : 'milliseconds'}`;
  return (v < 0 ? '-' : '') + out.join(', ');
}

/** Seconds as `[Nd ]hh:mm:ss`. */
export function dhms(v: number): string {
  const total = Math.floor(Math.abs(v));
  const days = Math.floor(total / 86400);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const hms = `${pad(Math.floor((total % 86400) / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
  return (v < 0 ? '-' : '') + (days > 0 ? `${days}d ${hms}` : hms);
}

function clock(): ValueFormatter {
  return (v) => ({ text: dhms(v) });
}

function dateTime(fmt: 'iso' | 'us' | 'fromNow'): ValueFormatter {
  return (v) => {
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) return { text: String(v) };
    if (fmt === 'iso') return { text: d.toISOString().replace('T', ' ').slice(0, 19) };
    if (fmt === 'us') return { text: d.toLocaleString('en-US') };
    return { text: `${humanDuration((Date.now() - v) / 1000, 1)} ago` };
  };
}

/** Unit ids (Grafana's) and their formatters. */
const UNITS: Readonly<Record<string, ValueFormatter>> = {
  none: (v, d) => ({ text: toFixed(v, d) }),
  short: SHORT,
  sci: (v, d) => ({ text: v.toExponential(d ?? 2) }),
  hex: (v) => ({ text: Math.round(v).toString(16).toUpperCase() }),
  hex0x: (v) => ({ text: `0x${Math.round(v).toString(16).toUpperCase()}` }),
  locale: (v, d) => ({
    text: v.toLocaleString(
      'en-US',
      d == null ? {} : { minimumFractionDigits: d, maximumFractionDigits: d },
    ),
  }),
  bool: (v) => ({ text: v !== 0 ? 'true' : 'false' }),
  bool_yes_no: (v) => ({ text: v !== 0 ? 'yes' : 'no' }),
  bool_on_off: (v) => ({ text: v !== 0 ? 'On' : 'Off' }),
  percent: fixedUnit('%'),
  percentunit: (v, d) => ({ text: toFixed(v * 100, d), suffix: '%' }),
  humidity: fixedUnit(' %H'),
  dB: fixedUnit(' dB'),
  // Data: IEC (1024) and SI (1000) families.
  bytes: iecUnit('B'),
  decbytes: decUnit('B'),
  bits: iecUnit('b'),
  decbits: decUnit('b'),
  kbytes: iecUnit('B', 1),
  mbytes: iecUnit('B', 2),
  gbytes: iecUnit('B', 3),
  tbytes: iecUnit('B', 4),
  deckbytes: decUnit('B', 1),
  decmbytes: decUnit('B', 2),
  decgbytes: decUnit('B', 3),
  dectbytes: decUnit('B', 4),
  // Data rates.
  bps: decUnit('b/s'),
  Bps: decUnit('B/s'),
  binbps: iecUnit('b/s'),
  binBps: iecUnit('B/s'),
  Kbits: decUnit('b/s', 1),
  KBs: decUnit('B/s', 1),
  Mbits: decUnit('b/s', 2),
  MBs: decUnit('B/s', 2),
  Gbits: decUnit('b/s', 3),
  GBs: decUnit('B/s', 3),
  pps: countUnit('p/s'),
  // Throughput.
  ops: countUnit('ops'),
  reqps: countUnit('req/s'),
  rps: countUnit('rd/s'),
  wps: countUnit('wr/s'),
  iops: countUnit('io/s'),
  cps: countUnit('c/s'),
  mps: countUnit('msg/s'),
  opm: countUnit('ops/min'),
  reqpm: countUnit('req/min'),
  rpm: countUnit('rd/min'),
  wpm: countUnit('wr/min'),
  // Time.
  hertz: siUnit('Hz'),
  ns: timeUnit(1e-9),
  µs: timeUnit(1e-6),
  us: timeUnit(1e-6),
  ms: timeUnit(1e-3),
  s: timeUnit(1),
  m: timeUnit(60),
  h: timeUnit(3600),
  d: timeUnit(86400),
  dtdurationms: (v, d) => ({ text: humanDuration(v, d, 1e-3) }),
  dtdurations: (v, d) => ({ text: humanDuration(v, d, 1) }),
  dthms: clock(),
  dtdhms: clock(),
  clockms: (v) => ({ text: dhms(v / 1000) }),
  clocks: clock(),
  timeticks: timeUnit(0.01),
  dateTimeAsIso: dateTime('iso'),
  dateTimeAsUS: dateTime('us'),
  dateTimeFromNow: dateTime('fromNow'),
  // Energy, electricity, temperature.
  watt: siUnit('W'),
  kwatt: siUnit('W', 1),
  megwatt: siUnit('W', 2),
  voltamp: siUnit('VA'),
  kvoltamp: siUnit('VA', 1),
  watth: siUnit('Wh'),
  kwatth: siUnit('Wh', 1),
  joule: siUnit('J'),
  volt: siUnit('V'),
  kvolt: siUnit('V', 1),
  mvolt: siUnit('V', -1),
  amp: siUnit('A'),
  mamp: siUnit('A', -1),
  ohm: siUnit('Ω'),
  celsius: fixedUnit('°C'),
  fahrenheit: fixedUnit('°F'),
  kelvin: fixedUnit(' K'),
  // Length, mass, misc.
  lengthm: siUnit('m'),
  lengthmm: siUnit('m', -1),
  lengthkm: siUnit('m', 1),
  massg: siUnit('g'),
  masskg: siUnit('g', 1),
  pressurepa: siUnit('Pa'),
  pressurebar: siUnit('bar'),
  pressurehpa: fixedUnit(' hPa'),
  velocityms: fixedUnit(' m/s'),
  velocitykmh: fixedUnit(' km/h'),
  rotrpm: fixedUnit(' rpm'),
  rothz: siUnit('Hz'),
  conppm: fixedUnit(' ppm'),
  // Currencies.
  currencyUSD: currency('$'),
  currencyEUR: currency('€'),
  currencyGBP: currency('£'),
  currencyJPY: currency('¥'),
  currencyCHF: currency('CHF'),
  currencyINR: currency('₹'),
  currencyBTC: currency('฿'),
};

/** Whether a unit id is known (custom `suffix:`/`prefix:`/`si:`/`count:` forms included). */
export function isKnownUnit(unit: string): boolean {
  return unit in UNITS || /^(suffix|prefix|si|count|currency):/.test(unit);
}

/** The formatter of a unit id; unknown ids append the id itself, like Grafana. */
export function getFormatter(unit: string | undefined): ValueFormatter {
  if (unit === undefined || unit === '') return SHORT;
  const known = UNITS[unit];
  if (known) return known;
  const colon = unit.indexOf(':');
  if (colon > 0) {
    const kind = unit.slice(0, colon);
    const arg = unit.slice(colon + 1);
    switch (kind) {
      case 'suffix':
        return fixedUnit(arg);
      case 'prefix':
        return (v, d) => ({ prefix: arg, text: toFixed(v, d) });
      case 'si':
        return siUnit(arg);
      case 'count':
        return countUnit(arg);
      case 'currency':
        return currency(arg);
      default:
        break;
    }
  }
  return fixedUnit(` ${unit}`);
}

/**
 * Formats a value in a unit with Grafana's rules; null, NaN and ±Inf format as text without a
 * unit. `decimals` null/undefined means automatic.
 */
export function formatUnit(
  v: number | null | undefined,
  unit?: string,
  decimals?: Decimals,
): FormattedValue {
  if (v === null || v === undefined) return { text: '' };
  if (Number.isNaN(v)) return { text: 'NaN' };
  if (!Number.isFinite(v)) return { text: v > 0 ? '+Inf' : '-Inf' };
  return getFormatter(unit)(v, decimals);
}

/** {@link formatUnit} joined into one string. */
export function formatUnitString(
  v: number | null | undefined,
  unit?: string,
  decimals?: Decimals,
): string {
  return formattedValueToString(formatUnit(v, unit, decimals));
}
