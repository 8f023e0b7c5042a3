/**
 * Prometheus' pretty-printing rules (`promtool promql format`, `/api/v1/format_query`): a node
 * whose single-line form is longer than 100 characters is split, its children indented by two
 * spaces per level; selectors and short nodes stay on one line.
 */
import type { Expr } from './ast.js';
import { aggregateOpString, binaryOpString, exprToString, subquerySuffix } from './printer.js';

/** The longest single-line form (in UTF-8 bytes) that is not split, as in Prometheus. */
export const DEFAULT_MAX_LINE = 100;

const indent = (level: number): string => '  '.repeat(level);

class Pretty {
  constructor(private readonly maxLine: number) {}

  private needsSplit(e: Expr): boolean {
    return Buffer.byteLength(exprToString(e), 'utf8') > this.maxLine;
  }

  pretty(e: Expr, level: number): string {
    switch (e.type) {
      case 'AggregateExpr': {
        if (!this.needsSplit(e)) return indent(level) + exprToString(e);
        let s = `${indent(level)}${aggregateOpString(e)}(\n`;
        if (e.param !== undefined) s += `${this.pretty(e.param, level + 1)},\n`;
        return `${s}${this.pretty(e.expr, level + 1)}\n${indent(level)})`;
      }
      case 'BinaryExpr':
        if (!this.needsSplit(e)) return indent(level) + exprToString(e);
        return `${this.pretty(e.lhs, level + 1)}\n${indent(level)}${binaryOpString(e)}\n${this.pretty(e.rhs, level + 1)}`;
      case 'Call': {
        if (!this.needsSplit(e)) return indent(level) + exprToString(e);
        const args = e.args.map((a) => this.pretty(a, level + 1)).join(',\n');
        return `${indent(level)}${e.func.name}(\n${args}\n${indent(level)})`;
      }
      case 'ParenExpr':
        if (!this.needsSplit(e)) return indent(level) + exprToString(e);
        return `${indent(level)}(\n${this.pretty(e.expr, level + 1)}\n${indent(level)})`;
      case 'StepInvariantExpr':
        return this.pretty(e.expr, level);
      case 'SubqueryExpr':
        if (!this.needsSplit(e)) return exprToString(e);
        return this.pretty(e.expr, level) + subquerySuffix(e);
      case 'UnaryExpr':
        return indent(level) + e.op + this.pretty(e.expr, level).trim();
      case 'MatrixSelector':
      case 'VectorSelector':
      case 'NumberLiteral':
      case 'StringLiteral':
        return indent(level) + exprToString(e);
    }
  }
}

/**
 * Formats an expression like Prometheus' `Prettify`: one line when short, split over indented
 * lines when longer than `maxLine` bytes.
 */
export function formatExpr(e: Expr, maxLine = DEFAULT_MAX_LINE): string {
  return new Pretty(maxLine).pretty(e, 0);
}
