/**
 * The type checks Prometheus runs after a query parsed without syntax errors: operand and
 * argument types, `bool` and vector matching rules, function arity and selector sanity.
 */
import type { BinaryExpr, Call, Expr, PosRange, ValueType } from './ast.js';
import { exprType, isComparisonOp, isSetOp } from './ast.js';
import { goQuote } from './gostrings.js';
import type { RawMatching } from './grouping.js';
import { METRIC_NAME_LABEL } from './selectors.js';
import type { TokenStream } from './tokens.js';

/** How Prometheus names value types in messages. */
export function documentedType(t: ValueType): string {
  switch (t) {
    case 'vector':
      return 'instant vector';
    case 'matrix':
      return 'range vector';
    default:
      return t;
  }
}

const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r';

class Checker {
  private readonly bypassEmptyCheck = new Set<Expr>();

  constructor(
    private readonly ts: TokenStream,
    private readonly raw: ReadonlyMap<BinaryExpr, RawMatching>,
  ) {}

  private fail(r: PosRange, msg: string): never {
    return this.ts.fail(r, msg);
  }

  private expectType(e: Expr, want: ValueType, context: string): void {
    const t = this.check(e);
    if (t !== want) {
      this.fail(
        e.posRange,
        `expected type ${documentedType(want)} in ${context}, got ${documentedType(t)}`,
      );
    }
  }

  /** The operator's text range (from after the left operand to before the right one). */
  private opRange(n: BinaryExpr): PosRange {
    const q = this.ts.query;
    let start = n.lhs.posRange.end;
    while (isSpace(q[start])) start++;
    let end = n.rhs.posRange.start - 1;
    while (isSpace(q[end])) end--;
    return { start, end };
  }

  /** Checks `e` and its children; returns its type (computed bottom-up, without re-walking). */
  check(e: Expr): ValueType {
    switch (e.type) {
      case 'NumberLiteral':
        return 'scalar';
      case 'StringLiteral':
        return 'string';
      case 'AggregateExpr':
        this.expectType(e.expr, 'vector', 'aggregation expression');
        if (e.param !== undefined) {
          const want = e.op === 'count_values' ? 'string' : 'scalar';
          this.expectType(e.param, want, 'aggregation parameter');
        }
        return 'vector';
      case 'BinaryExpr':
        return this.checkBinary(e);
      case 'Call':
        this.checkCall(e);
        return e.func.returnType;
      case 'ParenExpr':
      case 'StepInvariantExpr':
        return this.check(e.expr);
      case 'UnaryExpr': {
        const t = this.check(e.expr);
        if (t !== 'scalar' && t !== 'vector') {
          this.fail(
            e.posRange,
            `unary expression only allowed on expressions of type scalar or instant vector, got ${goQuote(documentedType(t))}`,
          );
        }
        return t;
      }
      case 'SubqueryExpr': {
        const t = this.check(e.expr);
        if (t !== 'vector') {
          this.fail(e.posRange, `subquery is only allowed on instant vector, got ${t} instead`);
        }
        return 'matrix';
      }
      case 'MatrixSelector':
        this.check(e.vectorSelector);
        return 'matrix';
      case 'VectorSelector':
        this.checkSelector(e);
        return 'vector';
    }
  }

  private checkSelector(e: Expr & { type: 'VectorSelector' }): void {
    if (e.name !== '') {
      for (const m of e.matchers.slice(0, -1)) {
        if (m.name === METRIC_NAME_LABEL) {
          this.fail(
            e.posRange,
            `metric name must not be set twice: ${goQuote(e.name)} or ${goQuote(m.value)}`,
          );
        }
      }
      return;
    }
    if (this.bypassEmptyCheck.has(e)) return;
    if (!e.matchers.some((m) => !m.matchesEmpty())) {
      this.fail(e.posRange, 'vector selector must contain at least one non-empty matcher');
    }
  }

