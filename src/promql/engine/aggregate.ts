/** Aggregation operators (`sum`, `avg`, `topk`, `count_values`, …) with `by`/`without`. */
import { Labels, LabelsBuilder } from '../../model/index.js';
import type { AggregateExpr } from '../parser/index.js';
import { isSimpleAggOp, SeriesAccumulator } from './accumulate.js';
import { OutCollector } from './binary.js';
import { QueryExecutionError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { goF, goG } from './gofmt.js';
import { ratioOffset } from './xxhash.js';
import { quantileOfSorted, sortNaNFirst } from './mathutil.js';
import { newStepSeries, type StepSeries, type VectorValue } from './value.js';

/** Labels of the group a series falls in. */
function groupLabels(
  l: Labels,
  grouping: readonly string[],
  without: boolean,
  lb: LabelsBuilder,
): Labels {
  if (without) {
    lb.reset(l);
    for (const g of grouping) lb.del(g);
    lb.del('__name__');
    return lb.labels();
  }
  if (grouping.length === 0) return Labels.EMPTY;
  return l.keepOnly(new Set(grouping));
}

/** Evaluates an aggregation expression. */
export async function evalAggregate(ev: Evaluator, e: AggregateExpr): Promise<VectorValue> {
  const n = ev.nSteps;
  if (e.op === 'count_values') return countValues(ev, e);
  let param: Float64Array | undefined;
  if (e.param) param = await ev.evalScalar(e.param);
  const input = await ev.evalVector(e.expr);
  const lb = new LabelsBuilder();
  const groupIdx = new Int32Array(input.series.length);
  const groups: Labels[] = [];
  const byKey = new Map<string, number>();
  input.series.forEach((s, k) => {
    const gl = groupLabels(s.labels, e.grouping, e.without, lb);
    const key = gl.flat.join('\xff');
    let g = byKey.get(key);
    if (g === undefined) {
      g = groups.length;
      groups.push(gl);
      byKey.set(key, g);
    }
    groupIdx[k] = g;
  });
  if (e.op === 'topk' || e.op === 'bottomk' || e.op === 'limitk' || e.op === 'limit_ratio')
    return aggregateK(ev, e, input.series, groupIdx, groups.length, param ?? new Float64Array(n));
  if (e.op === 'quantile' && param) checkQuantileParam(ev, e, param);

  const out = groups.map((gl) => newStepSeries(gl, n, false));
  if (isSimpleAggOp(e.op)) {
    const acc = new SeriesAccumulator(e.op, out, n);
    for (let k = 0; k < input.series.length; k++) {
      const s = input.series[k]!;
      acc.add(groupIdx[k]!, s.vs, s.has, s.dropName);
      if ((k & 255) === 255) ev.ctx.check();
    }
    acc.finish();
    ev.ctx.check();
    return { kind: 'vector', series: out.filter((s) => s.has.includes(1)), ordered: false };
  }
  // Only `quantile` is left: it needs all of a group's values at a step at once.
  if (!param) throw new QueryExecutionError('BUG: quantile needs a parameter');
  const G = groups.length;
  const lists: number[][] = Array.from({ length: G }, () => []);
  const seen = new Uint8Array(G);
  for (let i = 0; i < n; i++) {
    seen.fill(0);
    for (let k = 0; k < input.series.length; k++) {
      const s = input.series[k]!;
      if (!s.has[i]) continue;
      const f = s.vs[i]!;
      const g = groupIdx[k]!;
      if (s.dropName) out[g]!.dropName = true;
      if (!seen[g]) {
        seen[g] = 1;
        lists[g] = [f];
      } else lists[g]!.push(f);
    }
    for (let g = 0; g < G; g++) {
      if (!seen[g]) continue;
      out[g]!.vs[i] = quantileOfSorted(param[i]!, sortNaNFirst(Float64Array.from(lists[g]!)));
      out[g]!.has[i] = 1;
    }
    ev.ctx.check();
  }
  return { kind: 'vector', series: out.filter((s) => s.has.includes(1)), ordered: false };
}

function checkQuantileParam(ev: Evaluator, e: AggregateExpr, p: Float64Array): void {
  let max = -Infinity;
  let min = Infinity;
  let nan = false;
  for (const q of p) {
    if (Number.isNaN(q)) nan = true;
    else {
      max = Math.max(max, q);
      min = Math.min(min, q);
    }
  }
  const pos = e.param!.posRange;
  if (nan) ev.ctx.annotate('warning', 'quantile value should be between 0 and 1, got NaN', pos);
  if (max > 1)
    ev.ctx.annotate('warning', `quantile value should be between 0 and 1, got ${goG(max)}`, pos);
  if (min < 0)
    ev.ctx.annotate('warning', `quantile value should be between 0 and 1, got ${goG(min)}`, pos);
}

/** A binary heap that mirrors Go's container/heap so ties resolve the same way. */
class GoHeap {
  readonly items: number[] = [];
  constructor(private readonly less: (a: number, b: number) => boolean) {}
  push(x: number): void {
    this.items.push(x);
    this.up(this.items.length - 1);
  }
  fix0(): void {
    if (!this.down(0)) this.up(0);
  }
  private up(j: number): void {
    const h = this.items;
    for (;;) {
      const i = Math.floor((j - 1) / 2);
      if (j <= 0 || i === j || !this.less(h[j]!, h[i]!)) break;
      [h[i], h[j]] = [h[j]!, h[i]!];
      j = i;
    }
  }
  private down(i0: number): boolean {
    const h = this.items;
    const n = h.length;
    let i = i0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n) break;
      let j = j1;
      const j2 = j1 + 1;
      if (j2 < n && this.less(h[j2]!, h[j1]!)) j = j2;
      if (!this.less(h[j]!, h[i]!)) break;
      [h[i], h[j]] = [h[j]!, h[i]!];
      i = j;
    }
    return i > i0;
  }
}

