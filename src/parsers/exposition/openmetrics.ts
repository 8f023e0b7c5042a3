import { BaseParser } from './base.js';
import { readLabelSet } from './labels.js';
import { CH, decimalAt, isNameChar, isNameStart, parseStrictFloat, unescapeHelp } from './lex.js';
import type { EntryKind, MetricType } from './types.js';

const OM_TYPES: ReadonlySet<string> = new Set([
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
]);

/** Exemplar label sets may hold at most this many characters (names and values together). */
export const MAX_EXEMPLAR_LABEL_RUNES = 128;

/**
 * A syntax-level parser for OpenMetrics 1.0 text (`application/openmetrics-text`): exact
 * whitespace, `# EOF` required and final, metadata lines, exemplars. Family-level rules (types,
 * suffixes, histogram structure) are checked by `OpenMetricsValidator`.
 */
export class OpenMetricsParser extends BaseParser {
  private sawEOF = false;

  constructor(input: string | Uint8Array) {
    super(input, { strict: true });
  }

  next(known?: string): EntryKind {
    this.hit = false;
    this.lazyKey = false;
    if (this.sawEOF) return 'end';
    if (!this.advanceLine()) this.fail('missing "# EOF" at the end of the exposition', this.pos);
    const s = this.s;
    const ls = this.lineStart;
    const le = this.lineEnd;
    if (ls === le) this.fail('empty line', ls);
    if (s.charCodeAt(ls) === CH.hash) return this.comment();
    if (known === undefined || !this.knownAt(known, ls, le)) this.series();
    this.kind = 'series';
    return 'series';
  }

  private comment(): EntryKind {
    const s = this.s;
    const ls = this.lineStart;
    const le = this.lineEnd;
    const line = s.slice(ls, le);
    if (line === '# EOF') {
      if (!this.atEnd()) this.fail('unexpected text after "# EOF"', this.pos);
      this.sawEOF = true;
      this.kind = 'end';
      return 'end';
    }
    let kind: EntryKind;
    if (line.startsWith('# HELP ')) kind = 'help';
    else if (line.startsWith('# TYPE ')) kind = 'type';
    else if (line.startsWith('# UNIT ')) kind = 'unit';
    else return this.fail(`invalid comment line ${JSON.stringify(line.slice(0, 40))}`, ls);
    let j = ls + 7;
    this.nameStart = j;
    if (j >= le || !isNameStart(s.charCodeAt(j), true)) this.fail('invalid metric name', j);
    while (j < le && isNameChar(s.charCodeAt(j), true)) j++;
    this.nameEnd = j;
    this.quotedName = '';
    if (j >= le || s.charCodeAt(j) !== CH.space) {
      this.fail(`expected a space after the metric name in ${kind.toUpperCase()}`, j);
    }
    const rest = s.slice(j + 1, le);
    switch (kind) {
      case 'help':
        this.txt = unescapeHelp(rest);
        break;
      case 'type':
        if (!OM_TYPES.has(rest)) this.fail(`invalid metric type ${JSON.stringify(rest)}`, j + 1);
        this.mtype = rest as MetricType;
        break;
      case 'unit': {
        this.txt = rest;
        const name = s.slice(this.nameStart, this.nameEnd);
        if (rest !== '' && !name.endsWith(`_${rest}`)) {
          this.fail(`metric name ${name} does not end in the unit suffix _${rest}`, j + 1);
        }
        break;
      }
      default:
        break;
    }
    this.kind = kind;
    return kind;
  }

  /**
   * The fast path for a series written exactly `known` (a key checked before) at the start of
   * the line: only the value, timestamp and exemplar are read. False when the line differs.
   */
  private knownAt(known: string, ls: number, le: number): boolean {
    const k = ls + known.length;
    // A slice compared with === is a memory comparison; startsWith compares char by char.
    if (k >= le || this.s.charCodeAt(k) !== CH.space || this.s.slice(ls, k) !== known) {
      return false;
    }
    this.keyStart = ls;
    this.keyEnd = k;
    this.hit = true;
    this.lazyKey = true;
    this.sample(k, le);
    return true;
  }

