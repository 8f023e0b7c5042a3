/** Binary operators: scalar/scalar, vector/scalar and vector/vector with label matching. */
import { METADATA_LABELS } from './value.js';
import { Labels, LabelsBuilder } from '../../model/index.js';
import type { BinaryExpr, BinaryOp, VectorMatching } from '../parser/index.js';
import { QueryExecutionError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { newStepSeries, type EvalValue, type StepSeries, type VectorValue } from './value.js';

/** Go's math.Pow edge cases differ from `**` for 1^NaN and (-1)^±Inf. */
export function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return x ** y;
}

/** Applies an arithmetic or comparison operator to two floats; comparisons return 0/1. */
export function arith(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    case '%':
      return l % r;
    case '^':
      return goPow(l, r);
    case 'atan2':
      return Math.atan2(l, r);
    case '==':
      return l === r ? 1 : 0;
    case '!=':
      return l !== r ? 1 : 0;
    case '>':
      return l > r ? 1 : 0;
    case '<':
      return l < r ? 1 : 0;
    case '>=':
      return l >= r ? 1 : 0;
    case '<=':
      return l <= r ? 1 : 0;
    default:
      throw new QueryExecutionError(`operator "${op}" not allowed for float operations`);
  }
}

function isComparison(op: BinaryOp): boolean {
  return op === '==' || op === '!=' || op === '>' || op === '<' || op === '>=' || op === '<=';
}

/** Whether the operator changes what the metric means (so the name goes). */
function changesSchema(op: BinaryOp): boolean {
  return (
    op === '+' ||
    op === '-' ||
    op === '*' ||
    op === '/' ||
    op === '^' ||
    op === '%' ||
    op === 'atan2'
  );
}

/** Collects output points by label set, failing when a label set gets two points at one step. */
export class OutCollector {
  private readonly byKey = new Map<string, StepSeries>();
  private readonly byIdentity = new Map<Labels, StepSeries>();
  readonly series: StepSeries[] = [];
  constructor(private readonly n: number) {}

  add(labels: Labels, dropName: boolean, i: number, v: number): void {
    let s = this.byIdentity.get(labels);
    if (!s) {
      const key = labels.flat.join('\xff');
      s = this.byKey.get(key);
      if (!s) {
        s = newStepSeries(labels, this.n, dropName);
        this.byKey.set(key, s);
        this.series.push(s);
      }
      this.byIdentity.set(labels, s);
      if (s.has[i])
        throw new QueryExecutionError('vector cannot contain metrics with the same labelset');
    } else if (s.has[i])
      throw new QueryExecutionError('vector cannot contain metrics with the same labelset');
    s.vs[i] = v;
    s.has[i] = 1;
  }
}

/** Evaluates a binary expression. */
export async function evalBinary(ev: Evaluator, e: BinaryExpr): Promise<EvalValue> {
  const lhs = await ev.eval(e.lhs);
  const rhs = await ev.eval(e.rhs);
  if (lhs.kind === 'scalar' && rhs.kind === 'scalar') {
    const out = new Float64Array(ev.nSteps);
    for (let i = 0; i < out.length; i++) out[i] = arith(e.op, lhs.vs[i]!, rhs.vs[i]!);
    return { kind: 'scalar', vs: out };
  }
  if (lhs.kind === 'vector' && rhs.kind === 'scalar')
    return vectorScalar(ev, e, lhs, rhs.vs, false);
  if (lhs.kind === 'scalar' && rhs.kind === 'vector') return vectorScalar(ev, e, rhs, lhs.vs, true);
  if (lhs.kind === 'vector' && rhs.kind === 'vector') {
    const m: VectorMatching = e.matching ?? {
      card: 'one-to-one',
      on: false,
      labels: [],
      include: [],
    };
    switch (e.op) {
      case 'and':
      case 'or':
      case 'unless':
        return setOp(ev, e.op, lhs, rhs, m);
      default:
        return vectorVector(ev, e, lhs, rhs, m);
    }
  }
  throw new QueryExecutionError(`BUG: binary operator on ${lhs.kind} and ${rhs.kind}`);
}

function vectorScalar(
  ev: Evaluator,
  e: BinaryExpr,
  vec: VectorValue,
  sc: Float64Array,
  swap: boolean,
): VectorValue {
  const cmp = isComparison(e.op);
  const drop = changesSchema(e.op) || e.returnBool;
  const out: StepSeries[] = [];
  for (const s of vec.series) {
    let any = false;
    for (let i = 0; i < s.vs.length; i++) {
      if (!s.has[i]) continue;
      const v = s.vs[i]!;
      const l = swap ? sc[i]! : v;
      const r = swap ? v : sc[i]!;
      let res = arith(e.op, l, r);
      if (cmp) {
        if (e.returnBool) any = true;
        else if (res === 0) s.has[i] = 0;
        else {
          res = v;
          any = true;
        }
      } else any = true;
      s.vs[i] = res;
    }
    if (!any) continue;
    if (drop) ev.dropName(s);
    out.push(s);
  }
  return {
    kind: 'vector',
    series: drop && !ev.ctx.opts.delayedNameRemoval ? mergeDup(out) : out,
    ordered: vec.ordered,
  };
}

