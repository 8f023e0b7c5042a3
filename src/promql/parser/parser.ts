/**
 * The PromQL parser: hand-written recursive descent with precedence climbing for binary
 * operators. Syntax errors and the checks Prometheus makes while parsing are reported here;
 * type checks run afterwards (`check.ts`), as in Prometheus.
 */
import type {
  AggregateExpr,
  AggregateOp,
  BinaryExpr,
  BinaryOp,
  Call,
  Expr,
  ValueType,
  VectorSelector,
} from './ast.js';
import { exprType } from './ast.js';
import type { Matcher } from '../../model/index.js';
import { checkExpr } from './check.js';
import { DurationParser, isNumberToken, literalSeconds } from './durations.js';
import { getFunction } from './functions.js';
import { goQuote } from './gostrings.js';
import { isAggregatorKind, isPreprocessorKind, type Token } from './tokenkinds.js';
import { applyAt, applyExtendedRange, applyOffset, makeMatrix, makeSubquery } from './modifiers.js';
import { parseBinaryModifiers, parseGroupingLabels, type RawMatching } from './grouping.js';
import { METRIC_NAME_LABEL, newMatcher, parseLabelMatchers, unquoteToken } from './selectors.js';
import {
  canStartExpr,
  METRIC_WORDS,
  PARAM_AGGREGATIONS,
  POW_PRECEDENCE,
  PRECEDENCE,
} from './syntax.js';
import { MAX_TREE_DEPTH, tokenRange, TokenStream } from './tokens.js';

/** Options of the parser; experimental syntax is off unless enabled, like in Prometheus. */
export interface ParseOptions {
  /** Accept experimental functions and aggregations (`limitk`, `info`, `sort_by_label`, …). */
  readonly experimentalFunctions?: boolean;
  /** Accept duration arithmetic (`[5m * 2]`, `offset (1h + 5m)`, `step()`, `range()`). */
  readonly durationExpressions?: boolean;
  /** Accept the `anchored` and `smoothed` range selector modifiers. */
  readonly extendedRangeSelectors?: boolean;
  /** Accept `fill()`, `fill_left()` and `fill_right()` on binary operators. */
  readonly binopFillModifiers?: boolean;
}

/** Parses one expression; see `parseExpr` in `index.ts`. */
export class Parser {
  readonly ts: TokenStream;
  private readonly durations: DurationParser;
  private readonly rawMatching = new Map<BinaryExpr, RawMatching>();
  private readonly depth = new Map<Expr, number>();
  private readonly types = new Map<Expr, ValueType>();

  constructor(
    query: string,
    private readonly opts: ParseOptions = {},
  ) {
    this.ts = new TokenStream(query);
    this.durations = new DurationParser(this.ts, opts.durationExpressions === true);
  }

  /** Parses the whole input as one expression and type-checks it. */
  parseQuery(): Expr {
    const first = this.ts.peek();
    if (first.kind === 'EOF') this.ts.fail({ start: 0, end: 0 }, 'no expression found in input');
    const e = this.parseBinary(0);
    const t = this.ts.peek();
    if (t.kind !== 'EOF') this.ts.unexpected(t);
    checkExpr(e, this.ts, this.rawMatching);
    return e;
  }

  /** Parses the whole input as a series selector (`name{matchers}`, `name` or `{matchers}`). */
  parseSeriesSelector(): VectorSelector {
    const t = this.ts.peek();
    let sel: VectorSelector;
    if (t.kind === '{') sel = this.parseSelector(undefined);
    else if (METRIC_WORDS.has(t.kind) || isAggregatorKind(t.kind))
      sel = this.parseSelector(this.ts.next());
    else return this.ts.unexpected(t);
    const end = this.ts.peek();
    if (end.kind !== 'EOF') this.ts.unexpected(end);
    return sel;
  }