function aggregateK(
  ev: Evaluator,
  e: AggregateExpr,
  input: StepSeries[],
  groupIdx: Int32Array,
  G: number,
  param: Float64Array,
): VectorValue {
  const n = ev.nSteps;
  let max = -Infinity;
  let min = Infinity;
  let nan = false;
  for (const p of param) {
    if (Number.isNaN(p)) nan = true;
    max = Math.max(max, p);
    min = Math.min(min, p);
  }
  if (e.op === 'limit_ratio') {
    if (max === 0 && min === 0) return { kind: 'vector', series: [], ordered: false };
    if (nan) throw new QueryExecutionError('Ratio value is NaN');
    const pos = e.param!.posRange;
    if (max > 1)
      ev.ctx.annotate(
        'warning',
        `ratio value should be between -1 and 1, got ${goG(max)}, capping to 1`,
        pos,
      );
    if (min < -1)
      ev.ctx.annotate(
        'warning',
        `ratio value should be between -1 and 1, got ${goG(min)}, capping to -1`,
        pos,
      );
    return limitRatio(n, input, param);
  }
  if (!(max >= 1)) {
    if (!nan) return { kind: 'vector', series: [], ordered: false };
  }
  if (nan) throw new QueryExecutionError('Parameter value is NaN');
  if (min <= -(2 ** 63)) throw new QueryExecutionError(`Scalar value ${goG(min)} underflows int64`);
  if (max >= 2 ** 63) throw new QueryExecutionError(`Scalar value ${goG(max)} overflows int64`);
  const col = new OutCollector(n);
  const vals = new Float64Array(input.length);
  const top = e.op === 'topk';
  const lessTop = (a: number, b: number): boolean => Number.isNaN(vals[a]!) || vals[a]! < vals[b]!;
  const lessBottom = (a: number, b: number): boolean =>
    Number.isNaN(vals[a]!) || vals[a]! > vals[b]!;
  for (let i = 0; i < n; i++) {
    const k = Math.min(Math.trunc(param[i]!), input.length);
    if (k < 1) continue;
    const heaps: (GoHeap | undefined)[] = new Array<GoHeap | undefined>(G);
    for (let s = 0; s < input.length; s++) {
      const ser = input[s]!;
      if (!ser.has[i]) continue;
      const f = ser.vs[i]!;
      vals[s] = f;
      const g = groupIdx[s]!;
      let h = heaps[g];
      if (!h) {
        h = new GoHeap(e.op === 'bottomk' ? lessBottom : lessTop);
        heaps[g] = h;
        h.push(s);
        continue;
      }
      if (e.op === 'limitk') {
        if (h.items.length < k) h.push(s);
        continue;
      }
      const root = vals[h.items[0]!]!;
      if (h.items.length < k) h.push(s);
      else if ((top ? root < f : root > f) || (Number.isNaN(root) && !Number.isNaN(f))) {
        h.items[0] = s;
        if (k > 1) h.fix0();
      }
    }
    for (const h of heaps) {
      if (!h) continue;
      const items = [...h.items];
      if (e.op === 'topk') items.sort((a, b) => (lessTop(b, a) ? -1 : lessTop(a, b) ? 1 : 0));
      else if (e.op === 'bottomk')
        items.sort((a, b) => (lessBottom(b, a) ? -1 : lessBottom(a, b) ? 1 : 0));
      for (const s of items) col.add(input[s]!.labels, input[s]!.dropName, i, vals[s]!);
    }
  }
  return { kind: 'vector', series: col.series, ordered: e.op !== 'limitk' };
}

