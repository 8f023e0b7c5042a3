/**
 * The PromQL lexer. It is a small state machine with the same states as Prometheus' lexer
 * (statements, inside braces, inside a range/subquery duration), so that tokens, keywords and
 * lexical errors come out exactly as Prometheus produces them. Comments (`#` to end of line)
 * are skipped. Positions are offsets into the input string.
 */
import { goQuoteRune } from './gostrings.js';
import { isAlpha, isAlphaNumeric, isDigit, isSpace, runeOf, Scanner } from './scanner.js';
import { WORDS, type Token } from './tokenkinds.js';

/** First letters of `step`, `range`, `max_of` and `min_of`, the words allowed in brackets. */
const DURATION_KEYWORD_START = 'srmSRM';

type State = 'statements' | 'duration';

/**
 * Produces tokens on demand with `next()`. After an `ERROR` or `EOF` token it keeps returning
 * `EOF`.
 */
export class Lexer extends Scanner {
  private state: State | 'done' = 'statements';
  private parenDepth = 0;
  private braceOpen = false;
  private bracketOpen = false;
  private gotColon = false;
  private gotDuration = false;

  /** Returns the next token, skipping comments. */
  next(): Token {
    this.clearPending();
    for (;;) {
      if (this.state === 'done') return { kind: 'EOF', pos: this.input.length, val: '' };
      if (this.state === 'duration') this.lexDurationExpr();
      else if (this.braceOpen) this.lexInsideBraces();
      else this.lexStatements();
      const t = this.takePending();
      if (t !== undefined) {
        if (t.kind === 'ERROR' || t.kind === 'EOF') this.state = 'done';
        return t;
      }
    }
  }

  // --- character helpers -----------------------------------------------------------------

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
}
