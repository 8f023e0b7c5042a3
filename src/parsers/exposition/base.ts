import { readLabelSet, newLabelSetResult, type LabelSyntax } from './labels.js';
import {
  ExpositionError,
  type EntryKind,
  type Exemplar,
  type ExpositionParser,
  type MetricType,
} from './types.js';

/**
 * State shared by the text parsers: the input, the current line, and the current entry's
 * pieces as indices into the input (so nothing is sliced unless asked for).
 */
export abstract class BaseParser implements ExpositionParser {
  lineNumber = 0;
  protected pos = 0;
  protected lineStart = 0;
  protected lineEnd = 0;
  protected kind: EntryKind = 'end';
  protected keyStart = 0;
  protected nameStart = 0;
  protected nameEnd = 0;
  /** The quoted metric name given inside braces, or '' (Prometheus text with UTF-8 names). */
  protected quotedName = '';
  protected labelsStart = -1;
  protected keyEnd = 0;
  protected val = 0;
  protected ts: number | undefined = undefined;
  protected ex: Exemplar | undefined = undefined;
  protected mtype: MetricType = 'unknown';
  protected txt = '';
  protected readonly lres = newLabelSetResult();
  /** Whether the current series matched the `known` hint of `next()`. */
  protected hit = false;
  /**
   * Whether the current series' name and label positions are still unknown (a `known` hit skips
   * them); `metricName()` and `labels()` fill them in on demand.
   */
  protected lazyKey = false;

  constructor(
    protected readonly s: string,
    protected readonly syntax: LabelSyntax,
  ) {}

  abstract next(known?: string): EntryKind;

  /**
   * Reads the name and label set of the series text `s[keyStart, keyEnd)` (known to be valid)
   * to set `nameStart`, `nameEnd`, `quotedName` and `labelsStart`.
   */
  protected abstract scanKey(): void;

  private resolveKey(): void {
    this.lazyKey = false;
    this.scanKey();
  }

  matchedKnown(): boolean {
    return this.hit;
  }

  /** Throws an error located at index `at` of the input. */
  protected fail(msg: string, at: number): never {
    throw new ExpositionError(msg, this.lineNumber, at - this.lineStart + 1);
  }

  /** Moves to the next line; returns false at the end of input. */
  protected advanceLine(): boolean {
    if (this.pos >= this.s.length) return false;
    this.lineStart = this.pos;
    let e = this.s.indexOf('\n', this.pos);
    if (e < 0) e = this.s.length;
    this.lineEnd = e;
    this.pos = e + 1;
    this.lineNumber++;
    return true;
  }

  seriesKey(): string {
    return this.s.slice(this.keyStart, this.keyEnd);
  }

  metricName(): string {
    if (this.lazyKey) this.resolveKey();
    return this.quotedName !== '' ? this.quotedName : this.s.slice(this.nameStart, this.nameEnd);
  }

  labels(out: string[]): string[] {
    if (this.lazyKey) this.resolveKey();
    if (this.labelsStart < 0) return out;
    const r = readLabelSet(this.s, this.labelsStart, this.lineEnd, this.syntax, out, this.lres);
    if (r.error !== '') this.fail(r.error, r.errorAt);
    return out;
  }

  value(): number {
    return this.val;
  }

  timestampMs(): number | undefined {
    return this.ts;
  }

  exemplar(): Exemplar | undefined {
    return this.ex;
  }

  metricType(): MetricType {
    return this.mtype;
  }

  text(): string {
    return this.txt;
  }
}
