/**
 * The step-wise evaluator: every node is evaluated over all steps of [start, end] at once,
 * producing dense per-series arrays. Subqueries run a child evaluator on their own step grid.
 */
import { countPoints, dropMetadata } from './value.js';
import { interpolate } from './extended.js';
import { Labels } from '../../model/index.js';
import type { Series } from '../../storage/index.js';
import type { Expr, MatrixSelector, SubqueryExpr, VectorSelector } from '../parser/index.js';
import { evalAggregate } from './aggregate.js';
import { evalBinary } from './binary.js';
import { QueryContext, mergeSameLabels } from './context.js';
import {
  ArrayCursor,
  IteratorCursor,
  LookbackCursor,
  type CursorScratch,
  type WindowCursor,
} from './cursor.js';
import { QueryExecutionError, TooManySamplesError } from './errors.js';
import { evalCall } from './functions.js';
import {
  newStepSeries,
  StepSlab,
  type EvalValue,
  type RangeSeries,
  type StepSeries,
  type VectorValue,
} from './value.js';

/** One series of a range source: its labels and a way to walk its samples window by window. */
export interface RangeSourceSeries {
  labels: Labels;
  dropName: boolean;
  /**
   * A fresh cursor positioned before the first window. With `scratch` it may use those buffers
   * instead of its own; the caller then walks one such cursor at a time.
   */
  cursor(scratch?: CursorScratch): WindowCursor;
}

/** A range source: series plus how each step's window is placed. */
export interface RangeSource {
  series: RangeSourceSeries[];
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
    // A single series over more steps than the sample limit could never be held anyway; fail
    // before allocating (for example `x[1y:1ms]`).
    if (this.nSteps > ctx.opts.maxSamples) throw new TooManySamplesError(ctx.opts.maxSamples);
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
    const base = this.ctx.heldNow();
    const v = await this.evalNode(e);
    this.ctx.settle(base, pointsOf(v));
    return v;
  }

  private async evalNode(e: Expr): Promise<EvalValue> {
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
    else s.labels = dropMetadata(s.labels);
  }

  /** Label set with the name removed unless removal is delayed. */
  nameDropped(labels: Labels): Labels {
    return this.ctx.opts.delayedNameRemoval ? labels : dropMetadata(labels);
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

  /** Selects the series of an instant selector for the steps of this evaluator. */
  private selectInstant(e: VectorSelector, right: number): Promise<Series[]> {
    const lookback = this.ctx.opts.lookbackMs;
    const at = e.at ? this.ctx.atTime(e.at) : undefined;
    const mint = (at ?? this.start) - e.offset - lookback + 1;
    const maxt = (at ?? this.end) - e.offset + right;
    return this.ctx.select(e, mint, maxt, { start: mint, end: maxt, step: this.interval });
  }

  private async evalVectorSelector(e: VectorSelector): Promise<VectorValue> {
    if (e.smoothed) return this.evalSmoothedSelector(e);
    return this.instantSelect(e, false);
  }

  /**
   * Evaluates an instant selector step by step with a lookback cursor per series; with
   * `timestamps`, the values are the picked samples' timestamps in seconds (for `timestamp()`).
   */
  private async instantSelect(e: VectorSelector, timestamps: boolean): Promise<VectorValue> {
    const lookback = this.ctx.opts.lookbackMs;
    const at = e.at ? this.ctx.atTime(e.at) : undefined;
    const selected = await this.selectInstant(e, 0);
    const delayed = this.ctx.opts.delayedNameRemoval;
    const out: StepSeries[] = [];
    const slab = new StepSlab(this.nSteps, selected.length);
    for (const series of selected) {
      const labels = timestamps ? this.nameDropped(series.labels) : series.labels;
      const s = slab.take(labels, timestamps && delayed);
      const cur = new LookbackCursor(series.iterator(), this.ctx);
      let any = false;
      for (let i = 0; i < this.nSteps; i++) {
        if (!cur.at((at ?? this.time(i)) - e.offset, lookback)) continue;
        s.vs[i] = timestamps ? cur.t / 1000 : cur.v;
        s.has[i] = 1;
        any = true;
      }
      cur.check();
      if (any) {
        slab.keep();
        out.push(s);
        // Counted per series so a huge result fails before it is all allocated.
        this.ctx.hold(countPoints([s]));
      }
      this.ctx.check();
    }
    return { kind: 'vector', series: out, ordered: false };
  }

  /**
   * A `smoothed` instant selector: the value at each step is interpolated between the samples
   * around it (within one lookback on either side), or the last sample before it.
   */
  private async evalSmoothedSelector(e: VectorSelector): Promise<VectorValue> {
    const lookback = this.ctx.opts.lookbackMs;
    const at = e.at ? this.ctx.atTime(e.at) : undefined;
    const selected = await this.selectInstant(e, lookback);
    const out: StepSeries[] = [];
    for (const series of selected) {
      const s = newStepSeries(series.labels, this.nSteps, false);
      const cur = new IteratorCursor(series.iterator(), this.ctx);
      let any = false;
      for (let i = 0; i < this.nSteps; i++) {
        const d = (at ?? this.time(i)) - e.offset;
        cur.advance(d - lookback, d + lookback);
        const { ts, vs, lo, hi } = cur;
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
      cur.check();
      if (any) {
        out.push(s);
        // Counted per series so a huge result fails before it is all allocated.
        this.ctx.hold(countPoints([s]));
      }
    }
    return { kind: 'vector', series: out, ordered: false };
  }

  /** For `timestamp(selector)`: the timestamps (s) of the samples an instant selector picks. */
  evalSelectorTimestamps(e: VectorSelector): Promise<VectorValue> {
    return this.instantSelect(e, true);
  }

  /** Selects a matrix selector or evaluates a subquery, giving per-series window cursors. */
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
    const selected = await this.ctx.select(vs, mint, maxt, hints);
    const series: RangeSourceSeries[] = selected.map((s) => ({
      labels: s.labels,
      dropName: false,
      cursor: (scratch) => new IteratorCursor(s.iterator(), this.ctx, scratch),
    }));
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
    const series: RangeSourceSeries[] = [];
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
      series.push({ labels, dropName, cursor: () => new ArrayCursor(ts, out) });
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
      const cur = s.cursor();
      cur.advance(start, end);
      cur.check();
      if (cur.hi > cur.lo)
        out.push({
          labels: s.labels,
          ts: cur.ts.slice(cur.lo, cur.hi),
          vs: cur.vs.slice(cur.lo, cur.hi),
          dropName: s.dropName,
        });
    }
    return out;
  }
}

/** The number of points a value holds. */
function pointsOf(v: EvalValue): number {
  switch (v.kind) {
    case 'scalar':
      return v.vs.length;
    case 'string':
      return 0;
    case 'vector':
      return countPoints(v.series);
    case 'matrix': {
      let n = 0;
      for (const s of v.series) n += s.ts.length;
      return n;
    }
  }
}