  /** Records the tree depth of a new node and rejects trees deeper than MAX_TREE_DEPTH. */
  private node<T extends Expr>(n: T, ...kids: Expr[]): T {
    let d = 0;
    for (const k of kids) d = Math.max(d, this.depth.get(k) ?? 0);
    if (d + 1 > MAX_TREE_DEPTH) {
      this.ts.fail(n.posRange, `expression nested too deeply (more than ${MAX_TREE_DEPTH} levels)`);
    }
    this.depth.set(n, d + 1);
    this.types.set(n, this.computeType(n));
    return n;
  }

  /** The type of a node, from the cache for operator nodes (avoids re-walking long chains). */
  private typeOf(e: Expr): ValueType {
    return this.types.get(e) ?? exprType(e);
  }

  private computeType(n: Expr): ValueType {
    switch (n.type) {
      case 'BinaryExpr':
        return this.typeOf(n.lhs) === 'scalar' && this.typeOf(n.rhs) === 'scalar'
          ? 'scalar'
          : 'vector';
      case 'ParenExpr':
      case 'UnaryExpr':
      case 'StepInvariantExpr':
        return this.typeOf(n.expr);
      default:
        return exprType(n);
    }
  }

  private parseBinary(minPrec: number): Expr {
    this.ts.enter();
    let lhs = this.parseUnary();
    for (;;) {
      const opTok = this.ts.peek();
      const prec = PRECEDENCE[opTok.kind];
      if (prec === undefined || prec < minPrec) break;
      this.ts.next();
      const op = opTok.kind as BinaryOp;
      const mods = parseBinaryModifiers(this.ts, (t) => literalSeconds(this.ts, t));
      const rhs = this.parseBinary(op === '^' ? prec : prec + 1);
      lhs = this.makeBinary(lhs, op, mods, rhs);
    }
    this.ts.leave();
    return lhs;
  }

  private makeBinary(lhs: Expr, op: BinaryOp, raw: RawMatching, rhs: Expr): BinaryExpr {
    const posRange = { start: lhs.posRange.start, end: rhs.posRange.end };
    if (raw.fill !== undefined && this.opts.binopFillModifiers !== true) {
      this.ts.fail(posRange, 'binop fill modifiers are experimental and not enabled');
    }
    const base = {
      type: 'BinaryExpr' as const,
      op,
      lhs,
      rhs,
      returnBool: raw.returnBool,
      posRange,
    };
    const bothVectors = this.typeOf(lhs) === 'vector' && this.typeOf(rhs) === 'vector';
    const setOp = op === 'and' || op === 'or' || op === 'unless';
    let n: BinaryExpr = base;
    if (bothVectors) {
      const card = setOp && raw.card === 'one-to-one' ? 'many-to-many' : raw.card;
      const matching = { card, on: raw.on, labels: raw.labels, include: raw.include };
      n = {
        ...base,
        matching: raw.fill === undefined ? matching : { ...matching, fill: raw.fill },
      };
    }
    this.rawMatching.set(n, raw);
    return this.node(n, lhs, rhs);
  }

  private parseUnary(): Expr {
    const t = this.ts.peek();
    if (t.kind !== '+' && t.kind !== '-') return this.parsePostfix(this.parsePrimary());
    this.ts.next();
    const op = t.kind;
    const operand = this.parseBinary(POW_PRECEDENCE);
    const posRange = { start: t.pos, end: operand.posRange.end };
    if (operand.type === 'NumberLiteral') {
      const value = op === '-' ? -operand.value : operand.value;
      return { ...operand, value, posRange };
    }
    return this.node({ type: 'UnaryExpr', op, expr: operand, posRange }, operand);
  }

