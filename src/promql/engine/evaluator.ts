/**
 * The step-wise evaluator: every node is evaluated over all steps of [start, end] at once,
 * producing dense per-series arrays. Subqueries run a child evaluator on their own step grid.
 */
import { METADATA_LABELS, countPoints } from './value.js';
import { interpolate } from './extended.js';
import { Labels, isStaleNaN } from '../../model/index.js';
import type { Expr, MatrixSelector, SubqueryExpr, VectorSelector } from '../parser/index.js';
import { evalAggregate } from './aggregate.js';
import { evalBinary } from './binary.js';
import { QueryContext, mergeSameLabels, withoutStale } from './context.js';
import { QueryExecutionError } from './errors.js';
import { evalCall } from './functions.js';
import {
  newStepSeries,
  type EvalValue,
  type RangeSeries,
  type StepSeries,
  type VectorValue,
} from './value.js';

/** A range source: series samples plus how each step's window is placed. */
export interface RangeSource {
  series: RangeSeries[];
  rangeMs: number;
  offsetMs: number;
  /** Fixed evaluation time from `@`, if any. */
  at: number | undefined;
  /** The selector, when the source is a matrix selector (not a subquery). */
  selector: VectorSelector | undefined;
}

/** Evaluates expressions over one step grid. */
export class Evaluator {
  readonly nSteps: number;

  constructor(
    readonly ctx: QueryContext,
    readonly start: number,
    readonly end: number,
    readonly interval: number,
  ) {
    this.nSteps = end < start ? 0 : Math.floor((end - start) / interval) + 1;
  }

  /** The time of step i (ms). */
  time(i: number): number {
    return this.start + i * this.interval;
  }

  /** Whether this is a range evaluation (more than one step in the query). */
  isRange(): boolean {
    return this.start !== this.end;
  }

  /** Evaluates an expression. */
  async eval(e: Expr): Promise<EvalValue> {
    this.ctx.check(true);
    switch (e.type) {
      case 'NumberLiteral':
        return { kind: 'scalar', vs: new Float64Array(this.nSteps).fill(e.value) };
      case 'StringLiteral':
        return { kind: 'string', v: e.value };
      case 'ParenExpr':
      case 'StepInvariantExpr':
        return this.eval(e.expr);
      case 'UnaryExpr':
        return this.evalUnary(e.op, await this.eval(e.expr));
      case 'VectorSelector':
        return this.evalVectorSelector(e);
      case 'MatrixSelector':
      case 'SubqueryExpr': {
        const src = await this.rangeSource(e);
        return { kind: 'matrix', series: this.windowAt(src, this.start) };
      }
      case 'BinaryExpr':
        return evalBinary(this, e);
      case 'AggregateExpr':
        return evalAggregate(this, e);
      case 'Call':
        return evalCall(this, e);
    }
  }

  /** Evaluates an expression that must be an instant vector. */
  async evalVector(e: Expr): Promise<VectorValue> {
    const v = await this.eval(e);
    if (v.kind !== 'vector')
      throw new QueryExecutionError(`BUG: expected instant vector, got ${v.kind}`);
    return v;
  }

  /** Evaluates an expression that must be a scalar. */
  async evalScalar(e: Expr): Promise<Float64Array> {
    const v = await this.eval(e);
    if (v.kind !== 'scalar') throw new QueryExecutionError(`BUG: expected scalar, got ${v.kind}`);
    return v.vs;
  }

  /** Marks a series' metric name for removal (now, or at the end with delayed removal). */
  dropName(s: StepSeries): void {
    if (this.ctx.opts.delayedNameRemoval) s.dropName = true;
    else s.labels = s.labels.without(...METADATA_LABELS);
  }

  /** Label set with the name removed unless removal is delayed. */
  nameDropped(labels: Labels): Labels {
    return this.ctx.opts.delayedNameRemoval ? labels : labels.without(...METADATA_LABELS);
  }

  private evalUnary(op: '-' | '+', v: EvalValue): EvalValue {
    if (op === '+') return v;
    if (v.kind === 'scalar') return { kind: 'scalar', vs: v.vs.map((x) => -x) };
    if (v.kind !== 'vector') throw new QueryExecutionError(`BUG: unary minus on ${v.kind}`);
    for (const s of v.series) {
      for (let i = 0; i < s.vs.length; i++) s.vs[i] = -s.vs[i]!;
      this.dropName(s);
    }
    return {
      kind: 'vector',
      series: this.ctx.opts.delayedNameRemoval ? v.series : mergeSameLabels(v.series),
      ordered: v.ordered,
    };
  }

