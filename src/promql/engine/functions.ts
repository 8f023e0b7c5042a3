/** Function calls: a table of implementations keyed by the registry's names. */
import { Labels } from '../../model/index.js';
import type { Call } from '../parser/index.js';
import { OutCollector } from './binary.js';
import { mergeSameLabels } from './context.js';
import { QueryExecutionError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { evalHistogramQuantile, evalHistogramQuantiles } from './histogram.js';
import { evalInfo } from './info.js';
import {
  absentLabels,
  byLabels,
  byValue,
  labelJoin,
  labelReplace,
  sortInstant,
  stringArg,
} from './labelfns.js';
import { evalRangeCall } from './rangecall.js';
import { RANGE_KERNELS } from './rangefns.js';
import { newStepSeries, type EvalValue, type VectorValue } from './value.js';

type Impl = (ev: Evaluator, call: Call) => Promise<EvalValue>;

const DEG = 180 / Math.PI;

/** Element-wise float functions (they drop the metric name). */
const SIMPLE: ReadonlyMap<string, (v: number) => number> = new Map<string, (v: number) => number>([
  ['abs', Math.abs],
  ['ceil', Math.ceil],
  ['floor', Math.floor],
  ['exp', Math.exp],
  ['sqrt', Math.sqrt],
  ['ln', Math.log],
  ['log2', Math.log2],
  ['log10', Math.log10],
  ['sin', Math.sin],
  ['cos', Math.cos],
  ['tan', Math.tan],
  ['asin', Math.asin],
  ['acos', Math.acos],
  ['atan', Math.atan],
  ['sinh', Math.sinh],
  ['cosh', Math.cosh],
  ['tanh', Math.tanh],
  ['asinh', Math.asinh],
  ['acosh', Math.acosh],
  ['atanh', Math.atanh],
  ['rad', (v) => v / DEG],
  ['deg', (v) => v * DEG],
  ['sgn', (v) => (v < 0 ? -1 : v > 0 ? 1 : v)],
]);

function dateFn(f: (d: Date) => number): (v: number) => number {
  return (v) => f(new Date(Math.trunc(v) * 1000));
}

/** Date functions: of the argument's values (Unix seconds), or of the evaluation time. */
const DATE: ReadonlyMap<string, (v: number) => number> = new Map<string, (v: number) => number>([
  ['day_of_month', dateFn((d) => d.getUTCDate())],
  ['day_of_week', dateFn((d) => d.getUTCDay())],
  [
    'day_of_year',
    dateFn(
      (d) =>
        Math.floor(
          (Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) -
            Date.UTC(d.getUTCFullYear(), 0, 1)) /
            86_400_000,
        ) + 1,
    ),
  ],
  [
    'days_in_month',
    dateFn((d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()),
  ],
  ['hour', dateFn((d) => d.getUTCHours())],
  ['minute', dateFn((d) => d.getUTCMinutes())],
  ['month', dateFn((d) => d.getUTCMonth() + 1)],
  ['year', dateFn((d) => d.getUTCFullYear())],
]);

function mapVector(
  ev: Evaluator,
  v: VectorValue,
  f: (x: number, i: number) => number,
): VectorValue {
  for (const s of v.series) {
    for (let i = 0; i < s.vs.length; i++) if (s.has[i]) s.vs[i] = f(s.vs[i]!, i);
    ev.dropName(s);
  }
  return {
    kind: 'vector',
    series: ev.ctx.opts.delayedNameRemoval ? v.series : mergeSameLabels(v.series),
    ordered: v.ordered,
  };
}

function scalarValue(vs: Float64Array): EvalValue {
  return { kind: 'scalar', vs };
}

const IMPLS = new Map<string, Impl>([
  ['label_replace', labelReplace],
  ['label_join', labelJoin],
  [
    'time',
    (ev) =>
      Promise.resolve(
        scalarValue(Float64Array.from({ length: ev.nSteps }, (_, i) => ev.time(i) / 1000)),
      ),
  ],
  ['pi', (ev) => Promise.resolve(scalarValue(new Float64Array(ev.nSteps).fill(Math.PI)))],
  [
    'start',
    (ev) =>
      Promise.resolve(scalarValue(new Float64Array(ev.nSteps).fill(ev.ctx.opts.start / 1000))),
  ],
  [
    'end',
    (ev) => Promise.resolve(scalarValue(new Float64Array(ev.nSteps).fill(ev.ctx.opts.end / 1000))),
  ],
  [
    'step',
    (ev) => Promise.resolve(scalarValue(new Float64Array(ev.nSteps).fill(ev.ctx.opts.step / 1000))),
  ],
  [
    'range',
    (ev) =>
      Promise.resolve(
        scalarValue(new Float64Array(ev.nSteps).fill((ev.ctx.opts.end - ev.ctx.opts.start) / 1000)),
      ),
  ],
  [
    'vector',
    async (ev, call) => {
      const vs = await ev.evalScalar(call.args[0]!);
      const s = newStepSeries(Labels.EMPTY, ev.nSteps, false);
      s.vs.set(vs);
      s.has.fill(1);
      return { kind: 'vector', series: [s], ordered: false };
    },
  ],
  [
    'scalar',
    async (ev, call) => {
      const v = await ev.evalVector(call.args[0]!);
      const out = new Float64Array(ev.nSteps);
      for (let i = 0; i < out.length; i++) {
        let n = 0;
        let val = NaN;
        for (const s of v.series)
          if (s.has[i]) {
            n++;
            val = s.vs[i]!;
          }
        out[i] = n === 1 ? val : NaN;
      }
      return scalarValue(out);
    },
  ],
  [
    'max_of',
    async (ev, call) => {
      const a = await ev.evalScalar(call.args[0]!);
      const b = await ev.evalScalar(call.args[1]!);
      return scalarValue(a.map((x, i) => Math.max(x, b[i]!)));
    },
  ],
  [
    'min_of',
    async (ev, call) => {
      const a = await ev.evalScalar(call.args[0]!);
      const b = await ev.evalScalar(call.args[1]!);
      return scalarValue(a.map((x, i) => Math.min(x, b[i]!)));
    },
  ],
  [
    'timestamp',
    async (ev, call) => {
      let a = call.args[0]!;
      while (a.type === 'ParenExpr') a = a.expr;
      if (a.type === 'VectorSelector') return ev.evalSelectorTimestamps(a);
      const v = await ev.evalVector(a);
      return mapVector(ev, v, (_x, i) => ev.time(i) / 1000);
    },
  ],
  [
    'absent',
    async (ev, call) => {
      const v = await ev.evalVector(call.args[0]!);
      const s = newStepSeries(absentLabels(call.args[0]!), ev.nSteps, false);
      for (let i = 0; i < ev.nSteps; i++) {
        if (!v.series.some((x) => x.has[i])) {
          s.has[i] = 1;
          s.vs[i] = 1;
        }
      }
      return { kind: 'vector', series: s.has.includes(1) ? [s] : [], ordered: false };
    },
  ],
  [
    'clamp',
    async (ev, call) => {
      const v = await ev.evalVector(call.args[0]!);
      const lo = await ev.evalScalar(call.args[1]!);
      const hi = await ev.evalScalar(call.args[2]!);
      return clamp(ev, v, lo, hi);
    },
  ],
  [
    'clamp_min',
    async (ev, call) => {
      const v = await ev.evalVector(call.args[0]!);
      const lo = await ev.evalScalar(call.args[1]!);
      return clamp(ev, v, lo, new Float64Array(ev.nSteps).fill(Infinity));
    },
  ],
  [
    'clamp_max',
    async (ev, call) => {
      const v = await ev.evalVector(call.args[0]!);
      const hi = await ev.evalScalar(call.args[1]!);
      return clamp(ev, v, new Float64Array(ev.nSteps).fill(-Infinity), hi);
    },
  ],
  [
    'round',
    async (ev, call) => {
      const v = await ev.evalVector(call.args[0]!);
      const to = call.args[1]
        ? await ev.evalScalar(call.args[1])
        : new Float64Array(ev.nSteps).fill(1);
      return mapVector(ev, v, (x, i) => {
        const inv = 1 / to[i]!;
        return Math.floor(x * inv + 0.5) / inv;
      });
    },
  ],
  [
    'sort',
    async (ev, call) => sortInstant(ev, call, await ev.evalVector(call.args[0]!), byValue(false)),
  ],
  [
    'sort_desc',
    async (ev, call) => sortInstant(ev, call, await ev.evalVector(call.args[0]!), byValue(true)),
  ],
  [
    'sort_by_label',
    async (ev, call) =>
      sortInstant(
        ev,
        call,
        await ev.evalVector(call.args[0]!),
        byLabels(call.args.slice(1).map(stringArg), false),
      ),
  ],
  [
    'sort_by_label_desc',
    async (ev, call) =>
      sortInstant(
        ev,
        call,
        await ev.evalVector(call.args[0]!),
        byLabels(call.args.slice(1).map(stringArg), true),
      ),
  ],
  ['histogram_quantile', evalHistogramQuantile],
  ['info', evalInfo],
  ['histogram_quantiles', evalHistogramQuantiles],
]);

function clamp(ev: Evaluator, v: VectorValue, lo: Float64Array, hi: Float64Array): VectorValue {
  for (const s of v.series) {
    for (let i = 0; i < s.vs.length; i++) {
      if (!s.has[i]) continue;
      if (hi[i]! < lo[i]!) s.has[i] = 0;
      else s.vs[i] = Math.max(lo[i]!, Math.min(hi[i]!, s.vs[i]!));
    }
    ev.dropName(s);
  }
  const series = v.series.filter((s) => s.has.includes(1));
  return {
    kind: 'vector',
    series: ev.ctx.opts.delayedNameRemoval ? series : mergeSameLabels(series),
    ordered: v.ordered,
  };
}

/** Functions over native histograms only: with float-only storage they return nothing. */
const NATIVE_ONLY = new Set([
  'histogram_avg',
  'histogram_count',
  'histogram_sum',
  'histogram_stddev',
  'histogram_stdvar',
  'histogram_fraction',
]);

/** Evaluates a function call. */
export async function evalCall(ev: Evaluator, call: Call): Promise<EvalValue> {
  const name = call.func.name;
  if (RANGE_KERNELS.has(name)) return evalRangeCall(ev, call);
  const impl = IMPLS.get(name);
  if (impl) return impl(ev, call);
  const simple = SIMPLE.get(name);
  if (simple) return mapVector(ev, await ev.evalVector(call.args[0]!), simple);
  const date = DATE.get(name);
  if (date) {
    if (call.args.length === 0) {
      const s = newStepSeries(Labels.EMPTY, ev.nSteps, false);
      for (let i = 0; i < ev.nSteps; i++) {
        s.vs[i] = date(ev.time(i) / 1000);
        s.has[i] = 1;
      }
      return { kind: 'vector', series: [s], ordered: false };
    }
    return mapVector(ev, await ev.evalVector(call.args[0]!), date);
  }
  if (NATIVE_ONLY.has(name)) {
    for (const a of call.args) await ev.eval(a);
    return { kind: 'vector', series: [], ordered: false };
  }
  throw new QueryExecutionError(`function ${name} is not supported`);
}

export { OutCollector };