  private parsePrimary(): Expr {
    const t = this.ts.peek();
    if (isNumberToken(t)) {
      this.ts.next();
      const value = literalSeconds(this.ts, t);
      const lit = { type: 'NumberLiteral' as const, value, posRange: tokenRange(t) };
      return this.node(t.kind === 'DURATION' ? { ...lit, isDuration: true } : lit);
    }
    if (t.kind === 'STRING') {
      this.ts.next();
      return this.node({ type: 'StringLiteral', value: this.unquote(t), posRange: tokenRange(t) });
    }
    if (t.kind === '(') return this.parseParen();
    if (t.kind === '{') return this.parseSelector(undefined);
    const follows = this.ts.peekRaw(1).kind;
    if (isAggregatorKind(t.kind)) {
      if (follows === '(' || follows === 'by' || follows === 'without')
        return this.parseAggregation();
      return this.parseSelector(this.ts.next());
    }
    if ((t.kind === 'IDENTIFIER' || isPreprocessorKind(t.kind)) && follows === '(')
      return this.parseCall();
    if (METRIC_WORDS.has(t.kind)) return this.parseSelector(this.ts.next());
    return this.ts.unexpected(t);
  }

  private unquote(t: Token): string {
    return unquoteToken(this.ts, t);
  }

  private parseParen(): Expr {
    const open = this.ts.next();
    const inner = this.parseBinary(0);
    this.ts.expect(')');
    return this.node(
      { type: 'ParenExpr', expr: inner, posRange: { start: open.pos, end: this.ts.prevEnd } },
      inner,
    );
  }

  private parseSelector(nameTok: Token | undefined): VectorSelector {
    const start = nameTok?.pos ?? this.ts.peek().pos;
    let matchers: Matcher[] = [];
    if (nameTok === undefined || this.ts.at('{')) {
      this.ts.expect('{');
      matchers = parseLabelMatchers(this.ts);
    }
    const name = nameTok?.val ?? '';
    const posRange = { start, end: this.ts.prevEnd };
    if (name !== '') matchers.push(newMatcher(this.ts, '=', METRIC_NAME_LABEL, name, posRange));
    return this.node({ type: 'VectorSelector', name, matchers, offset: 0, posRange });
  }

  /** Parses `(arg, …)`; the opening parenthesis is the next token. */
  private parseArgs(): Expr[] {
    this.ts.expect('(');
    const args: Expr[] = [];
    if (this.ts.accept(')')) return args;
    for (;;) {
      args.push(this.parseBinary(0));
      const t = this.ts.peek();
      if (t.kind === ',') {
        this.ts.next();
        if (!canStartExpr(this.ts.peek())) {
          this.ts.fail(tokenRange(t), 'trailing commas not allowed in function call args');
        }
      } else if (t.kind === ')') {
        this.ts.next();
        return args;
      } else {
        this.ts.unexpected(t);
      }
    }
  }

  private parseCall(): Call {
    const nameTok = this.ts.next();
    const args = this.parseArgs();
    const func = getFunction(nameTok.val);
    if (func === undefined) {
      return this.ts.fail(
        tokenRange(nameTok),
        `unknown function with name ${goQuote(nameTok.val)}`,
      );
    }
    if (func.experimental && this.opts.experimentalFunctions !== true) {
      this.ts.fail(tokenRange(nameTok), `function ${goQuote(nameTok.val)} is not enabled`);
    }
    const posRange = { start: nameTok.pos, end: this.ts.prevEnd };
    return this.node({ type: 'Call', func, args, posRange }, ...args);
  }

  private parseAggregation(): AggregateExpr {
    const opTok = this.ts.next();
    const op = opTok.kind as AggregateOp;
    return this.ts.within({ context: 'aggregation', expected: '' }, () => {
      let grouping: string[] = [];
      let without = false;
      let modifier = this.ts.accept('by') ?? this.ts.accept('without');
      if (modifier) {
        grouping = parseGroupingLabels(this.ts);
        without = modifier.kind === 'without';
      }
      if (!this.ts.at('(')) this.ts.unexpected(this.ts.peek());
      const args = this.parseArgs();
      if (!modifier) {
        modifier = this.ts.accept('by') ?? this.ts.accept('without');
        if (modifier) {
          grouping = parseGroupingLabels(this.ts);
          without = modifier.kind === 'without';
        }
      }
      const posRange = { start: opTok.pos, end: this.ts.prevEnd };
      return this.makeAggregation(op, args, grouping, without, posRange);
    });
  }

