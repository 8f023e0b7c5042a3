/**
 * The character-level part of the lexer: a cursor over the input with Prometheus' rules for
 * scanning numbers, durations, quoted and raw strings and escape sequences.
 */
import { goUnicode } from './gostrings.js';
import type { Token, TokenKind } from './tokenkinds.js';

/** Whether a character is PromQL whitespace. */
export const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
/** Whether a character is an ASCII digit. */
export const isDigit = (c: string): boolean => c >= '0' && c <= '9' && c.length === 1;
/** Whether a character is an ASCII letter or underscore. */
export const isAlpha = (c: string): boolean =>
  c.length === 1 && (c === '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
/** Whether a character is an ASCII letter, digit or underscore. */
export const isAlphaNumeric = (c: string): boolean => isAlpha(c) || isDigit(c);

const DIGITS = '0123456789';
const HEX_DIGITS = '0123456789abcdefABCDEF';

/** The code point of a character ('' → U+FFFD, as Go reports the end of input). */
export function runeOf(c: string): number {
  return c === '' ? 0xfffd : (c.codePointAt(0) ?? 0xfffd);
}

function isLoneSurrogate(c: string): boolean {
  const u = c.charCodeAt(0);
  return c.length === 1 && u >= 0xd800 && u < 0xe000;
}

/** A cursor over the input that produces at most one pending token at a time. */
export abstract class Scanner {
  /** Current offset. */
  protected pos = 0;
  /** Start offset of the token being scanned. */
  protected start = 0;
  private width = 0;
  private pending: Token | undefined;

  constructor(readonly input: string) {}

  /** The token produced by the last step, if any. */
  protected takePending(): Token | undefined {
    return this.pending;
  }

  /** Forgets the pending token before the next step. */
  protected clearPending(): void {
    this.pending = undefined;
  }

  /** Consumes and returns the next character (a whole code point), or '' at the end. */
  protected nextChar(): string {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return '';
    }
    const cp = this.input.codePointAt(this.pos) ?? 0;
    this.width = cp > 0xffff ? 2 : 1;
    const c = this.input.slice(this.pos, this.pos + this.width);
    this.pos += this.width;
    return c;
  }
  protected backup(): void {
    this.pos -= this.width;
  }
  protected peek(): string {
    return this.input[this.pos] ?? '';
  }
  protected is(valid: string): boolean {
    const c = this.peek();
    return c !== '' && valid.includes(c);
  }
  protected accept(valid: string): boolean {
    if (this.is(valid)) {
      this.pos++;
      this.width = 1;
      return true;
    }
    return false;
  }
  protected acceptRun(valid: string): void {
    while (this.accept(valid));
  }
  protected emit(kind: TokenKind): void {
    this.pending = { kind, pos: this.start, val: this.input.slice(this.start, this.pos) };
    this.start = this.pos;
  }
  protected errorf(msg: string): void {
    this.pending = { kind: 'ERROR', pos: this.start, val: msg };
  }
  protected skipSpaces(): void {
    while (isSpace(this.peek())) this.pos++;
    this.start = this.pos;
  }
  protected lineComment(): void {
    while (
      this.pos < this.input.length &&
      this.input[this.pos] !== '\n' &&
      this.input[this.pos] !== '\r'
    ) {
      this.pos++;
    }
    this.start = this.pos;
  }

  protected lexString(quote: string): void {
    for (;;) {
      const c = this.nextChar();
      if (c === '\\') {
        if (!this.lexEscape(quote)) return;
      } else if (c === '' || c === '\n') {
        this.errorf('unterminated quoted string');
        return;
      } else if (isLoneSurrogate(c)) {
        this.errorf('invalid UTF-8 rune');
        return;
      } else if (c === quote) {
        break;
      }
    }
    this.emit('STRING');
  }

  protected lexRawString(): void {
    for (;;) {
      const c = this.nextChar();
      if (c === '') {
        this.errorf('unterminated raw string');
        return;
      }
      if (isLoneSurrogate(c)) {
        this.errorf('invalid UTF-8 rune');
        return;
      }
      if (c === '`') break;
    }
    this.emit('STRING');
  }

  /** Checks one escape sequence after the backslash; false (with an error) when invalid. */
  protected lexEscape(quote: string): boolean {
    let ch = this.nextChar();
    let n: number;
    let base: number;
    let max: number;
    if ('abfnrtv\\'.includes(ch) && ch !== '') return true;
    if (ch === quote) return true;
    if (ch >= '0' && ch <= '7' && ch.length === 1) {
      [n, base, max] = [3, 8, 255];
    } else if (ch === 'x' || ch === 'u' || ch === 'U') {
      [n, base, max] =
        ch === 'x' ? [2, 16, 255] : ch === 'u' ? [4, 16, 0x10ffff] : [8, 16, 0x10ffff];
      ch = this.nextChar();
    } else if (ch === '') {
      this.errorf('escape sequence not terminated');
      return false;
    } else {
      this.errorf(`unknown escape sequence ${goUnicode(runeOf(ch))}`);
      return false;
    }
    let x = 0;
    while (n > 0) {
      const d = ch.length === 1 ? parseInt(ch, 16) : NaN;
      if (Number.isNaN(d) || d >= base) {
        if (ch === '') this.errorf('escape sequence not terminated');
        else this.errorf(`illegal character ${goUnicode(runeOf(ch))} in escape sequence`);
        return false;
      }
      x = x * base + d;
      n--;
      if (n > 0) ch = this.nextChar();
    }
    if (x > max || (x >= 0xd800 && x < 0xe000)) {
      this.errorf('escape sequence is an invalid Unicode code point');
      return false;
    }
    return true;
  }

  protected lexNumberOrDuration(): void {
    if (this.scanNumber()) {
      this.emit('NUMBER');
      return;
    }
    if (this.acceptRemainingDuration()) {
      this.backup();
      this.emit('DURATION');
      return;
    }
    this.errorf(
      `bad number or duration syntax: ${JSON.stringify(this.input.slice(this.start, this.pos))}`,
    );
  }

  protected acceptRemainingDuration(): boolean {
    if (!this.accept('smhdwy')) return false;
    this.accept('s');
    while (this.accept(DIGITS)) {
      this.acceptRun(DIGITS);
      if (!this.accept('smhdw')) return false;
      this.accept('s');
    }
    return !isAlphaNumeric(this.nextChar());
  }

  /** Scans decimal, hexadecimal, octal-looking and float numbers (not necessarily valid). */
  protected scanNumber(): boolean {
    const initial = this.pos;
    let digits = DIGITS;
    if (this.accept('0') && this.accept('xX')) {
      this.accept('_');
      digits = HEX_DIGITS;
    }
    this.accept('.');
    this.accept(digits);
    let dot = false;
    let exp = false;
    while (this.is(digits + '._eE')) {
      if (this.is('.') && dot) {
        this.accept('.');
        return false;
      }
      if (this.is('eE') && exp) {
        this.accept('eE');
        return false;
      }
      if (this.accept('.')) {
        dot = true;
        if (this.accept('_.')) return false;
        if (digits === HEX_DIGITS) return false;
        continue;
      }
      if (this.accept('eE')) {
        exp = true;
        this.accept('+-');
        if (this.accept('._eE') || this.peek() === '') return false;
        continue;
      }
      if (this.accept('_')) {
        if (this.accept('._eE') || this.peek() === '') return false;
        continue;
      }
      this.acceptRun(digits);
    }
    if (this.pos === initial) return false;
    return !isAlphaNumeric(this.peek());
  }
}
