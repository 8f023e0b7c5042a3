import { sprintf } from './fmt.js';
import { SafeHTML, goTime, printValue, toNumber, type TemplateFunc } from './value.js';

/** A query result sample as Prometheus' template functions see it. */
export interface TemplateSample {
  readonly Labels: Readonly<Record<string, string>>;
  readonly Value: number;
}

/** Inputs of Prometheus' template functions that come from the server. */
export interface PrometheusFuncOptions {
  /** Runs an instant query (`query` function); absent → `query` fails with a clear error. */
  readonly query?: (q: string) => TemplateSample[];
  readonly externalURL?: string;
  /** Clock for `now`, in seconds. */
  readonly now?: () => number;
}

function toFloat(v: unknown): number {
  const n = toNumber(v);
  if (n !== undefined) return n;
  if (typeof v === 'string') {
    const f = Number(v.trim());
    if (v.trim() !== '' && !Number.isNaN(f)) return f;
    if (/^[+-]?(inf|infinity)$/i.test(v.trim()))
      return v.trim().startsWith('-') ? -Infinity : Infinity;
    if (/^nan$/i.test(v.trim())) return NaN;
  }
  throw new Error(`can't convert ${printValue(v)} to float`);
}

const g4 = (v: number): string => sprintf('%.4g', [v]);

function humanize(i: unknown): string {
  let v = toFloat(i);
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v) + prefix;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v) + prefix;
}

function humanize1024(i: unknown): string {
  let v = toFloat(i);
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v) + prefix;
}

