/**
 * Prometheus' rules for naming OTLP metrics and labels (the `otlp.translation_strategy` settings)
 * and for turning attribute values into label values. Pure functions of strings.
 */
import type { AnyValue } from './types.js';

/** How OTLP names become Prometheus names (Prometheus' `otlp.translation_strategy`). */
export type TranslationStrategy =
  | 'UnderscoreEscapingWithSuffixes'
  | 'UnderscoreEscapingWithoutSuffixes'
  | 'NoUTF8EscapingWithSuffixes'
  | 'NoTranslation';

/** The metric kinds the naming rules distinguish. */
export type NamingType =
  'gauge' | 'monotonicCounter' | 'nonMonotonicCounter' | 'histogram' | 'summary';

const UNITS: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

const PER_UNITS: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

function lookup(table: Readonly<Record<string, string>>, k: string): string {
  return Object.hasOwn(table, k) ? table[k]! : k;
}

/** Splits an OTLP unit (`By/s`) into its main and `per_` suffixes (`bytes`, `per_second`). */
function unitSuffixes(unit: string): [string, string] {
  const slash = unit.indexOf('/');
  const main = (slash < 0 ? unit : unit.slice(0, slash)).trim();
  const per = slash < 0 ? '' : unit.slice(slash + 1).trim();
  const mainSuffix = main !== '' && !/[{}]/.test(main) ? lookup(UNITS, main) : '';
  let perSuffix = per !== '' && !/[{}]/.test(per) ? lookup(PER_UNITS, per) : '';
  if (perSuffix !== '') perSuffix = `per_${perSuffix}`;
  return [mainSuffix, perSuffix];
}

function isAlnum(c: string): boolean {
  const x = c.charCodeAt(0);
  return c.length === 1 && ((x >= 48 && x <= 57) || (x >= 65 && x <= 90) || (x >= 97 && x <= 122));
}
const isMetricChar = (c: string): boolean => c === ':' || isAlnum(c);
const isLabelChar = isAlnum;
const startsWithDigit = (s: string): boolean => s.charCodeAt(0) >= 48 && s.charCodeAt(0) <= 57;

/** Splits on every run of characters outside `[a-zA-Z0-9:]` (code point by code point). */
function tokens(name: string, keepUnderscore: boolean): string[] {
  const out: string[] = [];
  let cur = '';
  for (const c of name) {
    if (isMetricChar(c) || (keepUnderscore && c === '_')) cur += c;
    else if (cur !== '') {
      out.push(cur);
      cur = '';
    }
  }
  if (cur !== '') out.push(cur);
  return out;
}

function cleanUnit(u: string): string {
  let s = '';
  for (const c of u) s += isMetricChar(c) ? c : '_';
  return s.replace(/__+/g, '_').replace(/^_/, '');
}

function trimSuffix(name: string, suffix: string): string {
  return name.endsWith(suffix) && name.length > suffix.length + 1
    ? name.slice(0, name.length - suffix.length - 1)
    : name;
}

/**
 * Builds the Prometheus metric family name of an OTLP metric: `http.server.duration` with unit
 * `s` becomes `http_server_duration_seconds`, a monotonic sum gains `_total`, a gauge of unit `1`
 * gains `_ratio`. Returns '' when the name cannot be translated (empty, or only underscores).
 */
export function buildMetricName(
  name: string,
  unit: string,
  type: NamingType,
  strategy: TranslationStrategy,
): string {
  const suffixes =
    strategy === 'UnderscoreEscapingWithSuffixes' || strategy === 'NoUTF8EscapingWithSuffixes';
  if (strategy === 'NoUTF8EscapingWithSuffixes' || strategy === 'NoTranslation') {
    return suffixes ? utf8Name(name, unit, type) : name;
  }
  let out: string;
  if (suffixes) {
    let toks = tokens(name, false);
    const [main0, per0] = unitSuffixes(unit);
    let main = cleanUnit(main0);
    let per = cleanUnit(per0);
    if (toks.includes(main)) main = '';
    if (per === 'per_') per = '';
    else {
      per = per.replace(/_$/, '');
      if (toks.includes(per)) per = '';
    }
    if (per !== '') main = main.replace(/_$/, '');
    if (main !== '') toks.push(main);
    if (per !== '') toks.push(per);
    if (type === 'monotonicCounter') toks = [...toks.filter((t) => t !== 'total'), 'total'];
    if (unit === '1' && type === 'gauge') toks = [...toks.filter((t) => t !== 'ratio'), 'ratio'];
    out = toks.join('_');
  } else out = tokens(name, true).join('_');
  if (out !== '' && startsWithDigit(out)) out = `_${out}`;
  if (out !== name && /^_*$/.test(out)) return '';
  return out;
}

