import { readLabelSet, newLabelSetResult, type LabelSyntax } from './labels.js';
import {
  ExpositionError,
  type EntryKind,
  type Exemplar,
  type ExpositionParser,
  type MetricType,
} from './types.js';

/**
 * Bytes per decoded piece of a byte input: at most 32 Ki characters, so a piece stays below
 * V8's large-object size (128 KiB) even as a two-byte string.
 */
const PIECE_BYTES = 32 * 1024;
const NEWLINE = 10;

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

  /** The text being read: all of a string input, or the current piece of a byte input. */
  protected s: string;
  /** A byte input (UTF-8), decoded piece by piece; undefined for a string input. */
  private readonly bytes: Buffer | undefined;
  /** Offset in `bytes` of the next piece. */
  private bytePos = 0;

  /**
   * `input` is the exposition as a string, or as UTF-8 bytes. Bytes are decoded in pieces of
   * whole lines of about `PIECE_BYTES` each: every piece string is small enough for V8's young
   * generation, where a whole-body string (a large object) would only be freed by a full
   * garbage collection. The bytes must not change while the parser reads them.
   */
  constructor(
    input: string | Uint8Array,
    protected readonly syntax: LabelSyntax,
  ) {
    if (typeof input === 'string') {
      this.s = input;
      this.bytes = undefined;
    } else {
      this.s = '';
      this.bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    }
  }

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
    if (this.pos >= this.s.length && !this.nextPiece()) return false;
    this.lineStart = this.pos;
    let e = this.s.indexOf('\n', this.pos);
    if (e < 0) e = this.s.length;
    this.lineEnd = e;
    this.pos = e + 1;
    this.lineNumber++;
    return true;
  }

  /** Whether all of the input has been read. */
  protected atEnd(): boolean {
    return (
      this.pos >= this.s.length && (this.bytes === undefined || this.bytePos >= this.bytes.length)
    );
  }

  /** Decodes the next piece of a byte input (whole lines); false when there is none. */
  private nextPiece(): boolean {
    const b = this.bytes;
    const from = this.bytePos;
    if (b === undefined || from >= b.length) return false;
    let end = from + PIECE_BYTES;
    if (end >= b.length) end = b.length;
    else {
      const nl = b.lastIndexOf(NEWLINE, end - 1);
      if (nl >= from) end = nl + 1;
      else {
        // A line longer than a piece: the piece holds all of it.
        const next = b.indexOf(NEWLINE, end);
        end = next < 0 ? b.length : next + 1;
      }
    }
    this.s = b.toString('utf8', from, end);
    this.bytePos = end;
    this.pos = 0;
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
