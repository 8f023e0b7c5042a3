/** Label functions (`label_replace`, `label_join`), `absent` labels and the sort functions. */
import { Labels, LabelsBuilder, compileAnchored } from '../../model/index.js';
import type { Call, Expr } from '../parser/index.js';
import { mergeSameLabels } from './context.js';
import { QueryExecutionError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import type { EvalValue, StepSeries, VectorValue } from './value.js';

type Impl = (ev: Evaluator, call: Call) => Promise<EvalValue>;

/** The value of a string-literal argument (parentheses allowed). */
export function stringArg(e: Expr | undefined): string {
  while (e?.type === 'ParenExpr') e = e.expr;
  if (e?.type !== 'StringLiteral')
    throw new QueryExecutionError('BUG: expected a string literal argument');
  return e.value;
}

function isValidLabelName(s: string): boolean {
  return s.length > 0 && !s.includes('\ufffd');
}

/** Expands `$1`, `${1}`, `$name` in a replacement like Go's regexp.Expand. */
function expand(template: string, m: RegExpExecArray): string {
  return template.replace(
    /\$(\$|\{([a-zA-Z0-9_]*)\}|([a-zA-Z0-9_]+))/g,
    (_all: string, tok: string, braced?: string, bare?: string) => {
      if (tok === '$') return '$';
      const name = braced ?? bare ?? '';
      if (/^\d+$/.test(name)) return m[Number(name)] ?? '';
      return m.groups?.[name] ?? '';
    },
  );
}

/** `label_replace(v, dst, replacement, src, regex)`. */
export const labelReplace: Impl = async (ev, call) => {
  const dst = stringArg(call.args[1]);
  const repl = stringArg(call.args[2]);
  const src = stringArg(call.args[3]);
  const reStr = stringArg(call.args[4]);
  let re: RegExp;
  try {
    re = compileAnchored(reStr);
  } catch {
    throw new QueryExecutionError(`invalid regular expression in label_replace(): ${reStr}`);
  }
  if (!isValidLabelName(dst))
    throw new QueryExecutionError(`invalid destination label name in label_replace(): ${dst}`);
  const v = await ev.evalVector(call.args[0]!);
  for (const s of v.series) {
    const m = re.exec(s.labels.get(src));
    if (!m) continue;
    s.labels = s.labels.with(dst, expand(repl, m));
    if (dst === '__name__') s.dropName = false;
  }
  return { kind: 'vector', series: mergeSameLabels(v.series), ordered: v.ordered };
};

/** `label_join(v, dst, separator, src…)`. */
export const labelJoin: Impl = async (ev, call) => {
  const dst = stringArg(call.args[1]);
  const sep = stringArg(call.args[2]);
  const srcs = call.args.slice(3).map(stringArg);
  for (const s of srcs)
    if (!isValidLabelName(s))
      throw new QueryExecutionError(`invalid source label name in label_join(): ${s}`);
  if (!isValidLabelName(dst))
    throw new QueryExecutionError(`invalid destination label name in label_join(): ${dst}`);
  const v = await ev.evalVector(call.args[0]!);
  for (const s of v.series) {
    s.labels = s.labels.with(dst, srcs.map((n) => s.labels.get(n)).join(sep));
    if (dst === '__name__') s.dropName = false;
  }
  return { kind: 'vector', series: mergeSameLabels(v.series), ordered: v.ordered };
};

/** The labels `absent()` reports: the selector's equality matchers (a label used twice is dropped). */
export function absentLabels(e: Expr): Labels {
  while (e.type === 'ParenExpr') e = e.expr;
  const sel =
    e.type === 'VectorSelector' ? e : e.type === 'MatrixSelector' ? e.vectorSelector : undefined;
  if (!sel) return Labels.EMPTY;
  const b = new LabelsBuilder();
  const has = new Set<string>();
  for (const m of sel.matchers) {
    if (m.name === '__name__') continue;
    if (m.type === '=' && !has.has(m.name)) {
      b.set(m.name, m.value);
      has.add(m.name);
    } else b.del(m.name);
  }
  return b.labels();
}

/** Natural-order comparison: digit runs compare as numbers. */
function natLess(a: string, b: string): boolean {
  const re = /(\d+|\D+)/g;
  const ca = a.match(re) ?? [];
  const cb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const x = ca[i]!;
    const y = cb[i]!;
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const nx = BigInt(x);
      const ny = BigInt(y);
      if (nx !== ny) return nx < ny;
      return x.length < y.length;
    }
    return x < y;
  }
  return ca.length < cb.length;
}

/** Orders an instant vector; range queries are always sorted by labels, so they get a warning. */
export function sortInstant(
  ev: Evaluator,
  call: Call,
  v: VectorValue,
  cmp: (a: StepSeries, b: StepSeries) => number,
): VectorValue {
  if (ev.isRange()) {
    ev.ctx.annotate(
      'warning',
      'sort is ineffective for range queries since results are always ordered by labels',
      call.posRange,
    );
    return v;
  }
  return { kind: 'vector', series: [...v.series].sort(cmp), ordered: true };
}

/** Value order of `sort`/`sort_desc` (NaN last). */
export const byValue =
  (desc: boolean) =>
  (a: StepSeries, b: StepSeries): number => {
    const x = a.vs[0]!;
    const y = b.vs[0]!;
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
    return desc ? y - x : x - y;
  };

/** Label order of `sort_by_label`/`sort_by_label_desc` (natural order, then all labels). */
export const byLabels =
  (names: string[], desc: boolean) =>
  (a: StepSeries, b: StepSeries): number => {
    for (const n of names) {
      const x = a.labels.get(n);
      const y = b.labels.get(n);
      if (x === y) continue;
      const r = natLess(x, y) ? -1 : 1;
      return desc ? -r : r;
    }
    const r = a.labels.compare(b.labels);
    return desc ? -r : r;
  };
