/**
 * Prints an AST back to PromQL in Prometheus' canonical single-line form (its `String()`), and
 * pretty-prints long queries over several lines like `promtool promql format` and
 * `/api/v1/format_query`. Printed queries parse back to an equal AST.
 */
import type { Matcher } from '../../model/index.js';
import type {
  AggregateExpr,
  AtModifier,
  BinaryExpr,
  DurationExpr,
  Expr,
  MatrixSelector,
  SubqueryExpr,
  VectorSelector,
} from './ast.js';
import { goQuote } from './gostrings.js';
import { formatDuration, formatFloat, formatFloatG } from './numbers.js';
import { METRIC_NAME_LABEL } from './selectors.js';

const LEGACY_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function labelList(labels: readonly string[]): string {
  return labels.map((l) => (LEGACY_LABEL.test(l) ? l : goQuote(l))).join(', ');
}

/** A matcher as PromQL text, quoting names that are not legacy label names. */
export function matcherToString(m: Matcher): string {
  const name = LEGACY_LABEL.test(m.name) ? m.name : goQuote(m.name);
  return `${name}${m.type}${goQuote(m.value)}`;
}

/** Prints a duration given in seconds the way Prometheus prints duration literals. */
function secondsAsDuration(seconds: number): string {
  const ms = Math.trunc(Math.trunc(Math.abs(seconds) * 1e9) / 1e6);
  return (seconds < 0 ? '-' : '') + formatDuration(ms);
}

/** A duration expression as PromQL text. */
export function durationExprToString(e: DurationExpr): string {
  switch (e.type) {
    case 'DurationNumber':
      return e.isDuration ? secondsAsDuration(e.seconds) : formatFloat(e.seconds);
    case 'DurationUnary':
      return `-${durationExprToString(e.expr)}`;
    case 'DurationBinary':
      return `${durationExprToString(e.lhs)} ${e.op} ${durationExprToString(e.rhs)}`;
    case 'DurationCall':
      return `${e.func}(${e.args.map(durationExprToString).join(', ')})`;
    case 'DurationParen':
      return `(${durationExprToString(e.expr)})`;
  }
}

function offsetString(offset: number, expr: DurationExpr | undefined): string {
  if (expr !== undefined) return ` offset ${durationExprToString(expr)}`;
  if (offset > 0) return ` offset ${formatDuration(offset)}`;
  if (offset < 0) return ` offset -${formatDuration(-offset)}`;
  return '';
}

function atString(at: AtModifier | undefined): string {
  if (at === undefined) return '';
  if (at.kind === 'timestamp') return ` @ ${(at.ms / 1000).toFixed(3)}`;
  return ` @ ${at.kind}()`;
}

function extendedString(vs: VectorSelector): string {
  if (vs.anchored === true) return ' anchored';
  if (vs.smoothed === true) return ' smoothed';
  return '';
}

function selectorBody(vs: VectorSelector): string {
  const parts: string[] = [];
  for (const m of vs.matchers) {
    if (m.name === METRIC_NAME_LABEL && m.type === '=' && m.value === vs.name && m.value !== '')
      continue;
    parts.push(matcherToString(m));
  }
  parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return parts.length === 0 ? vs.name : `${vs.name}{${parts.join(',')}}`;
}

function vectorSelectorString(vs: VectorSelector): string {
  return (
    selectorBody(vs) + atString(vs.at) + extendedString(vs) + offsetString(vs.offset, vs.offsetExpr)
  );
}

function matrixSelectorString(e: MatrixSelector): string {
  const vs = e.vectorSelector;
  const range = e.rangeExpr ? durationExprToString(e.rangeExpr) : formatDuration(e.range);
  return `${selectorBody(vs)}[${range}]${extendedString(vs)}${atString(vs.at)}${offsetString(vs.offset, vs.offsetExpr)}`;
}

/** The `[range:step] @ … offset …` suffix of a subquery. */
export function subquerySuffix(e: SubqueryExpr): string {
  const range = e.rangeExpr ? durationExprToString(e.rangeExpr) : formatDuration(e.range);
  const step = e.stepExpr
    ? durationExprToString(e.stepExpr)
    : e.step !== 0
      ? formatDuration(e.step)
      : '';
  return `[${range}:${step}]${atString(e.at)}${offsetString(e.offset, e.offsetExpr)}`;
}

/** The operator with its `bool`, matching and fill modifiers, e.g. `/ on (job) group_left ()`. */
export function binaryOpString(e: BinaryExpr): string {
  let s = e.op + (e.returnBool ? ' bool' : '');
  const vm = e.matching;
  if (vm === undefined) return s;
  const grouped = vm.card === 'many-to-one' || vm.card === 'one-to-many';
  if (vm.labels.length > 0 || vm.on || grouped) {
    s += ` ${vm.on ? 'on' : 'ignoring'} (${labelList(vm.labels)})`;
  }
  if (grouped)
    s += ` group_${vm.card === 'many-to-one' ? 'left' : 'right'} (${labelList(vm.include)})`;
  const fill = vm.fill;
  if (fill !== undefined) {
    if (fill.lhs !== undefined && fill.rhs !== undefined && fill.lhs === fill.rhs) {
      s += ` fill (${formatFloatG(fill.lhs)})`;
    } else {
      if (fill.lhs !== undefined) s += ` fill_left (${formatFloatG(fill.lhs)})`;
      if (fill.rhs !== undefined) s += ` fill_right (${formatFloatG(fill.rhs)})`;
    }
  }
  return s;
}

/** The aggregation operator with its grouping, e.g. `sum by (job) ` (note the trailing space). */
export function aggregateOpString(e: AggregateExpr): string {
  if (e.without) return `${e.op} without (${labelList(e.grouping)}) `;
  if (e.grouping.length > 0) return `${e.op} by (${labelList(e.grouping)}) `;
  return e.op;
}

/** Prints an expression as single-line PromQL, exactly like Prometheus' `String()`. */
export function exprToString(e: Expr): string {
  switch (e.type) {
    case 'NumberLiteral':
      if (e.isDuration === true) return secondsAsDuration(e.value);
      return formatFloat(e.value);
    case 'StringLiteral':
      return goQuote(e.value);
    case 'VectorSelector':
      return vectorSelectorString(e);
    case 'MatrixSelector':
      return matrixSelectorString(e);
    case 'SubqueryExpr':
      return exprToString(e.expr) + subquerySuffix(e);
    case 'ParenExpr':
      return `(${exprToString(e.expr)})`;
    case 'UnaryExpr':
      return e.op + exprToString(e.expr);
    case 'BinaryExpr':
      return `${exprToString(e.lhs)} ${binaryOpString(e)} ${exprToString(e.rhs)}`;
    case 'AggregateExpr': {
      const param = e.param === undefined ? '' : `${exprToString(e.param)}, `;
      return `${aggregateOpString(e)}(${param}${exprToString(e.expr)})`;
    }
    case 'Call':
      return `${e.func.name}(${e.args.map(exprToString).join(', ')})`;
    case 'StepInvariantExpr':
      return exprToString(e.expr);
  }
}
