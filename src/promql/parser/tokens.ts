/**
 * The token stream the parser reads: lookahead over the lexer, error reporting in Prometheus'
 * words ("unexpected <token> in <context>, expected <what>") and a guard against deep nesting.
 */
import type { PosRange } from './ast.js';
import { ParseError } from './errors.js';
import { goQuote, goQuoteTruncated } from './gostrings.js';
import { Lexer } from './lexer.js';
import {
  isAggregatorKind,
  isKeywordKind,
  isOperatorKind,
  type Token,
  type TokenKind,
} from './tokenkinds.js';

/** Where a syntax error happened, for its message: the construct and what was expected. */
export interface ErrorContext {
  readonly context: string;
  readonly expected: string;
}

const TOP: ErrorContext = { context: '', expected: '' };

/**
 * The deepest syntactic nesting (parentheses, calls, unary and right-associative operators) the
 * parser descends into. Deeper queries are rejected with a ParseError instead of overflowing the
 * parser's stack; real queries stay far below it.
 */
export const MAX_NESTING = 500;

/**
 * The deepest AST a query may produce (long chains of left-associative operators count too), so
 * that recursive consumers — type checks, printers, the engine — cannot overflow the stack.
 */
export const MAX_TREE_DEPTH = 1000;

/** The end offset of a token. */
export function tokenEnd(t: Token): number {
  return t.pos + t.val.length;
}

/** The source range of a token. */
export function tokenRange(t: Token): PosRange {
  return { start: t.pos, end: tokenEnd(t) };
}

/** How Prometheus names a token in "unexpected …" messages. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'EOF':
      return 'end of input';
    case 'IDENTIFIER':
      return `identifier ${goQuote(t.val)}`;
    case 'METRIC_IDENTIFIER':
      return `metric identifier ${goQuote(t.val)}`;
    case 'STRING':
      return `string ${goQuoteTruncated(t.val, 10)}`;
    case 'NUMBER':
      return `number ${goQuoteTruncated(t.val, 10)}`;
    case 'DURATION':
      return `duration ${goQuoteTruncated(t.val, 10)}`;
    case 'ERROR':
      return 'error';
  }
  if (isOperatorKind(t.kind)) return `<op:${t.val}>`;
  if (isAggregatorKind(t.kind)) return `<aggr:${t.val}>`;
  if (isKeywordKind(t.kind)) return `<${t.val}>`;
  return goQuoteTruncated(t.val, 10);
}

/** Lookahead over the lexer with Prometheus-style error reporting. */
export class TokenStream {
  private readonly buf: Token[] = [];
  private readonly contexts: ErrorContext[] = [TOP];
  private nesting = 0;
  /** The end offset of the most recently consumed token. */
  prevEnd = 0;

  constructor(readonly query: string) {
    this.lexer = new Lexer(query);
  }

  private readonly lexer: Lexer;

  private fill(n: number): void {
    while (this.buf.length <= n) this.buf.push(this.lexer.next());
  }

  /** The token `n` places ahead without consuming it; lexer errors are returned, not thrown. */
  peekRaw(n = 0): Token {
    this.fill(n);
    return this.buf[n]!;
  }

  /** The next token; throws the lexer's error if the lexer failed there. */
  peek(): Token {
    const t = this.peekRaw(0);
    if (t.kind === 'ERROR') this.fail({ start: t.pos, end: this.query.length }, t.val);
    return t;
  }

  /** Whether the next token has the given kind. */
  at(kind: TokenKind): boolean {
    return this.peek().kind === kind;
  }

  /** Consumes and returns the next token. */
  next(): Token {
    const t = this.peek();
    this.buf.shift();
    this.prevEnd = tokenEnd(t);
    return t;
  }

  /** Consumes the next token if it has the given kind. */
  accept(kind: TokenKind): Token | undefined {
    return this.at(kind) ? this.next() : undefined;
  }

  /** Consumes a token of the given kind, or reports it as unexpected. */
  expect(kind: TokenKind, ctx?: ErrorContext): Token {
    const t = this.peek();
    if (t.kind !== kind) this.unexpected(t, ctx);
    return this.next();
  }

  /** Throws a ParseError at the given range. */
  fail(range: PosRange, detail: string): never {
    throw new ParseError(range, detail, this.query);
  }

  /** Throws "unexpected <token>" with the given or the current context. */
  unexpected(t: Token, ctx: ErrorContext = this.contexts[this.contexts.length - 1] ?? TOP): never {
    if (t.kind === 'ERROR') this.fail({ start: t.pos, end: this.query.length }, t.val);
    let msg = `unexpected ${describeToken(t)}`;
    if (ctx.context !== '') msg += ` in ${ctx.context}`;
    if (ctx.expected !== '') msg += `, expected ${ctx.expected}`;
    this.fail(tokenRange(t), msg);
  }

  /** Runs `fn` with `ctx` as the context of syntax errors inside it. */
  within<T>(ctx: ErrorContext, fn: () => T): T {
    this.contexts.push(ctx);
    try {
      return fn();
    } finally {
      this.contexts.pop();
    }
  }

  /** Enters one syntactic nesting level; rejects queries nested deeper than MAX_NESTING. */
  enter(): void {
    if (++this.nesting > MAX_NESTING) {
      const t = this.peekRaw();
      this.fail(
        { start: t.pos, end: t.pos },
        `expression nested too deeply (more than ${MAX_NESTING} levels)`,
      );
    }
  }

  /** Leaves a nesting level entered with `enter`. */
  leave(): void {
    this.nesting--;
  }
}
