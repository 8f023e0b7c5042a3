import { Labels, METRIC_NAME } from '../../model/index.js';

/** Thrown when a line of a `.test` script cannot be read. */
export class ScriptSyntaxError extends Error {
  override readonly name = 'ScriptSyntaxError';
}

/** One slot of the expanding notation: a float, a staleness marker, nothing, or a histogram. */
export type Slot =
  | { kind: 'float'; v: number }
  | { kind: 'stale' }
  | { kind: 'none' }
  | { kind: 'histogram'; text: string };

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** Parses a Prometheus duration (`1m30s`, `0`, `10s53ms`) into ms; a leading sign is allowed. */
export function parseDuration(text: string): number {
  let s = text.trim();
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s.startsWith('-')) sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  const re = /(\d+)(ms|s|m|h|d|w|y)/y;
  let pos = 0;
  let total = 0;
  if (s.length === 0) throw new ScriptSyntaxError(`cannot parse duration "${text}": empty`);
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) throw new ScriptSyntaxError(`cannot parse duration "${text}": bad unit`);
    total += Number(m[1]) * UNITS[m[2]!]!;
    pos = re.lastIndex;
  }
  return sign * total;
}

const NUM = String.raw`(?:[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[iI][nN][fF]|[nN][aA][nN]))`;
const PLAIN_RE = new RegExp(`^${NUM}$`);
const REPEAT_RE = new RegExp(`^(${NUM})(?:([+-])(${NUM.replace('[+-]?', '')}))?x(\\d+)$`);

/** Parses a float as the series notation writes it (`1e0`, `.2`, `+Inf`, `NaN`). */
export function parseNumber(text: string): number {
  if (!PLAIN_RE.test(text)) throw new ScriptSyntaxError(`cannot parse number "${text}"`);
  return toFloat(text);
}

function toFloat(s: string): number {
  const l = s.toLowerCase();
  if (l === 'inf' || l === '+inf') return Infinity;
  if (l === '-inf') return -Infinity;
  if (l === 'nan' || l === '+nan' || l === '-nan') return NaN;
  return Number(s);
}

/** Splits the value list into items, keeping `{{…}}` histogram literals (with spaces) whole. */
function tokenize(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '{' && text[i + 1] === '{') {
      depth++;
      cur += '{{';
      i++;
    } else if (c === '}' && text[i + 1] === '}' && depth > 0) {
      depth--;
      cur += '}}';
      i++;
    } else if ((c === ' ' || c === '\t') && depth === 0) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (depth !== 0) throw new ScriptSyntaxError(`cannot parse values "${text}": unclosed {{`);
  if (cur !== '') out.push(cur);
  return out;
}

/** Expands the value notation of a series line (`1+2x3 _ stale _x2 {{…}}x1`) into slots. */
export function expandValues(text: string): Slot[] {
  const slots: Slot[] = [];
  for (const item of tokenize(text)) {
    if (item === '_') slots.push({ kind: 'none' });
    else if (/^_x\d+$/.test(item)) {
      const n = Number(item.slice(2));
      for (let i = 0; i < n; i++) slots.push({ kind: 'none' });
    } else if (item === 'stale') slots.push({ kind: 'stale' });
    else if (item.startsWith('{{')) {
      const m = /x(\d+)$/.exec(item);
      const n = m && item.endsWith(`}}x${m[1] ?? ''}`) ? Number(m[1]) + 1 : 1;
      for (let i = 0; i < n; i++) slots.push({ kind: 'histogram', text: item });
    } else if (PLAIN_RE.test(item)) slots.push({ kind: 'float', v: toFloat(item) });
    else {
      const m = REPEAT_RE.exec(item);
      if (!m) throw new ScriptSyntaxError(`cannot parse value "${item}"`);
      const n = Number(m[4]);
      let v = toFloat(m[1]!);
      const d = m[3] === undefined ? 0 : toFloat(m[3]) * (m[2] === '-' ? -1 : 1);
      slots.push({ kind: 'float', v });
      for (let i = 0; i < n; i++) {
        v += d;
        slots.push({ kind: 'float', v });
      }
    }
  }
  return slots;
}

