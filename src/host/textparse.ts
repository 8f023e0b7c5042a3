/**
 * A strict parser of the Prometheus text exposition format for the textfile collector: a file
 * that breaks any rule is rejected as a whole, with the line of the first problem.
 */
import type { HostMetricType } from './family.js';

/** A textfile that cannot be parsed. */
export class TextfileParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    cause: string,
  ) {
    super(`cannot parse textfile ${file}: line ${line}: ${cause}`);
    this.name = 'TextfileParseError';
  }
}

/** One parsed sample: its series name, labels (name, value pairs flat) and value. */
export interface ParsedSample {
  readonly name: string;
  readonly labels: readonly string[];
  readonly value: number;
}

/** One parsed family; `help` is null when the file gave none. */
export interface ParsedFamily {
  readonly name: string;
  help: string | null;
  type: HostMetricType;
  readonly samples: ParsedSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[iI]nf|NaN)$/;
const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'untyped', 'summary', 'histogram']);

function parseFloatStrict(s: string): number | null {
  if (!FLOAT.test(s)) return null;
  const t = s.replace(/^([+-]?)[iI]nf$/, '$1Infinity');
  return Number(t);
}

/** The family a series name belongs to, given the families typed so far. */
function familyOf(name: string, fams: Map<string, ParsedFamily>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const f = fams.get(base);
    if (f === undefined) continue;
    if (f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket')) return base;
  }
  return name;
}

/** Parses `{a="b",…}` starting at `s[i] === '{'`; returns the flat pairs and the index after `}`. */
function parseLabels(s: string, start: number, fail: (m: string) => never): [string[], number] {
  const out: string[] = [];
  let i = start + 1;
  for (;;) {
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (s[i] === '}') return [out, i + 1];
    const nameStart = i;
    while (i < s.length && /[a-zA-Z0-9_]/.test(s[i] ?? '')) i++;
    const name = s.slice(nameStart, i);
    if (!LABEL_NAME.test(name)) fail(`invalid label name ${JSON.stringify(name)}`);
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (s[i] !== '=') fail(`expected '=' after label name ${name}`);
    i++;
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (s[i] !== '"') fail(`expected '"' to open the value of label ${name}`);
    i++;
    let value = '';
    for (;;) {
      const c = s[i];
      if (c === undefined) fail(`unterminated value of label ${name}`);
      if (c === '"') break;
      if (c === '\\') {
        const n = s[i + 1];
        if (n === '\\' || n === '"') value += n;
        else if (n === 'n') value += '\n';
        else fail(`invalid escape \\${n ?? ''} in label ${name}`);
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    i++;
    for (let j = 0; j < out.length; j += 2) {
      if (out[j] === name) fail(`duplicate label ${name}`);
    }
    if (name === '__name__') fail('label __name__ is not allowed');
    out.push(name, value);
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (s[i] === ',') {
      i++;
      continue;
    }
    if (s[i] === '}') return [out, i + 1];
    fail(`expected ',' or '}' after label ${name}`);
  }
}

function unescapeHelp(s: string, fail: (m: string) => never): string {
  return s.replace(/\\(.?)/g, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    return fail(`invalid escape \\${c} in HELP`);
  });
}

/**
 * Parses a text exposition strictly. Rejects timestamps (node_exporter refuses them in textfiles),
 * duplicate HELP or TYPE lines, TYPE after samples, unknown types, invalid names, label errors,
 * bad values and duplicate series.
 */
export function parseTextfile(text: string, file: string): ParsedFamily[] {
  const fams = new Map<string, ParsedFamily>();
  const seenSeries = new Set<string>();
  const typed = new Set<string>();
  const lines = text.split('\n');
  for (let ln = 0; ln < lines.length; ln++) {
    const fail = (m: string): never => {
      throw new TextfileParseError(file, ln + 1, m);
    };
    const line = (lines[ln] ?? '').replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(trimmed);
      if (m === null) continue; // an ordinary comment
      const [, kw, name = '', arg = ''] = m;
      if (!METRIC_NAME.test(name)) fail(`invalid metric name ${JSON.stringify(name)}`);
      let f = fams.get(name);
      if (f === undefined) fams.set(name, (f = { name, help: null, type: 'untyped', samples: [] }));
      if (kw === 'HELP') {
        if (f.help !== null) fail(`second HELP line for metric ${name}`);
        f.help = unescapeHelp(arg, fail);
      } else {
        const type = arg.trim();
        if (!TYPES.has(type)) fail(`unknown metric type ${JSON.stringify(type)}`);
        if (f.samples.length > 0) fail(`TYPE line for ${name} after its samples`);
        if (typed.has(name)) fail(`second TYPE line for metric ${name}`);
        typed.add(name);
        f.type = type as HostMetricType;
      }
      continue;
    }
    const nm = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(trimmed);
    if (nm === null) fail(`invalid metric name at ${JSON.stringify(trimmed.slice(0, 20))}`);
    const name = nm?.[0] ?? '';
    let i = name.length;
    let labels: string[] = [];
    if (trimmed[i] === '{') [labels, i] = parseLabels(trimmed, i, fail);
    const rest = trimmed.slice(i).trim().split(/\s+/);
    if (rest.length > 1) fail(`timestamps are not supported in textfiles (metric ${name})`);
    const value = parseFloatStrict(rest[0] ?? '');
    if (value === null) fail(`invalid value ${JSON.stringify(rest[0] ?? '')} for ${name}`);
    const famName = familyOf(name, fams);
    let f = fams.get(famName);
    if (f === undefined)
      fams.set(famName, (f = { name: famName, help: null, type: 'untyped', samples: [] }));
    if (famName !== name || f.type === 'summary' || f.type === 'histogram') {
      const need = name.endsWith('_bucket') ? 'le' : famName === name ? 'quantile' : null;
      if (need !== null && !labels.includes(need)) fail(`${name} needs a ${need} label`);
    }
    const pairs: string[] = [];
    for (let j = 0; j < labels.length; j += 2)
      pairs.push(`${labels[j] ?? ''}=${labels[j + 1] ?? ''}`);
    const key = `${name}{${pairs.sort().join(',')}}`;
    if (seenSeries.has(key)) fail(`duplicate series ${key}`);
    seenSeries.add(key);
    f.samples.push({ name, labels, value: value ?? NaN });
  }
  return [...fams.values()].filter((f) => f.samples.length > 0);
}