function utf8Name(name: string, unit: string, type: NamingType): string {
  let n = name;
  let tail = '';
  if (unit === '1' && type === 'gauge') {
    n = trimSuffix(n, 'ratio');
    tail = '_ratio' + tail;
  }
  if (type === 'monotonicCounter') {
    n = trimSuffix(n, 'total');
    tail = '_total' + tail;
  }
  const [main, per] = unitSuffixes(unit);
  if (per !== '') {
    n = trimSuffix(n, per);
    tail = `_${per}` + tail;
  }
  if (main !== '' && !n.endsWith(main)) n = `${n}_${main}`;
  return n + tail;
}

/** Options of label-name translation (Prometheus' `otlp.label_name_*` settings). */
export interface LabelNamingOptions {
  readonly strategy: TranslationStrategy;
  /** Prefix `key` to names that start with a single `_` (default true). */
  readonly underscoreSanitization: boolean;
  /** Keep runs of `_` as they are (default true). */
  readonly preserveMultipleUnderscores: boolean;
}

/**
 * Builds a Prometheus label name from an attribute key: characters outside `[a-zA-Z0-9_]`
 * become `_`, a leading digit gets `key_`, a single leading `_` gets `key`. Returns '' when the
 * key cannot be translated (empty, or only underscores).
 */
export function buildLabelName(key: string, o: LabelNamingOptions): string {
  if (key === '') return '';
  // Fast path: already a valid name that no rule changes.
  if (/^[a-zA-Z][a-zA-Z0-9]*(?:_[a-zA-Z0-9]+)*$/.test(key)) return key;
  if (o.strategy === 'NoUTF8EscapingWithSuffixes' || o.strategy === 'NoTranslation') {
    return /^_*$/.test(key) ? '' : key;
  }
  let out = '';
  if (o.preserveMultipleUnderscores) {
    for (const c of key) out += isLabelChar(c) ? c : '_';
  } else {
    const reserved = key.length > 4 && key.startsWith('__') && key.endsWith('__');
    const inner = reserved ? key.slice(2, -2) : key;
    let prevUnderscore = false;
    for (const c of inner) {
      if (isLabelChar(c)) {
        out += c;
        prevUnderscore = false;
      } else if (!prevUnderscore) {
        out += '_';
        prevUnderscore = true;
      }
    }
    if (reserved) out = `__${out}__`;
  }
  if (startsWithDigit(out)) out = `key_${out}`;
  else if (o.underscoreSanitization && out.startsWith('_') && !out.startsWith('__'))
    out = `key${out}`;
  return /^_*$/.test(out) ? '' : out;
}

/**
 * Turns an attribute value into a label value the way the OpenTelemetry collector's `AsString`
 * does: strings as they are, booleans `true`/`false`, integers in decimal, doubles in the
 * shortest round-trip form (JavaScript's number formatting), bytes in base64, arrays and maps as
 * JSON (keys sorted, `<>&` escaped as in Go).
 */
export function anyValueToString(v: AnyValue): string {
  switch (v.kind) {
    case 'string':
      return v.value;
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'int':
      return v.value.toString();
    case 'double':
      return formatDouble(v.value);
    case 'bytes':
      return Buffer.from(v.value).toString('base64');
    case 'array':
    case 'kvlist':
      return goJSON(JSON.stringify(toRaw(v)));
    case 'empty':
      return '';
  }
}

function formatDouble(d: number): string {
  if (Number.isNaN(d)) return 'json: unsupported value: NaN';
  if (!Number.isFinite(d)) return `json: unsupported value: ${d > 0 ? '+Inf' : '-Inf'}`;
  return String(d);
}

type Raw = string | number | boolean | null | Raw[] | { [k: string]: Raw };

function toRaw(v: AnyValue): Raw {
  switch (v.kind) {
    case 'string':
      return v.value;
    case 'bool':
      return v.value;
    case 'int':
      return Number(v.value);
    case 'double':
      return Number.isFinite(v.value) ? v.value : formatDouble(v.value);
    case 'bytes':
      return Buffer.from(v.value).toString('base64');
    case 'array':
      return v.value.map(toRaw);
    case 'kvlist': {
      const o: { [k: string]: Raw } = {};
      const sorted = [...v.value].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      for (const kv of sorted)
        Object.defineProperty(o, kv.key, {
          value: toRaw(kv.value),
          enumerable: true,
          writable: true,
        });
      return o;
    }
    case 'empty':
      return null;
  }
}

function goJSON(s: string): string {
  return s
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