/** A parsed series description plus where in the line its values start. */
export interface SeriesDesc {
  labels: Labels;
  /** The rest of the line after the description. */
  rest: string;
}

/**
 * Parses a series description with equality matchers only (`name`, `name{a="b"}`,
 * `{__name__="x", "utf8.label"="v"}`) from the start of a line.
 */
export function parseSeriesDesc(line: string): SeriesDesc {
  let pos = 0;
  const flat: string[] = [];
  const ident = /[a-zA-Z_:][a-zA-Z0-9_:.]*/y;
  ident.lastIndex = 0;
  const m = ident.exec(line);
  if (m) {
    flat.push(METRIC_NAME, m[0]);
    pos = ident.lastIndex;
  }
  if (line[pos] === '{') {
    pos++;
    const skipWs = (): void => {
      while (line[pos] === ' ' || line[pos] === '\t') pos++;
    };
    for (;;) {
      skipWs();
      if (line[pos] === '}') {
        pos++;
        break;
      }
      let name: string;
      if (line[pos] === '"' || line[pos] === "'" || line[pos] === '`') {
        const q = readQuoted(line, pos);
        name = q.value;
        pos = q.end;
      } else {
        const lm = /[a-zA-Z_][a-zA-Z0-9_]*/y;
        lm.lastIndex = pos;
        const n = lm.exec(line);
        if (!n) throw new ScriptSyntaxError(`cannot parse series "${line}": bad label name`);
        name = n[0];
        pos = lm.lastIndex;
      }
      skipWs();
      if (line[pos] === ',' || line[pos] === '}') {
        // A lone quoted name is the metric name.
        flat.push(METRIC_NAME, name);
      } else {
        if (line[pos] !== '=')
          throw new ScriptSyntaxError(`cannot parse series "${line}": expected =`);
        pos++;
        skipWs();
        const q = readQuoted(line, pos);
        pos = q.end;
        flat.push(name, q.value);
      }
      skipWs();
      if (line[pos] === ',') pos++;
      else if (line[pos] !== '}')
        throw new ScriptSyntaxError(`cannot parse series "${line}": expected , or }`);
    }
  }
  if (pos === 0) throw new ScriptSyntaxError(`cannot parse series "${line}"`);
  return { labels: Labels.fromFlatUnsorted(flat), rest: line.slice(pos).trim() };
}

/** Reads a PromQL string literal (double, single or back quotes) starting at `pos`. */
export function readQuoted(s: string, pos: number): { value: string; end: number } {
  const q = s[pos];
  if (q !== '"' && q !== "'" && q !== '`')
    throw new ScriptSyntaxError(`cannot parse string at ${pos} in "${s}"`);
  let i = pos + 1;
  let out = '';
  while (i < s.length && s[i] !== q) {
    const c = s[i]!;
    if (c === '\\' && q !== '`') {
      const e = s[i + 1] ?? '';
      i += 2;
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'a':
          out += '\x07';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'v':
          out += '\v';
          break;
        case 'x':
          out += bytesToString(s, i - 2);
          i += 2;
          break;
        case 'u':
          out += String.fromCodePoint(parseInt(s.slice(i, i + 4), 16));
          i += 4;
          break;
        case 'U':
          out += String.fromCodePoint(parseInt(s.slice(i, i + 8), 16));
          i += 8;
          break;
        default:
          if (e >= '0' && e <= '7') {
            out += String.fromCharCode(parseInt(s.slice(i - 1, i + 2), 8));
            i += 2;
          } else out += e;
      }
    } else {
      out += c;
      i++;
    }
  }
  if (i >= s.length) throw new ScriptSyntaxError(`cannot parse string in "${s}": unterminated`);
  return { value: out, end: i + 1 };
}

/** Decodes one `\xHH` escape as a byte; a lone invalid byte becomes U+FFFD like Go's strings. */
function bytesToString(s: string, at: number): string {
  const b = parseInt(s.slice(at + 2, at + 4), 16);
  return b < 0x80 ? String.fromCharCode(b) : '\ufffd';
}