function humanizeDuration(i: unknown): string {
  let v = toFloat(i);
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return `${g4(v)}s`;
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    const d = Math.trunc(v);
    const seconds = d % 60;
    const minutes = Math.trunc(d / 60) % 60;
    const hours = Math.trunc(d / 3600) % 24;
    const days = Math.trunc(d / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}s`;
}

/** A duration that prints like Go's `time.Duration` (`1h2m3.5s`). */
export class GoDuration {
  constructor(readonly seconds: number) {}
  toString(): string {
    let s = this.seconds;
    if (s === 0) return '0s';
    const sign = s < 0 ? '-' : '';
    s = Math.abs(s);
    if (s < 1) {
      const ns = Math.round(s * 1e9);
      if (ns < 1000) return `${sign}${ns}ns`;
      if (ns < 1e6) return `${sign}${trimZeros(ns / 1000)}µs`;
      return `${sign}${trimZeros(ns / 1e6)}ms`;
    }
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    let out = sign;
    if (h > 0) out += `${h}h`;
    if (h > 0 || m > 0) out += `${m}m`;
    return `${out}${trimZeros(Math.round(sec * 1e9) / 1e9)}s`;
  }
}

function trimZeros(n: number): string {
  return String(Number(n.toFixed(9)));
}

/** Go's `net.SplitHostPort`; undefined when the string has no port. */
function splitHostPort(s: string): [string, string] | undefined {
  const m = /^\[([^\]]*)\]:([^:]*)$/.exec(s) ?? /^([^:]*):([^:]*)$/.exec(s);
  return m ? [m[1]!, m[2]!] : undefined;
}

/** Expands `$1`, `${1}`, `$name` in a replacement like Go's Regexp.Expand. */
function expandReplacement(
  repl: string,
  groups: readonly (string | undefined)[],
  named: Record<string, string | undefined> | undefined,
): string {
  return repl.replace(
    /\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g,
    (_m, all: string, braced?: string, bare?: string) => {
      if (all === '$') return '$';
      const name = braced ?? bare ?? '';
      if (/^\d+$/.test(name)) return groups[Number(name)] ?? '';
      return named?.[name] ?? '';
    },
  );
}

function goRegExp(pattern: string, flags = ''): RegExp {
  let body = pattern;
  let f = flags;
  const m = /^\(\?([imsU]+)\)/.exec(body);
  if (m) {
    body = body.slice(m[0].length);
    if (m[1]!.includes('i')) f += 'i';
    if (m[1]!.includes('s')) f += 's';
    if (m[1]!.includes('m')) f += 'm';
  }
  return new RegExp(body.replaceAll('(?P<', '(?<'), f);
}

function samplesOf(v: unknown): TemplateSample[] {
  if (!Array.isArray(v)) throw new Error(`expected a list of samples, got ${printValue(v)}`);
  return v as TemplateSample[];
}

/** Prometheus' template functions (`template_reference.md`), for alerting rules and consoles. */
export function prometheusFuncs(o: PrometheusFuncOptions = {}): Record<string, TemplateFunc> {
  const external = o.externalURL ?? '';
  let pathPrefix = '';
  try {
    pathPrefix = external === '' ? '' : new URL(external).pathname.replace(/\/$/, '');
  } catch {
    pathPrefix = '';
  }
  return {
    query: (q) => {
      if (!o.query) throw new Error('query is not available here');
      return o.query(String(q));
    },
    first: (v) => {
      const s = samplesOf(v);
      if (s.length === 0) throw new Error('first() called on vector with no elements');
      return s[0];
    },
    label: (name, s) => (s as TemplateSample | undefined)?.Labels[String(name)] ?? '',
    value: (s) => (s as TemplateSample).Value,
    sortByLabel: (name, v) =>
      [...samplesOf(v)].sort((a, b) =>
        (a.Labels[String(name)] ?? '') < (b.Labels[String(name)] ?? '')
          ? -1
          : (a.Labels[String(name)] ?? '') > (b.Labels[String(name)] ?? '')
            ? 1
            : 0,
      ),
    humanize,
    humanize1024,
    humanizeDuration,
    humanizePercentage: (i) => `${g4(toFloat(i) * 100)}%`,
    humanizeTimestamp: (i) => {
      const v = toFloat(i);
      if (!Number.isFinite(v)) return g4(v);
      return goTime(new Date(v * 1000));
    },
    toTime: (i) => new Date(toFloat(i) * 1000),
    toDuration: (i) => new GoDuration(toFloat(i)),
    now: () => (o.now ? o.now() : Date.now() / 1000),
    title: (s) =>
      String(s).replace(
        /(^|[^\p{L}\p{N}'])(\p{L})/gu,
        (_m, pre: string, c: string) => pre + c.toUpperCase(),
      ),
    toUpper: (s) => String(s).toUpperCase(),
    toLower: (s) => String(s).toLowerCase(),
    stripPort: (s) => splitHostPort(String(s))?.[0] ?? String(s),
    stripDomain: (s) => {
      const hp = String(s);
      const split = splitHostPort(hp);
      const host = split ? split[0] : hp;
      if (/^[0-9.]+$/.test(host) || host.includes(':')) return hp;
      const short = host.split('.')[0]!;
      return split
        ? short.includes(':')
          ? `[${short}]:${split[1]}`
          : `${short}:${split[1]}`
        : short;
    },
    match: (pattern, text) => goRegExp(String(pattern)).test(String(text)),
    reReplaceAll: (pattern, repl, text) => {
      const re = goRegExp(String(pattern), 'g');
      return String(text).replace(re, (...m: unknown[]) => {
        const last = m[m.length - 1];
        const named =
          typeof last === 'object' && last !== null
            ? (last as Record<string, string | undefined>)
            : undefined;
        const groups = m.slice(0, named ? -3 : -2) as (string | undefined)[];
        return expandReplacement(String(repl), groups, named);
      });
    },
    graphLink: (expr) =>
      `${pathPrefix}/graph?g0.expr=${encodeURIComponent(String(expr)).replace(/%20/g, '+')}&g0.tab=0`,
    tableLink: (expr) =>
      `${pathPrefix}/graph?g0.expr=${encodeURIComponent(String(expr)).replace(/%20/g, '+')}&g0.tab=1`,
    parseDuration: (s) => parseGoDurationSeconds(String(s)),
    urlQueryEscape: (s) => encodeURIComponent(String(s)).replace(/%20/g, '+'),
    args: (...a) => Object.fromEntries(a.map((x, i) => [`arg${i}`, x])),
    safeHtml: (s) => new SafeHTML(String(s)),
    externalURL: () => external,
    pathPrefix: () => pathPrefix,
  };
}

const UNITS: Record<string, number> = {
  y: 31_536_000,
  w: 604_800,
  d: 86_400,
  h: 3600,
  m: 60,
  s: 1,
  ms: 0.001,
};

/** Parses a Prometheus duration (`1h30m`) into seconds. */
function parseGoDurationSeconds(s: string): number {
  if (s === '0') return 0;
  const re = /(\d+)(ms|y|w|d|h|m|s)/y;
  let pos = 0;
  let total = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) throw new Error(`not a valid duration string: ${JSON.stringify(s)}`);
    total += Number(m[1]) * UNITS[m[2]!]!;
    pos = re.lastIndex;
  }
  if (s === '') throw new Error('empty duration string');
  return total;
}