function mergeDup(series: StepSeries[]): StepSeries[] {
  const col = new OutCollector(series[0]?.vs.length ?? 0);
  for (const s of series)
    for (let i = 0; i < s.vs.length; i++) if (s.has[i]) col.add(s.labels, s.dropName, i, s.vs[i]!);
  return col.series;
}

/** The matching signature of a series. */
function signature(l: Labels, m: VectorMatching): string {
  const f = l.flat;
  const parts: string[] = [];
  if (m.on) {
    for (let i = 0; i < f.length; i += 2)
      if (m.labels.includes(f[i]!)) parts.push(f[i]!, f[i + 1]!);
  } else {
    for (let i = 0; i < f.length; i += 2)
      if (f[i] !== '__name__' && !m.labels.includes(f[i]!)) parts.push(f[i]!, f[i + 1]!);
  }
  return parts.join('\xff');
}

function setOp(
  ev: Evaluator,
  op: 'and' | 'or' | 'unless',
  lhs: VectorValue,
  rhs: VectorValue,
  m: VectorMatching,
): VectorValue {
  const n = ev.nSteps;
  const lsig = lhs.series.map((s) => signature(s.labels, m));
  const rsig = rhs.series.map((s) => signature(s.labels, m));
  const col = new OutCollector(n);
  const present = new Set<string>();
  for (let i = 0; i < n; i++) {
    present.clear();
    const side = op === 'or' ? lhs : rhs;
    const sigs = op === 'or' ? lsig : rsig;
    for (let k = 0; k < side.series.length; k++) if (side.series[k]!.has[i]) present.add(sigs[k]!);
    for (let k = 0; k < lhs.series.length; k++) {
      const s = lhs.series[k]!;
      if (!s.has[i]) continue;
      const inR = present.has(lsig[k]!);
      if (op === 'or' || (op === 'and' && inR) || (op === 'unless' && !inR))
        col.add(s.labels, s.dropName, i, s.vs[i]!);
    }
    if (op === 'or') {
      for (let k = 0; k < rhs.series.length; k++) {
        const s = rhs.series[k]!;
        if (s.has[i] && !present.has(rsig[k]!)) col.add(s.labels, s.dropName, i, s.vs[i]!);
      }
    }
  }
  return { kind: 'vector', series: col.series, ordered: false };
}

/** Prometheus' `labels.String()` form: `{a="1", b="2"}` including `__name__`. */
export function promLabelString(l: Labels): string {
  const parts: string[] = [];
  l.forEach((n, v) => parts.push(`${n}=${JSON.stringify(v)}`));
  return `{${parts.join(', ')}}`;
}

function matchLabels(l: Labels, m: VectorMatching): Labels {
  const f = l.flat;
  const out: string[] = [];
  for (let i = 0; i < f.length; i += 2) {
    const inList = m.labels.includes(f[i]!);
    if (m.on ? inList : !inList && f[i] !== '__name__') out.push(f[i]!, f[i + 1]!);
  }
  return Labels.fromSortedFlat(out);
}

