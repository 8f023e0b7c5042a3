/**
 * The PromQL lexer. It is a small state machine with the same states as Prometheus' lexer
 * (statements, inside braces, inside a range/subquery duration), so that tokens, keywords and
 * lexical errors come out exactly as Prometheus produces them. Comments (`#` to end of line)
 * are skipped. Positions are offsets into the input string.
 */
import { goQuoteRune, goUnicode } from './gostrings.js';

/** Binary and other operators; `@` counts as an operator like in Prometheus. */
export type OperatorKind =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '</'
  | '>/'
  | '=~'
  | '!~'
  | '@'
  | 'and'
  | 'or'
  | 'unless'
  | 'atan2';

/** Aggregation operator keywords. */
export type AggregatorKind =
  | 'sum'
  | 'avg'
  | 'count'
  | 'min'
  | 'max'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'count_values'
  | 'quantile'
  | 'limitk'
  | 'limit_ratio';

/** Modifier keywords. */
export type KeywordKind =
  | 'offset'
  | 'smoothed'
  | 'anchored'
  | 'by'
  | 'without'
  | 'on'
  | 'ignoring'
  | 'group_left'
  | 'group_right'
  | 'fill'
  | 'fill_left'
  | 'fill_right'
  | 'bool';

/** Words that act as functions in special positions (`@ start()`, `[step()]`, …). */
export type PreprocessorKind = 'start' | 'end' | 'step' | 'range' | 'max_of' | 'min_of';

/** Punctuation that is not an operator. */
export type PunctuationKind = '(' | ')' | '{' | '}' | '[' | ']' | ',' | '=' | ':';

/** Every token kind. `ERROR` carries the lexer's message in `val`. */
export type TokenKind =
  | OperatorKind
  | AggregatorKind
  | KeywordKind
  | PreprocessorKind
  | PunctuationKind
  | 'IDENTIFIER'
  | 'METRIC_IDENTIFIER'
  | 'NUMBER'
  | 'DURATION'
  | 'STRING'
  | 'EOF'
  | 'ERROR';

/** A token: its kind, start offset and source text (for `ERROR`, the message). */
export interface Token {
  readonly kind: TokenKind;
  readonly pos: number;
  readonly val: string;
}

type WordKind = OperatorKind | AggregatorKind | KeywordKind | PreprocessorKind | 'NUMBER';

const OPERATOR_WORDS = ['and', 'or', 'unless', 'atan2'] as const;
const AGGREGATORS: readonly AggregatorKind[] = [
  'sum',
  'avg',
  'count',
  'min',
  'max',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'limitk',
  'limit_ratio',
];
const KEYWORDS: readonly KeywordKind[] = [
  'offset',
  'smoothed',
  'anchored',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'fill',
  'fill_left',
  'fill_right',
  'bool',
];
const PREPROCESSORS: readonly PreprocessorKind[] = [
  'start',
  'end',
  'step',
  'range',
  'max_of',
  'min_of',
];

/** Words (lower-cased) the lexer turns into special tokens; `inf` and `nan` become numbers. */
const WORDS: ReadonlyMap<string, WordKind> = new Map<string, WordKind>([
  ...OPERATOR_WORDS.map((w) => [w, w] as const),
  ...AGGREGATORS.map((w) => [w, w] as const),
  ...KEYWORDS.map((w) => [w, w] as const),
  ...PREPROCESSORS.map((w) => [w, w] as const),
  ['inf', 'NUMBER'],
  ['nan', 'NUMBER'],
]);

const AGGREGATOR_SET: ReadonlySet<string> = new Set(AGGREGATORS);
const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);
const PREPROCESSOR_SET: ReadonlySet<string> = new Set(PREPROCESSORS);
const OPERATOR_SET: ReadonlySet<string> = new Set<string>([
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '</',
  '>/',
  '=~',
  '!~',
  '@',
  ...OPERATOR_WORDS,
]);