  protected scanKey(): void {
    this.key(this.keyStart, this.keyEnd);
  }

  private series(): void {
    this.keyStart = this.lineStart;
    this.keyEnd = this.key(this.lineStart, this.lineEnd);
    this.sample(this.keyEnd, this.lineEnd);
  }

  /** Reads the series text (name and label set) at `s[j]`; returns the index after it. */
  private key(j: number, le: number): number {
    const s = this.s;
    this.nameStart = j;
    this.quotedName = '';
    if (!isNameStart(s.charCodeAt(j), true)) this.fail('invalid metric name', j);
    while (j < le && isNameChar(s.charCodeAt(j), true)) j++;
    this.nameEnd = j;
    this.labelsStart = -1;
    if (j < le && s.charCodeAt(j) === CH.lbrace) {
      this.labelsStart = j;
      const r = readLabelSet(s, j, le, this.syntax, undefined, this.lres);
      if (r.error !== '') this.fail(r.error, r.errorAt);
      j = r.end;
    }
    return j;
  }

  /** Reads the value, optional timestamp and optional exemplar after the series text at `j`. */
  private sample(j: number, le: number): void {
    const s = this.s;
    if (j >= le || s.charCodeAt(j) !== CH.space) this.fail('expected a space before the value', j);
    j++;
    const vs = j;
    while (j < le && s.charCodeAt(j) !== CH.space) j++;
    const v = decimalAt(s, vs, j) ?? parseStrictFloat(s.slice(vs, j));
    if (v === undefined) this.fail(`invalid value ${JSON.stringify(s.slice(vs, j))}`, vs);
    this.val = v;
    this.ts = undefined;
    this.ex = undefined;
    if (j >= le) return;
    j++; // space
    if (j < le && s.charCodeAt(j) !== CH.hash) {
      const ts = j;
      while (j < le && s.charCodeAt(j) !== CH.space) j++;
      this.ts = parseTimestamp(s.slice(ts, j));
      if (this.ts === undefined)
        this.fail(`invalid timestamp ${JSON.stringify(s.slice(ts, j))}`, ts);
      if (j >= le) return;
      j++;
    }
    this.exemplarAt(j);
  }

  private exemplarAt(j: number): void {
    const s = this.s;
    const le = this.lineEnd;
    if (s.slice(j, j + 3) !== '# {') this.fail('expected "# {" to start an exemplar', j);
    const labels: string[] = [];
    const r = readLabelSet(s, j + 2, le, this.syntax, labels, this.lres);
    if (r.error !== '') this.fail(r.error, r.errorAt);
    let runes = 0;
    for (const l of labels) runes += countCodePoints(l);
    if (runes > MAX_EXEMPLAR_LABEL_RUNES) {
      this.fail(`exemplar labels are longer than ${MAX_EXEMPLAR_LABEL_RUNES} characters`, j + 2);
    }
    j = r.end;
    if (j >= le || s.charCodeAt(j) !== CH.space)
      this.fail('expected a space before the exemplar value', j);
    j++;
    const vs = j;
    while (j < le && s.charCodeAt(j) !== CH.space) j++;
    const v = parseStrictFloat(s.slice(vs, j));
    if (v === undefined) this.fail(`invalid exemplar value ${JSON.stringify(s.slice(vs, j))}`, vs);
    let ts: number | undefined;
    if (j < le) {
      j++;
      const tss = j;
      while (j < le && s.charCodeAt(j) !== CH.space) j++;
      ts = parseTimestamp(s.slice(tss, j));
      if (ts === undefined)
        this.fail(`invalid exemplar timestamp ${JSON.stringify(s.slice(tss, j))}`, tss);
      if (j < le) this.fail('unexpected text after the exemplar', j);
    }
    this.ex = { labels, value: v, timestampMs: ts };
  }
}

/** OpenMetrics timestamps are seconds (float); returns ms, or undefined when invalid. */
function parseTimestamp(tok: string): number | undefined {
  const v = parseStrictFloat(tok);
  if (v === undefined || !Number.isFinite(v)) return undefined;
  return Math.round(v * 1000);
}

/** Counts Unicode code points (surrogate pairs count once). */
function countCodePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}
