/**
 * The JSON form of a PromQL syntax tree returned by `/api/v1/parse_query`, in the shape
 * Prometheus' web UI reads (node `type` names in camel case, durations in ms, `null` for
 * absent parts).
 */
import type {
  AtModifier,
  Expr,
  VectorMatching,
  VectorSelector,
} from '../../../promql/parser/index.js';
import type { Matcher } from '../../../model/index.js';

/** A JSON value. */
type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** Translates an expression into Prometheus' parse_query JSON. */
export function astToJson(e: Expr): Json {
  switch (e.type) {
    case 'AggregateExpr':
      return {
        type: 'aggregation',
        op: e.op,
        expr: astToJson(e.expr),
        param: e.param ? astToJson(e.param) : null,
        grouping: [...e.grouping],
        without: e.without,
      };
    case 'BinaryExpr':
      return {
        type: 'binaryExpr',
        op: e.op,
        lhs: astToJson(e.lhs),
        rhs: astToJson(e.rhs),
        matching: e.matching ? matchingJson(e.matching) : null,
        bool: e.returnBool,
      };
    case 'Call':
      return {
        type: 'call',
        func: {
          name: e.func.name,
          argTypes: [...e.func.argTypes],
          variadic: e.func.variadic,
          returnType: e.func.returnType,
        },
        args: e.args.map(astToJson),
      };
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      return {
        type: 'matrixSelector',
        name: vs.name,
        range: e.range,
        offset: vs.offset,
        matchers: matchersJson(vs.matchers),
        timestamp: timestampOf(vs.at),
        startOrEnd: startOrEnd(vs.at),
      };
    }
    case 'SubqueryExpr':
      return {
        type: 'subquery',
        expr: astToJson(e.expr),
        range: e.range,
        offset: e.offset,
        step: e.step,
        timestamp: timestampOf(e.at),
        startOrEnd: startOrEnd(e.at),
      };
    case 'NumberLiteral':
      return { type: 'numberLiteral', val: goFloat(e.value) };
    case 'ParenExpr':
      return { type: 'parenExpr', expr: astToJson(e.expr) };
    case 'StringLiteral':
      return { type: 'stringLiteral', val: e.value };
    case 'UnaryExpr':
      return { type: 'unaryExpr', op: e.op, expr: astToJson(e.expr) };
    case 'VectorSelector':
      return vectorSelectorJson(e);
    case 'StepInvariantExpr':
      return astToJson(e.expr);
  }
}

function vectorSelectorJson(vs: VectorSelector): Json {
  return {
    type: 'vectorSelector',
    name: vs.name,
    offset: vs.offset,
    matchers: matchersJson(vs.matchers),
    timestamp: timestampOf(vs.at),
    startOrEnd: startOrEnd(vs.at),
  };
}

function matchingJson(m: VectorMatching): Json {
  return { card: m.card, labels: [...m.labels], on: m.on, include: [...m.include] };
}

function matchersJson(ms: readonly Matcher[]): Json {
  return ms.map((m) => ({ name: m.name, type: m.type, value: m.value }));
}

function timestampOf(at: AtModifier | undefined): number | null {
  return at?.kind === 'timestamp' ? at.ms : null;
}

function startOrEnd(at: AtModifier | undefined): string | null {
  return at?.kind === 'start' || at?.kind === 'end' ? at.kind : null;
}

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest digits, never an exponent. */
function goFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  if (!/e/i.test(s)) return s;
  // Expand the exponent form without losing the shortest digits.
  const [mant = '', expText = '0'] = s.split('e');
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const point =
    (mant.replace('-', '').indexOf('.') === -1
      ? mant.replace('-', '').length
      : mant.replace('-', '').indexOf('.')) + exp;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return neg ? `-${out}` : out;
}