/** Whether the kind is an aggregation operator keyword. */
export function isAggregatorKind(k: TokenKind): k is AggregatorKind {
  return AGGREGATOR_SET.has(k);
}
/** Whether the kind is a modifier keyword. */
export function isKeywordKind(k: TokenKind): k is KeywordKind {
  return KEYWORD_SET.has(k);
}
/** Whether the kind is a preprocessor word (`start`, `end`, `step`, `range`, `max_of`, `min_of`). */
export function isPreprocessorKind(k: TokenKind): k is PreprocessorKind {
  return PREPROCESSOR_SET.has(k);
}
/** Whether the kind is an operator (including `@`). */
export function isOperatorKind(k: TokenKind): k is OperatorKind {
  return OPERATOR_SET.has(k);
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isDigit = (c: string): boolean => c >= '0' && c <= '9' && c.length === 1;
const isAlpha = (c: string): boolean =>
  c.length === 1 && (c === '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isAlphaNumeric = (c: string): boolean => isAlpha(c) || isDigit(c);
const DURATION_KEYWORD_START = 'srmSRM';

const DIGITS = '0123456789';
const HEX_DIGITS = '0123456789abcdefABCDEF';

type State = 'statements' | 'duration';

/**
 * Produces tokens on demand with `next()`. After an `ERROR` or `EOF` token it keeps returning
 * `EOF`.
 */
export class Lexer {
  private pos = 0;
  private start = 0;
  private width = 0;
  private state: State | 'done' = 'statements';
  private parenDepth = 0;
  private braceOpen = false;
  private bracketOpen = false;
  private gotColon = false;
  private gotDuration = false;
  private pending: Token | undefined;

  constructor(readonly input: string) {}

  /** Returns the next token, skipping comments. */
  next(): Token {
    this.pending = undefined;
    for (;;) {
      if (this.state === 'done') return { kind: 'EOF', pos: this.input.length, val: '' };
      if (this.state === 'duration') this.lexDurationExpr();
      else if (this.braceOpen) this.lexInsideBraces();
      else this.lexStatements();
      const t = this.taken();
      if (t !== undefined) {
        if (t.kind === 'ERROR' || t.kind === 'EOF') this.state = 'done';
        return t;
      }
    }
  }

  private taken(): Token | undefined {
    return this.pending;
  }

  // --- character helpers -----------------------------------------------------------------

  /** Consumes and returns the next character (a whole code point), or '' at the end. */
  private nextChar(): string {
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
  private backup(): void {
    this.pos -= this.width;
  }
  private peek(): string {
    return this.input[this.pos] ?? '';
  }
  private is(valid: string): boolean {
    const c = this.peek();
    return c !== '' && valid.includes(c);
  }
  private accept(valid: string): boolean {
    if (this.is(valid)) {
      this.pos++;
      this.width = 1;
      return true;
    }
    return false;
  }
  private acceptRun(valid: string): void {
    while (this.accept(valid));
  }
  private emit(kind: TokenKind): void {
    this.pending = { kind, pos: this.start, val: this.input.slice(this.start, this.pos) };
    this.start = this.pos;
  }
  private errorf(msg: string): void {
    this.pending = { kind: 'ERROR', pos: this.start, val: msg };
  }
  private skipSpaces(): void {
    while (isSpace(this.peek())) this.pos++;
    this.start = this.pos;
  }
  private lineComment(): void {
    while (
      this.pos < this.input.length &&
      this.input[this.pos] !== '\n' &&
      this.input[this.pos] !== '\r'
    ) {
      this.pos++;
    }
    this.start = this.pos;
  }

  // --- states ----------------------------------------------------------------------------

  private lexStatements(): void {
    if (this.input.startsWith('#', this.pos)) {
      this.lineComment();
      return;
    }
    const r = this.nextChar();
    if (r === '') {
      if (this.parenDepth !== 0) this.errorf('unclosed left parenthesis');
      else if (this.bracketOpen) this.errorf('unclosed left bracket');
      else this.emit('EOF');
      return;
    }
    if (isSpace(r)) {
      this.skipSpaces();
      return;
    }
    if (isDigit(r) || (r === '.' && isDigit(this.peek()))) {
      this.backup();
      this.lexNumberOrDuration();
      return;
    }
    if (isAlpha(r) || r === ':') {
      this.lexWordInStatements(r);
      return;
    }
    this.lexPunctuation(r);
  }

  private lexWordInStatements(r: string): void {
    if (!this.bracketOpen) {
      this.backup();
      this.lexKeywordOrIdentifier();
      return;
    }
    if (r === ':') {
      if (this.gotColon) {
        this.errorf(`unexpected colon ${goQuoteRune(58)}`);
        return;
      }
      this.emit(':');
      this.gotColon = true;
      return;
    }
    if (DURATION_KEYWORD_START.includes(r) && this.scanDurationKeyword()) return;
    this.errorf(
      `unexpected character: ${goQuoteRune(r.charCodeAt(0))}, expected ${goQuoteRune(58)}`,
    );
  }

  private lexPunctuation(r: string): void {
    switch (r) {
      case ',':
      case '*':
      case '/':
      case '%':
      case '+':
      case '-':
      case '^':
      case '@':
        this.emit(r);
        return;
      case '=':
        if (this.peek() === '=') {
          this.pos++;
          this.emit('==');
        } else if (this.peek() === '~') {
          this.errorf(`unexpected character after '=': ${goQuoteRune(126)}`);
        } else {
          this.emit('=');
        }
        return;
      case '!': {
        const t = this.nextChar();
        if (t !== '=') this.errorf(`unexpected character after '!': ${goQuoteRune(runeOf(t))}`);
        else this.emit('!=');
        return;
      }
      case '<':
      case '>': {
        const t = this.peek();
        if (t === '=' || t === '/') this.pos++;
        this.emit(t === '=' ? `${r}=` : t === '/' ? `${r}/` : r);
        return;
      }
      case '"':
      case "'":
        this.lexString(r);
        return;
      case '`':
        this.lexRawString();
        return;
      case '(':
        this.emit('(');
        this.parenDepth++;
        return;
      case ')':
        this.emit(')');
        this.parenDepth--;
        if (this.parenDepth < 0) this.errorf(`unexpected right parenthesis ${goQuoteRune(41)}`);
        return;
      case '{':
        this.emit('{');
        this.braceOpen = true;
        return;
      case '[':
        if (this.bracketOpen) {
          this.errorf(`unexpected left bracket ${goQuoteRune(91)}`);
          return;
        }
        this.gotColon = false;
        this.emit('[');
        this.skipSpaces();
        this.bracketOpen = true;
        this.state = 'duration';
        return;
      case ']':
        if (!this.bracketOpen) {
          this.errorf(`unexpected right bracket ${goQuoteRune(93)}`);
          return;
        }
        this.emit(']');
        this.bracketOpen = false;
        return;
      default:
        this.errorf(`unexpected character: ${goQuoteRune(runeOf(r))}`);
    }
  }

  private lexInsideBraces(): void {
    if (this.input.startsWith('#', this.pos)) {
      this.lineComment();
      return;
    }
    const r = this.nextChar();
    if (r === '') {
      this.errorf('unexpected end of input inside braces');
      return;
    }
    if (isSpace(r)) {
      this.skipSpaces();
      return;
    }
    if (isAlpha(r)) {
      while (isAlphaNumeric(this.peek())) this.pos++;
      this.emit('IDENTIFIER');
      return;
    }
    switch (r) {
      case ',':
        this.emit(',');
        return;
      case '"':
      case "'":
        this.lexString(r);
        return;
      case '`':
        this.lexRawString();
        return;
      case '=':
        if (this.peek() === '~') this.pos++;
        this.emit(this.pos - this.start === 2 ? '=~' : '=');
        return;
      case '!': {
        const nr = this.nextChar();
        if (nr === '~') this.emit('!~');
        else if (nr === '=') this.emit('!=');
        else
          this.errorf(`unexpected character after '!' inside braces: ${goQuoteRune(runeOf(nr))}`);
        return;
      }
      case '{':
        this.errorf(`unexpected left brace ${goQuoteRune(123)}`);
        return;
      case '}':
        this.emit('}');
        this.braceOpen = false;
        return;
      default:
        this.errorf(`unexpected character inside braces: ${goQuoteRune(runeOf(r))}`);
    }
  }

  private lexDurationExpr(): void {
    const r = this.nextChar();
    if (r === '') {
      this.errorf('unexpected end of input in duration expression');
      return;
    }
    if (isSpace(r)) {
      this.skipSpaces();
      return;
    }
    switch (r) {
      case ']':
        this.emit(']');
        this.bracketOpen = false;
        this.gotColon = false;
        this.state = 'statements';
        return;
      case ':':
        this.emit(':');
        if (!this.gotDuration)
          this.errorf('unexpected colon before duration in duration expression');
        else if (this.gotColon) this.errorf('unexpected repeated colon in duration expression');
        this.gotColon = true;
        return;
      case '(':
        this.emit('(');
        this.parenDepth++;
        return;
      case ')':
        this.emit(')');
        this.parenDepth--;
        if (this.parenDepth < 0) this.errorf(`unexpected right parenthesis ${goQuoteRune(41)}`);
        return;
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
      case '^':
      case ',':
        this.emit(r);
        return;
    }
    if (DURATION_KEYWORD_START.includes(r)) {
      if (!this.scanDurationKeyword()) {
        this.errorf(`unexpected character in duration expression: ${goQuoteRune(runeOf(r))}`);
      }
      return;
    }
    if (isDigit(r) || (r === '.' && isDigit(this.peek()))) {
      this.backup();
      this.gotDuration = true;
      this.state = 'statements';
      this.lexNumberOrDuration();
      return;
    }
    this.errorf(`unexpected character in duration expression: ${goQuoteRune(runeOf(r))}`);
  }

  private scanDurationKeyword(): boolean {
    while (isAlpha(this.peek())) this.pos++;
    const word = this.input.slice(this.start, this.pos).toLowerCase();
    if (word === 'step' || word === 'range' || word === 'max_of' || word === 'min_of') {
      this.emit(word);
      return true;
    }
    return false;
  }

  private lexKeywordOrIdentifier(): void {
    while (isAlphaNumeric(this.peek()) || this.peek() === ':') this.pos++;
    const word = this.input.slice(this.start, this.pos);
    const kw = WORDS.get(word.toLowerCase());
    if (kw !== undefined) {
      const contextual = kw === 'fill' || kw === 'fill_left' || kw === 'fill_right';
      this.emit(contextual && !this.followedByLeftParen() ? 'IDENTIFIER' : kw);
    } else {
      this.emit(word.includes(':') ? 'METRIC_IDENTIFIER' : 'IDENTIFIER');
    }
  }

  private followedByLeftParen(): boolean {
    for (let p = this.pos; p < this.input.length; p++) {
      const c = this.input[p]!;
      if (!isSpace(c)) return c === '(';
    }
    return false;
  }

  private lexString(quote: string): void {
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

  private lexRawString(): void {
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
  private lexEscape(quote: string): boolean {
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

  private lexNumberOrDuration(): void {
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

  private acceptRemainingDuration(): boolean {
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
  private scanNumber(): boolean {
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

function runeOf(c: string): number {
  return c === '' ? 0xfffd : (c.codePointAt(0) ?? 0xfffd);
}

function isLoneSurrogate(c: string): boolean {
  const u = c.charCodeAt(0);
  return c.length === 1 && u >= 0xd800 && u < 0xe000;
}