function vectorVector(
  ev: Evaluator,
  e: BinaryExpr,
  lhsIn: VectorValue,
  rhsIn: VectorValue,
  m: VectorMatching,
): VectorValue {
  const n = ev.nSteps;
  const swap = m.card === 'one-to-many';
  const many = swap ? rhsIn.series : lhsIn.series;
  const one = swap ? lhsIn.series : rhsIn.series;
  // Signatures become small integers once, so each step works on typed arrays.
  const ordinals = new Map<string, number>();
  const ordOf = (l: Labels): number => {
    const sig = signature(l, m);
    let o = ordinals.get(sig);
    if (o === undefined) {
      o = ordinals.size;
      ordinals.set(sig, o);
    }
    return o;
  };
  const manyOrd = Int32Array.from(many, (s) => ordOf(s.labels));
  const oneOrd = Int32Array.from(one, (s) => ordOf(s.labels));
  const nSigs = ordinals.size;
  const cmp = isComparison(e.op);
  const col = new OutCollector(n);
  const lb = new LabelsBuilder();
  const dropNow = changesSchema(e.op) || (e.returnBool && !ev.ctx.opts.delayedNameRemoval);
  const keepOn = new Set(m.labels);
  const computeLabels = (l: Labels, r: Labels): Labels => {
    lb.reset(l);
    if (dropNow) for (const name of METADATA_LABELS) lb.del(name);
    if (m.card === 'one-to-one') {
      if (m.on)
        l.forEach((name) => {
          if (!keepOn.has(name)) lb.del(name);
        });
      else for (const name of m.labels) lb.del(name);
    }
    for (const name of m.include) {
      const v = r.get(name);
      if (v !== '') lb.set(name, v);
      else lb.del(name);
    }
    return lb.labels();
  };
  // Result labels by (many index, one index); one index `one.length` stands for a filled partner.
  const pairCache = new Map<number, Labels>();
  const fillManyCache = new Map<number, Labels>();
  const stride = one.length + 1;
  // Fill values for a missing partner on the many side and on the one side (Prometheus applies
  // `fill_right` to the side opposite the driving side, also when group_right swaps them).
  const fillOne = m.fill?.rhs;
  const fillMany = m.fill?.lhs;
  const oneAt = new Int32Array(nSigs).fill(-1);
  const touched: number[] = [];
  const matchedStep = new Int32Array(nSigs).fill(-1);
  const matchedSets = m.card === 'one-to-one' ? undefined : new Map<number, Set<Labels>>();
  let step = 0;
  const doOp = (labels: Labels, lv: number, rv: number, ord: number): void => {
    let res = arith(e.op, lv, rv);
    let keep = true;
    if (cmp) {
      keep = res === 1;
      if (!e.returnBool) res = lv;
    }
    if (!matchedSets) {
      if (matchedStep[ord] === step)
        throw new QueryExecutionError(
          'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
        );
    } else {
      let set = matchedSets.get(ord);
      if (matchedStep[ord] !== step || !set) {
        set = new Set<Labels>();
        matchedSets.set(ord, set);
      }
      if (set.has(labels))
        throw new QueryExecutionError(
          'multiple matches for labels: grouping labels must ensure unique matches',
        );
      set.add(labels);
    }
    matchedStep[ord] = step;
    if (!keep && !e.returnBool) return;
    col.add(labels, e.returnBool, step, res);
  };
  for (let i = 0; i < n; i++) {
    step = i;
    for (const o of touched) oneAt[o] = -1;
    touched.length = 0;
    for (let k = 0; k < one.length; k++) {
      if (!one[k]!.has[i]) continue;
      const ord = oneOrd[k]!;
      const prev = oneAt[ord]!;
      if (prev >= 0) {
        let d1 = promLabelString(one[k]!.labels);
        let d2 = promLabelString(one[prev]!.labels);
        if (d1 > d2) [d1, d2] = [d2, d1];
        throw new QueryExecutionError(
          `found duplicate series for the match group ${promLabelString(matchLabels(one[k]!.labels, m))} on the ${swap ? 'left' : 'right'} hand-side of the operation: [${d1}, ${d2}];many-to-many matching not allowed: matching labels must be unique on one side`,
        );
      }
      oneAt[ord] = k;
      touched.push(ord);
    }
    let manyPresent = false;
    for (const ms of many)
      if (ms.has[i]) {
        manyPresent = true;
        break;
      }
    if (!manyPresent && touched.length === 0) continue;
    if ((!manyPresent || touched.length === 0) && fillMany === undefined && fillOne === undefined)
      continue;
    for (let k = 0; k < many.length; k++) {
      const ms = many[k]!;
      if (!ms.has[i]) continue;
      const ord = manyOrd[k]!;
      const ok = oneAt[ord]!;
      const mv = ms.vs[i]!;
      if (ok >= 0) {
        const os = one[ok]!;
        const key = k * stride + ok;
        let labels = pairCache.get(key);
        if (!labels) pairCache.set(key, (labels = computeLabels(ms.labels, os.labels)));
        const ov = os.vs[i]!;
        doOp(labels, swap ? ov : mv, swap ? mv : ov, ord);
      } else if (fillOne !== undefined) {
        const key = k * stride + one.length;
        let labels = pairCache.get(key);
        if (!labels)
          pairCache.set(key, (labels = computeLabels(ms.labels, matchLabels(ms.labels, m))));
        doOp(labels, swap ? fillOne : mv, swap ? mv : fillOne, ord);
      }
    }
    if (fillMany !== undefined) {
      for (let k = 0; k < one.length; k++) {
        const os = one[k]!;
        if (!os.has[i]) continue;
        const ord = oneOrd[k]!;
        if (matchedStep[ord] === i) continue;
        let labels = fillManyCache.get(k);
        if (!labels)
          fillManyCache.set(k, (labels = computeLabels(matchLabels(os.labels, m), os.labels)));
        const ov = os.vs[i]!;
        doOp(labels, swap ? ov : fillMany, swap ? fillMany : ov, ord);
      }
    }
  }
  if (e.returnBool && !ev.ctx.opts.delayedNameRemoval)
    for (const s of col.series) s.dropName = false;
  return { kind: 'vector', series: col.series, ordered: false };
}
