import { BaseParser } from './base.js';
import { readLabelSet } from './labels.js';
import {
  CH,
  decimalAt,
  isNameChar,
  isNameStart,
  parseGoFloat,
  scanQuoted,
  smallIntAt,
  unescapeHelp,
} from './lex.js';
import type { EntryKind, MetricType } from './types.js';

/** Powers of ten that are exact doubles (at most 15 fraction digits). */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

const TEXT_TYPES: Readonly<Record<string, MetricType>> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  gaugehistogram: 'gaugehistogram',
  summary: 'summary',
  untyped: 'unknown',
  unknown: 'unknown',
  info: 'info',
  stateset: 'stateset',
};

/**
 * A parser for the Prometheus text exposition format 0.0.4 (`text/plain; version=0.0.4`), as
 * lenient as Prometheus' own: blanks and tabs between tokens, blank lines, free comments,
 * trailing commas in label sets, optional integer millisecond timestamps, and UTF-8 metric and
 * label names in quotes (`{"my.metric", "a.b"="c"}`).
 */
export class PromTextParser extends BaseParser {
  constructor(input: string | Uint8Array) {
    super(input, { strict: false });
  }

  next(known?: string): EntryKind {
    this.hit = false;
    this.lazyKey = false;
    while (this.advanceLine()) {
      const s = this.s;
      const j = this.skipBlanks(this.lineStart);
      let le = this.lineEnd;
      if (le > j && s.charCodeAt(le - 1) === 13) le--; // tolerate CRLF
      if (j >= le) continue;
      if (s.charCodeAt(j) === CH.hash) {
        const k = this.comment(j + 1, le);
        if (k !== undefined) return (this.kind = k);
        continue;
      }
      if (known === undefined || !this.knownAt(known, j, le)) this.series(j, le);
      return (this.kind = 'series');
    }
    return (this.kind = 'end');
  }

  private skipBlanks(j: number): number {
    const s = this.s;
    while (j < this.lineEnd) {
      const c = s.charCodeAt(j);
      if (c !== CH.space && c !== CH.tab) break;
      j++;
    }
    return j;
  }

  private comment(j: number, le: number): EntryKind | undefined {
    const s = this.s;
    j = this.skipBlanks(j);
    let kind: EntryKind;
    if (s.startsWith('HELP', j)) kind = 'help';
    else if (s.startsWith('TYPE', j)) kind = 'type';
    else return undefined;
    j += 4;
    const afterWord = j;
    j = this.skipBlanks(j);
    if (j === afterWord) return undefined; // "# HELPER" is a plain comment
    if (j >= le) return undefined;
    j = this.readName(j, le);
    if (j < le && s.charCodeAt(j) !== CH.space && s.charCodeAt(j) !== CH.tab) {
      this.fail('invalid metric name in comment', j);
    }
    j = this.skipBlanks(j);
    const rest = s.slice(j, le);
    if (kind === 'help') {
      this.txt = unescapeHelp(rest);
      return kind;
    }
    const t = TEXT_TYPES[rest.trimEnd()];
    if (t === undefined) this.fail(`invalid metric type ${JSON.stringify(rest)}`, j);
    this.mtype = t;
    return kind;
  }

  /** Reads a metric name (plain or quoted) at j; sets nameStart/nameEnd/quotedName. */
  private readName(j: number, le: number): number {
    const s = this.s;
    this.quotedName = '';
    if (s.charCodeAt(j) === CH.quote) {
      const r = scanQuoted(s, j, le, { value: '', end: 0 });
      if (r.end < 0) this.fail('unterminated quoted metric name', j);
      this.quotedName = r.value;
      this.nameStart = j;
      this.nameEnd = r.end;
      return r.end;
    }
    this.nameStart = j;
    if (j >= le || !isNameStart(s.charCodeAt(j), true)) this.fail('invalid metric name', j);
    while (j < le && isNameChar(s.charCodeAt(j), true)) j++;
    this.nameEnd = j;
    return j;
  }

