/**
 * Parsing of duration expressions: ranges and steps inside `[…]` (full arithmetic with `+ - * / %
 * ^`, `step()`, `range()`, `min_of()`, `max_of()`), and offsets after `offset`, where only a
 * signed literal, a signed call or a parenthesised expression binds to the selector (so that
 * `foo offset 5m + 1` adds 1 to the selector's value).
 */
import type { DurationExpr, DurationNumber, DurationOp, PosRange } from './ast.js';
import type { Token } from './tokenkinds.js';
import { NumberSyntaxError, parseDuration, parseNumber } from './numbers.js';
import { tokenRange, type ErrorContext, type TokenStream } from './tokens.js';

/** The largest duration literal in seconds (the range of a signed 64-bit nanosecond count). */
const MAX_DURATION_SECONDS = 2 ** 63 / 1e9;

/** Binding strength of duration operators; unary operators bind like `*`. */
const DURATION_PREC: Readonly<Partial<Record<string, number>>> = {
  '+': 1,
  '-': 1,
  '*': 2,
  '/': 2,
  '%': 2,
  '^': 3,
};
const POW_PREC = 3;

/** Whether the token is a number or duration literal. */
export function isNumberToken(t: Token): boolean {
  return t.kind === 'NUMBER' || t.kind === 'DURATION';
}

/** The value in seconds of a NUMBER or DURATION token; reports malformed literals. */
export function literalSeconds(ts: TokenStream, t: Token): number {
  try {
    return t.kind === 'DURATION' ? parseDuration(t.val) / 1000 : parseNumber(t.val);
  } catch (err) {
    if (!(err instanceof NumberSyntaxError)) throw err;
    const prefix = t.kind === 'NUMBER' ? 'error parsing number: ' : '';
    return ts.fail(tokenRange(t), prefix + err.message);
  }
}

/** Parses duration expressions from a token stream. */
export class DurationParser {
  constructor(
    private readonly ts: TokenStream,
    private readonly enabled: boolean,
  ) {}

  private experimental(e: DurationExpr): void {
    if (!this.enabled) this.ts.fail(e.posRange, 'experimental duration expression is not enabled');
  }

  private literal(t: Token, signTok?: Token): DurationNumber {
    let seconds = literalSeconds(this.ts, t);
    if (signTok?.kind === '-') seconds = -seconds;
    const start = signTok?.pos ?? t.pos;
    if (seconds > MAX_DURATION_SECONDS || seconds < -MAX_DURATION_SECONDS) {
      this.ts.fail(signTok ? tokenRange(signTok) : tokenRange(t), 'duration out of range');
    }
    return {
      type: 'DurationNumber',
      seconds,
      isDuration: t.kind === 'DURATION',
      posRange: { start, end: this.ts.prevEnd },
    };
  }

  /** Parses a full duration expression (the grammar inside brackets). */
  parseExpr(minPrec = 0): DurationExpr {
    this.ts.enter();
    let lhs = this.parseUnary();
    for (;;) {
      const t = this.ts.peek();
      const prec = DURATION_PREC[t.kind];
      if (prec === undefined || prec < minPrec) break;
      this.ts.next();
      const rhs = this.parseExpr(t.kind === '^' ? prec : prec + 1);
      this.experimental(lhs);
      if (
        (t.kind === '/' || t.kind === '%') &&
        rhs.type === 'DurationNumber' &&
        rhs.seconds === 0
      ) {
        this.ts.fail(tokenRange(t), t.kind === '/' ? 'division by zero' : 'modulo by zero');
      }
      lhs = {
        type: 'DurationBinary',
        op: t.kind as DurationOp,
        lhs,
        rhs,
        posRange: { start: lhs.posRange.start, end: rhs.posRange.end },
      };
    }
    this.ts.leave();
    return lhs;
  }