async function countValues(ev: Evaluator, e: AggregateExpr): Promise<VectorValue> {
  const p = e.param;
  if (p?.type !== 'StringLiteral')
    throw new QueryExecutionError('BUG: count_values needs a string parameter');
  const label = p.value;
  if (label === '' || !isValidUtf8LabelName(label))
    throw new QueryExecutionError(`invalid label name ${JSON.stringify(label)}`);
  const input = await ev.evalVector(e.expr);
  const n = ev.nSteps;
  const grouping = e.without ? e.grouping : [...e.grouping, label];
  const lb = new LabelsBuilder();
  const col = new OutCollector(n);
  const counts = new Map<string, { labels: Labels; c: number }>();
  for (let i = 0; i < n; i++) {
    counts.clear();
    for (const s of input.series) {
      if (!s.has[i]) continue;
      const withValue = s.labels.with(label, goF(s.vs[i]!));
      const gl = groupLabels(withValue, grouping, e.without, lb);
      const key = gl.flat.join('\xff');
      const prev = counts.get(key);
      if (prev) prev.c++;
      else counts.set(key, { labels: gl, c: 1 });
    }
    for (const { labels, c } of counts.values()) col.add(labels, false, i, c);
  }
  return { kind: 'vector', series: col.series, ordered: false };
}

function isValidUtf8LabelName(s: string): boolean {
  return (
    !/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')) &&
    !s.includes('\ufffd')
  );
}

/** `limit_ratio(r, v)`: keeps the series whose label hash falls in the sampled fraction. */
function limitRatio(n: number, input: StepSeries[], param: Float64Array): VectorValue {
  const col = new OutCollector(n);
  const offsets = input.map((s) => ratioOffset(s.labels));
  for (let i = 0; i < n; i++) {
    const r = Math.max(-1, Math.min(1, param[i]!));
    if (r === 0) continue;
    for (let k = 0; k < input.length; k++) {
      const s = input[k]!;
      if (!s.has[i]) continue;
      const off = offsets[k]!;
      if ((r >= 0 && off < r) || (r < 0 && off >= 1 + r))
        col.add(s.labels, s.dropName, i, s.vs[i]!);
    }
  }
  return { kind: 'vector', series: col.series, ordered: false };
}