  /**
   * The fast path for a series written exactly `known` (a key checked before) at `s[j]`: only
   * the value and the timestamp are read. False when the line is something else.
   */
  private knownAt(known: string, j: number, le: number): boolean {
    const s = this.s;
    const k = j + known.length;
    if (k >= le) return false;
    const c = s.charCodeAt(k);
    // A slice compared with === is a memory comparison; startsWith compares char by char.
    if ((c !== CH.space && c !== CH.tab) || s.slice(j, k) !== known) return false;
    // `name {…}`: a label set follows the name after blanks, so the series text is longer.
    const v = this.skipBlanks(k);
    if (v < le && s.charCodeAt(v) === CH.lbrace) return false;
    this.keyStart = j;
    this.keyEnd = k;
    this.hit = true;
    this.lazyKey = true;
    this.sample(k, le);
    return true;
  }

  protected scanKey(): void {
    this.key(this.keyStart, this.keyEnd);
  }

  private series(j: number, le: number): void {
    this.keyStart = j;
    this.keyEnd = this.key(j, le);
    this.sample(this.keyEnd, le);
  }

  /** Reads the series text (name and label set) at `s[j]`; returns the index after it. */
  private key(j: number, le: number): number {
    const s = this.s;
    const start = j;
    this.labelsStart = -1;
    if (s.charCodeAt(j) === CH.lbrace) {
      this.nameStart = j;
      this.nameEnd = j;
      this.quotedName = '';
    } else {
      j = this.readName(j, le);
    }
    const afterName = j;
    j = this.skipBlanks(j);
    if (j < le && s.charCodeAt(j) === CH.lbrace) {
      this.labelsStart = j;
      const r = readLabelSet(s, j, le, this.syntax, undefined, this.lres);
      if (r.error !== '') this.fail(r.error, r.errorAt);
      if (r.quotedName !== '') {
        if (this.nameEnd > this.nameStart) this.fail('metric name given twice', j);
        this.quotedName = r.quotedName;
      }
      j = r.end;
    } else {
      j = afterName;
    }
    if (this.nameEnd === this.nameStart && this.quotedName === '') {
      this.fail('missing metric name', start);
    }
    return j;
  }

  /** Reads the blanks, value and optional timestamp after the series text ending at `j`. */
  private sample(j: number, le: number): void {
    const s = this.s;
    const beforeValue = j;
    j = this.skipBlanks(j);
    if (j === beforeValue || j >= le) this.fail('expected a value after the series', j);
    const vs = j;
    // The common value, `[-]digits[.digits]` with at most 15 digits, is read in the same pass
    // that finds its end (exact, see `decimalAt`); anything else goes to the full parser.
    let v: number | undefined;
    let m = 0;
    let digits = 0;
    let dot = -1;
    if (s.charCodeAt(j) === CH.minus) j++;
    for (; j < le; j++) {
      const c = s.charCodeAt(j);
      if (c >= 48 && c <= 57) {
        m = m * 10 + (c - 48);
        digits++;
      } else if (c === CH.dot && dot < 0) dot = j;
      else break;
    }
    const end = j;
    if (end < le && s.charCodeAt(end) !== CH.space && s.charCodeAt(end) !== CH.tab) {
      while (j < le && s.charCodeAt(j) !== CH.space && s.charCodeAt(j) !== CH.tab) j++;
    } else if (digits > 0 && digits <= 15) {
      v = dot < 0 ? m : m / POW10[end - dot - 1]!;
      if (s.charCodeAt(vs) === CH.minus) v = -v;
    }
    v ??= decimalAt(s, vs, j) ?? parseGoFloat(s.slice(vs, j));
    if (v === undefined) this.fail(`invalid value ${JSON.stringify(s.slice(vs, j))}`, vs);
    this.val = v;
    this.ex = undefined;
    this.ts = undefined;
    j = this.skipBlanks(j);
    if (j < le) {
      const ts = j;
      while (j < le && s.charCodeAt(j) !== CH.space && s.charCodeAt(j) !== CH.tab) j++;
      const fast = smallIntAt(s, ts, j);
      if (fast !== undefined) this.ts = fast;
      else {
        const tok = s.slice(ts, j);
        if (!/^-?[0-9]+$/.test(tok)) this.fail(`invalid timestamp ${JSON.stringify(tok)}`, ts);
        this.ts = Number(tok);
      }
      j = this.skipBlanks(j);
      if (j < le) this.fail('unexpected text after the timestamp', j);
    }
  }
}