  private async evalVectorSelector(e: VectorSelector): Promise<VectorValue> {
    if (e.smoothed) return this.evalSmoothedSelector(e);
    const lookback = this.ctx.opts.lookbackMs;
    const at = e.at ? this.ctx.atTime(e.at) : undefined;
    const first = (at ?? this.start) - e.offset;
    const last = (at ?? this.end) - e.offset;
    const loaded = await this.ctx.load(e, first - lookback + 1, last, {
      start: first - lookback + 1,
      end: last,
      step: this.interval,
    });
    const out: StepSeries[] = [];
    for (const ls of loaded) {
      const s = newStepSeries(ls.labels, this.nSteps, false);
      let j = 0;
      let any = false;
      for (let i = 0; i < this.nSteps; i++) {
        const ref = (at ?? this.time(i)) - e.offset;
        while (j < ls.ts.length && ls.ts[j]! <= ref) j++;
        const k = j - 1;
        if (k < 0 || ls.ts[k]! <= ref - lookback) continue;
        const v = ls.vs[k]!;
        if (v !== v && isStaleNaN(v)) continue;
        s.vs[i] = v;
        s.has[i] = 1;
        any = true;
      }
      if (any) out.push(s);
    }
    this.ctx.hold(countPoints(out));
    return { kind: 'vector', series: out, ordered: false };
  }

  /**
   * A `smoothed` instant selector: the value at each step is interpolated between the samples
   * around it (within one lookback on either side), or the last sample before it.
   */
  private async evalSmoothedSelector(e: VectorSelector): Promise<VectorValue> {
    const lookback = this.ctx.opts.lookbackMs;
    const at = e.at ? this.ctx.atTime(e.at) : undefined;
    const first = (at ?? this.start) - e.offset;
    const last = (at ?? this.end) - e.offset;
    const loaded = await this.ctx.load(e, first - lookback + 1, last + lookback, {
      start: first - lookback + 1,
      end: last + lookback,
      step: this.interval,
    });
    const out: StepSeries[] = [];
    for (const raw of loaded) {
      const { ts, vs } = withoutStale(raw);
      const s = newStepSeries(raw.labels, this.nSteps, false);
      let any = false;
      for (let i = 0; i < this.nSteps; i++) {
        const d = (at ?? this.time(i)) - e.offset;
        const lo = upperBound(ts, d - lookback);
        const hi = upperBound(ts, d + lookback);
        if (hi <= lo) continue;
        let k = lo;
        while (k < hi && ts[k]! < d) k++;
        let v: number;
        if (k < hi && ts[k] === d) v = vs[k]!;
        else if (k > lo && k < hi)
          v = interpolate(ts[k - 1]!, vs[k - 1]!, ts[k]!, vs[k]!, d, false);
        else if (k > lo) v = vs[k - 1]!;
        else continue;
        s.vs[i] = v;
        s.has[i] = 1;
        any = true;
      }
      if (any) out.push(s);
    }
    this.ctx.hold(countPoints(out));
    return { kind: 'vector', series: out, ordered: false };
  }

  /** For `timestamp(selector)`: the timestamps (s) of the samples an instant selector picks. */
  async evalSelectorTimestamps(e: VectorSelector): Promise<VectorValue> {
    const lookback = this.ctx.opts.lookbackMs;
    const at = e.at ? this.ctx.atTime(e.at) : undefined;
    const first = (at ?? this.start) - e.offset;
    const last = (at ?? this.end) - e.offset;
    const loaded = await this.ctx.load(e, first - lookback + 1, last, {
      start: first - lookback + 1,
      end: last,
      step: this.interval,
    });
    const out: StepSeries[] = [];
    for (const ls of loaded) {
      const s = newStepSeries(
        this.nameDropped(ls.labels),
        this.nSteps,
        this.ctx.opts.delayedNameRemoval,
      );
      let any = false;
      for (let i = 0; i < this.nSteps; i++) {
        const ref = (at ?? this.time(i)) - e.offset;
        const k = upperBound(ls.ts, ref) - 1;
        if (k < 0 || ls.ts[k]! <= ref - lookback) continue;
        if (isStaleNaN(ls.vs[k]!)) continue;
        s.vs[i] = ls.ts[k]! / 1000;
        s.has[i] = 1;
        any = true;
      }
      if (any) out.push(s);
    }
    return { kind: 'vector', series: out, ordered: false };
  }