  private makeAggregation(
    op: AggregateOp,
    args: Expr[],
    grouping: string[],
    without: boolean,
    posRange: { start: number; end: number },
  ): AggregateExpr {
    if (args.length === 0) this.ts.fail(posRange, 'no arguments for aggregate expression provided');
    const withParam = PARAM_AGGREGATIONS.has(op);
    if (
      withParam &&
      (op === 'limitk' || op === 'limit_ratio') &&
      this.opts.experimentalFunctions !== true
    ) {
      this.ts.fail(
        posRange,
        `${op}() is experimental and must be enabled with --enable-feature=promql-experimental-functions`,
      );
    }
    const want = withParam ? 2 : 1;
    if (args.length !== want) {
      this.ts.fail(
        posRange,
        `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`,
      );
    }
    const expr = args[want - 1]!;
    const base = { type: 'AggregateExpr' as const, op, expr, grouping, without, posRange };
    return this.node(withParam ? { ...base, param: args[0]! } : base, ...args);
  }

  private parsePostfix(start: Expr): Expr {
    let e = start;
    let depth = this.depth.get(start) ?? 1;
    for (;;) {
      const t = this.ts.peek();
      switch (t.kind) {
        case '[':
          e = this.parseBrackets(e);
          break;
        case 'offset': {
          this.ts.next();
          const ctx = { context: 'offset', expected: 'number, duration, step(), or range()' };
          const d = this.durations.parseOffset(ctx);
          e = applyOffset(this.ts, e, d, this.ts.prevEnd);
          break;
        }
        case '@':
          this.ts.next();
          e = this.parseAt(e);
          break;
        case 'anchored':
        case 'smoothed':
          this.ts.next();
          e = applyExtendedRange(
            this.ts,
            e,
            t.kind,
            this.opts.extendedRangeSelectors === true,
            this.ts.prevEnd,
          );
          break;
        default:
          return e;
      }
      depth++;
      if (depth > MAX_TREE_DEPTH) {
        this.ts.fail(
          e.posRange,
          `expression nested too deeply (more than ${MAX_TREE_DEPTH} levels)`,
        );
      }
      this.depth.set(e, depth);
    }
  }

  private parseAt(e: Expr): Expr {
    return this.ts.within({ context: '@', expected: 'timestamp' }, () => {
      const t = this.ts.peek();
      if (t.kind === 'start' || t.kind === 'end') {
        this.ts.next();
        this.ts.expect('(');
        this.ts.expect(')');
        return applyAt(this.ts, e, { kind: t.kind }, this.ts.prevEnd);
      }
      let sign = 1;
      if ((t.kind === '+' || t.kind === '-') && isNumberToken(this.ts.peekRaw(1))) {
        this.ts.next();
        sign = t.kind === '-' ? -1 : 1;
      }
      const n = this.ts.peek();
      if (!isNumberToken(n)) this.ts.unexpected(n);
      this.ts.next();
      return applyAt(this.ts, e, sign * literalSeconds(this.ts, n), this.ts.prevEnd);
    });
  }

  private parseBrackets(e: Expr): Expr {
    const open = this.ts.next();
    const ctx1 = {
      context: 'subquery or range selector',
      expected: 'number, duration, step(), or range()',
    };
    const range = this.ts.within(ctx1, () => this.durations.parsePositive());
    const t = this.ts.peek();
    if (t.kind === ']') {
      this.ts.next();
      return makeMatrix(this.ts, e, range, { start: open.pos, end: this.ts.prevEnd });
    }
    if (t.kind !== ':')
      this.ts.unexpected(t, { context: 'subquery or range', expected: '":" or "]"' });
    this.ts.next();
    const ctx2 = {
      context: 'subquery selector',
      expected: 'number, duration, step(), range(), or "]"',
    };
    if (this.ts.accept(']')) return makeSubquery(e, range, undefined, this.ts.prevEnd);
    const step = this.ts.within(ctx2, () => this.durations.parsePositive());
    this.ts.expect(']', { context: 'subquery selector', expected: '"]"' });
    return makeSubquery(e, range, step, this.ts.prevEnd);
  }
}