  private checkBinary(n: BinaryExpr): ValueType {
    const lt = this.check(n.lhs);
    const rt = this.check(n.rhs);
    const raw = this.raw.get(n);
    const card = raw?.card ?? n.matching?.card ?? 'one-to-one';
    const labels = raw?.labels ?? n.matching?.labels ?? [];
    const include = raw?.include ?? n.matching?.include ?? [];
    const on = raw?.on ?? n.matching?.on ?? false;
    const fill = raw?.fill ?? n.matching?.fill;
    if (n.returnBool && !isComparisonOp(n.op)) {
      this.fail(this.opRange(n), 'bool modifier can only be used on comparison operators');
    }
    if (isComparisonOp(n.op) && !n.returnBool && lt === 'scalar' && rt === 'scalar') {
      this.fail(this.opRange(n), 'comparisons between scalars must use BOOL modifier');
    }
    if (on) {
      for (const l of labels) {
        if (include.includes(l)) {
          this.fail(
            this.opRange(n),
            `label ${goQuote(l)} must not occur in ON and GROUP clause at once`,
          );
        }
      }
    }
    if (lt !== 'scalar' && lt !== 'vector') {
      this.fail(
        n.lhs.posRange,
        'binary expression must contain only scalar and instant vector types',
      );
    }
    if (rt !== 'scalar' && rt !== 'vector') {
      this.fail(
        n.rhs.posRange,
        'binary expression must contain only scalar and instant vector types',
      );
    }
    if (lt !== 'vector' || rt !== 'vector') {
      if (labels.length > 0)
        this.fail(n.posRange, 'vector matching only allowed between instant vectors');
      if (fill !== undefined) {
        this.fail(n.posRange, 'filling in missing series only allowed between instant vectors');
      }
    } else if (isSetOp(n.op)) {
      if (card === 'one-to-many' || card === 'many-to-one') {
        this.fail(n.posRange, `no grouping allowed for ${goQuote(n.op)} operation`);
      }
      if (fill !== undefined)
        this.fail(n.posRange, 'filling in missing series not allowed for set operators');
    }
    if ((lt === 'scalar' || rt === 'scalar') && isSetOp(n.op)) {
      this.fail(
        n.posRange,
        `set operator ${goQuote(n.op)} not allowed in binary scalar expression`,
      );
    }
    return lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector';
  }

  private checkCall(n: Call): void {
    const f = n.func;
    const nargs = f.argTypes.length;
    const name = goQuote(f.name);
    const got = n.args.length;
    if (f.variadic === 0) {
      if (nargs !== got)
        this.fail(n.posRange, `expected ${nargs} argument(s) in call to ${name}, got ${got}`);
    } else {
      const min = nargs - 1;
      if (min > got) {
        this.fail(
          n.posRange,
          `expected at least ${min} argument(s) in call to ${name}, got ${got}`,
        );
      } else if (f.variadic > 0 && min + f.variadic < got) {
        this.fail(
          n.posRange,
          `expected at most ${min + f.variadic} argument(s) in call to ${name}, got ${got}`,
        );
      }
    }
    const second = n.args[1];
    if (f.name === 'info' && second !== undefined) {
      const t = exprType(second);
      if (t !== 'vector') {
        this.fail(
          n.posRange,
          `expected type instant vector in call to function "info", got ${documentedType(t)}`,
        );
      }
      if (second.type !== 'VectorSelector')
        this.fail(second.posRange, 'expected label selectors only');
      if (second.name !== '') {
        this.fail(second.posRange, 'expected label selectors only, got vector selector instead');
      }
      this.bypassEmptyCheck.add(second);
    }
    for (let i = 0; i < n.args.length; i++) {
      if (i >= nargs && f.variadic === 0) break;
      const want = f.argTypes[Math.min(i, nargs - 1)]!;
      const arg = n.args[i]!;
      const t = this.check(arg);
      if (t !== want) {
        this.fail(
          arg.posRange,
          `expected type ${documentedType(want)} in call to function ${name}, got ${documentedType(t)}`,
        );
      }
    }
  }
}

/** Type-checks a parsed expression; throws ParseError at the first problem. */
export function checkExpr(
  e: Expr,
  ts: TokenStream,
  raw: ReadonlyMap<BinaryExpr, RawMatching>,
): void {
  new Checker(ts, raw).check(e);
}