  /** Loads a matrix selector or evaluates a subquery into per-series samples for windowing. */
  async rangeSource(e: Expr, func?: string, extLeft = 0, extRight = 0): Promise<RangeSource> {
    while (e.type === 'ParenExpr' || e.type === 'StepInvariantExpr') e = e.expr;
    if (e.type === 'MatrixSelector') return this.matrixSource(e, func, extLeft, extRight);
    if (e.type === 'SubqueryExpr') return this.subquerySource(e);
    throw new QueryExecutionError(`BUG: expected range vector, got ${e.type}`);
  }

  private async matrixSource(
    e: MatrixSelector,
    func: string | undefined,
    extLeft: number,
    extRight: number,
  ): Promise<RangeSource> {
    const vs = e.vectorSelector;
    const at = vs.at ? this.ctx.atTime(vs.at) : undefined;
    const mint = (at ?? this.start) - vs.offset - e.range - extLeft + 1;
    const maxt = (at ?? this.end) - vs.offset + extRight;
    const hints = {
      start: mint,
      end: maxt,
      step: this.interval,
      range: e.range,
      ...(func ? { func } : {}),
    };
    const loaded = await this.ctx.load(vs, mint, maxt, hints);
    const series: RangeSeries[] = [];
    for (const ls of loaded) {
      const { ts, vs: vals } = withoutStale(ls);
      series.push({ labels: ls.labels, ts, vs: vals, dropName: false });
    }
    return { series, rangeMs: e.range, offsetMs: vs.offset, at, selector: vs };
  }

  private async subquerySource(e: SubqueryExpr): Promise<RangeSource> {
    const at = e.at ? this.ctx.atTime(e.at) : undefined;
    const step = e.step > 0 ? e.step : this.ctx.opts.defaultSubqueryStepMs;
    const outerStart = at ?? this.start;
    const outerEnd = at ?? this.end;
    const innerEnd = outerEnd - e.offset;
    const rawStart = outerStart - e.offset - e.range;
    let innerStart = step * Math.trunc(rawStart / step);
    if (innerStart <= rawStart) innerStart += step;
    const child = new Evaluator(this.ctx, innerStart, innerEnd, step);
    const val = await child.eval(e.expr);
    const series: RangeSeries[] = [];
    const add = (
      labels: Labels,
      vs: Float64Array,
      has: Uint8Array | undefined,
      dropName: boolean,
    ): void => {
      let n = 0;
      for (let i = 0; i < vs.length; i++) if (!has || has[i]) n++;
      if (n === 0) return;
      const ts = new Float64Array(n);
      const out = new Float64Array(n);
      let j = 0;
      for (let i = 0; i < vs.length; i++) {
        if (has && !has[i]) continue;
        ts[j] = child.time(i);
        out[j] = vs[i]!;
        j++;
      }
      series.push({ labels, ts, vs: out, dropName });
    };
    if (val.kind === 'vector') for (const s of val.series) add(s.labels, s.vs, s.has, s.dropName);
    else if (val.kind === 'scalar') add(Labels.EMPTY, val.vs, undefined, false);
    else throw new QueryExecutionError(`BUG: subquery over ${val.kind}`);
    return { series, rangeMs: e.range, offsetMs: e.offset, at, selector: undefined };
  }

  /** The samples of each series inside the window of the evaluation at time t. */
  windowAt(src: RangeSource, t: number): RangeSeries[] {
    const end = (src.at ?? t) - src.offsetMs;
    const start = end - src.rangeMs;
    const out: RangeSeries[] = [];
    for (const s of src.series) {
      const lo = upperBound(s.ts, start);
      const hi = upperBound(s.ts, end);
      if (hi > lo)
        out.push({
          labels: s.labels,
          ts: s.ts.slice(lo, hi),
          vs: s.vs.slice(lo, hi),
          dropName: s.dropName,
        });
    }
    return out;
  }
}

/** Index of the first element > x in a sorted array. */
export function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