  private parseUnary(): DurationExpr {
    const t = this.ts.peek();
    if (t.kind !== '+' && t.kind !== '-') return this.parsePrimary();
    this.ts.next();
    const operand = this.parseExpr(POW_PREC);
    return this.applyUnary(t, operand);
  }

  private applyUnary(op: Token, e: DurationExpr): DurationExpr {
    if (e.type === 'DurationNumber') {
      const seconds = op.kind === '-' ? -e.seconds : e.seconds;
      if (seconds > MAX_DURATION_SECONDS || seconds < -MAX_DURATION_SECONDS) {
        this.ts.fail(tokenRange(op), 'duration out of range');
      }
      return { ...e, seconds, posRange: { start: op.pos, end: e.posRange.end } };
    }
    if (op.kind === '+') return e;
    return {
      type: 'DurationUnary',
      op: '-',
      expr: e,
      posRange: { start: op.pos, end: e.posRange.end },
    };
  }

  private parsePrimary(): DurationExpr {
    const t = this.ts.peek();
    if (isNumberToken(t)) return this.literal(this.ts.next());
    if (t.kind === 'step' || t.kind === 'range' || t.kind === 'max_of' || t.kind === 'min_of') {
      return this.parseCall();
    }
    if (t.kind === '(') return this.parseParen();
    return this.ts.unexpected(t);
  }

  private parseCall(): DurationExpr {
    const name = this.ts.next();
    const func = name.kind as 'step' | 'range' | 'max_of' | 'min_of';
    this.ts.expect('(');
    const args: DurationExpr[] = [];
    if (func === 'max_of' || func === 'min_of') {
      args.push(this.parseExpr());
      this.ts.expect(',');
      args.push(this.parseExpr());
    }
    this.ts.expect(')');
    const call: DurationExpr = {
      type: 'DurationCall',
      func,
      args,
      posRange: { start: name.pos, end: this.ts.prevEnd },
    };
    this.experimental(call);
    return call;
  }

  private parseParen(checkExperimental = true): DurationExpr {
    const open = this.ts.next();
    const inner = this.parseExpr();
    this.ts.expect(')');
    if (checkExperimental) this.experimental(inner);
    return wrapParen(inner, { start: open.pos, end: this.ts.prevEnd });
  }

  /**
   * Parses a range or subquery step, which must be greater than zero when it is a literal.
   */
  parsePositive(): DurationExpr {
    const e = this.parseExpr();
    if (e.type === 'DurationNumber' && e.seconds <= 0) {
      this.ts.fail(e.posRange, 'duration must be greater than 0');
    }
    return e;
  }

  /** Parses the duration after `offset`. */
  parseOffset(ctx: ErrorContext): DurationExpr {
    return this.ts.within(ctx, () => {
      const t = this.ts.peek();
      if (isNumberToken(t)) return this.literal(this.ts.next());
      if (t.kind === 'step' || t.kind === 'range' || t.kind === 'max_of' || t.kind === 'min_of') {
        return this.parseCall();
      }
      if (t.kind === '+' || t.kind === '-') return this.parseSignedOffset(t);
      if (t.kind === '(') return this.parseExpr();
      return this.ts.unexpected(t);
    });
  }

  private parseSignedOffset(sign: Token): DurationExpr {
    const t = this.ts.peekRaw(1);
    if (isNumberToken(t)) {
      this.ts.next();
      return this.literal(this.ts.next(), sign);
    }
    const keyword =
      t.kind === 'step' || t.kind === 'range' || t.kind === 'max_of' || t.kind === 'min_of';
    if (!keyword && t.kind !== '(') return this.parseExpr();
    this.ts.next();
    const operand = keyword ? this.parseCall() : this.parseParen(false);
    return this.applyUnary(sign, operand);
  }
}

/** Marks a duration expression as parenthesised (double parentheses collapse, as in Prometheus). */
function wrapParen(e: DurationExpr, posRange: PosRange): DurationExpr {
  if (e.type === 'DurationParen') return { ...e, posRange };
  return { type: 'DurationParen', expr: e, posRange };
}
