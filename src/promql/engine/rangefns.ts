/**
 * Range-vector function kernels: each reads the samples of one series inside one window
 * (`ts[lo..hi)`, `vs[lo..hi)`, staleness markers already removed) and returns the result value,
 * or `undefined` when the window yields no output. Kernels allocate nothing per sample.
 */
import { Kahan, formatFixed6, quantileOfSorted, sortNaNFirst } from './mathutil.js';

/** Per-window context handed to a kernel; one object is reused for all windows. */
export interface WindowCtx {
  /** Evaluation time of the step (ms). */
  evalT: number;
  /** Exclusive window start and inclusive window end (ms), offsets applied. */
  rangeStart: number;
  rangeEnd: number;
  /** The selector's range in ms. */
  rangeMs: number;
  /** Scalar arguments at this step, in argument order without the matrix. */
  args: number[];
  /**
   * Index of the latest counter reset in the window's buffers (see `WindowCursor.lastReset`):
   * a value at or below `lo` proves the window has none. `Infinity` when unknown.
   */
  lastReset: number;
  /** Records a warning/info text produced while computing the window (deduplicated by caller). */
  warn: (text: string) => void;
}

/** A range-function kernel. */
export type RangeKernel = (
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  ctx: WindowCtx,
) => number | undefined;

function extrapolatedRate(
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  ctx: WindowCtx,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  const n = hi - lo;
  if (n < 2) return undefined;
  const firstT = ts[lo]!;
  const lastT = ts[hi - 1]!;
  const first = vs[lo]!;
  let result = vs[hi - 1]! - first;
  // The cursor tracks the latest reset, so most windows skip the scan; when there is one, the
  // scan adds in the same order as always.
  if (isCounter && ctx.lastReset > lo) {
    for (let i = lo + 1; i < hi; i++) {
      const prev = vs[i - 1]!;
      if (vs[i]! < prev) result += prev;
    }
  }
  let durationToStart = (firstT - ctx.rangeStart) / 1000;
  let durationToEnd = (ctx.rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const avg = sampledInterval / (n - 1);
  const threshold = avg * 1.1;
  if (durationToStart >= threshold) durationToStart = avg / 2;
  if (isCounter) {
    let durationToZero = durationToStart;
    if (result > 0 && first >= 0) durationToZero = sampledInterval * (first / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = avg / 2;
  let factor = 1;
  if (sampledInterval !== 0)
    factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= ctx.rangeMs / 1000;
  return result * factor;
}

function instantValue(
  ts: Float64Array,
  vs: Float64Array,
  hi: number,
  n: number,
  isRate: boolean,
): number | undefined {
  if (n < 2) return undefined;
  const t0 = ts[hi - 2]!;
  const t1 = ts[hi - 1]!;
  const v0 = vs[hi - 2]!;
  const v1 = vs[hi - 1]!;
  const interval = t1 - t0;
  if (interval === 0) return undefined;
  let r = v1;
  if (!isRate || !(v1 < v0)) r = v1 - v0;
  if (isRate) r /= interval / 1000;
  return r;
}

/** Least-squares slope and intercept of the window, x in seconds relative to `interceptT`. */
function linearRegression(
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  interceptT: number,
): [number, number] {
  let n = 0;
  const kx = new Kahan(),
    ky = new Kahan(),
    kxy = new Kahan(),
    kx2 = new Kahan();
  const initY = vs[lo]!;
  let constY = true;
  for (let i = lo; i < hi; i++) {
    const y = vs[i]!;
    if (constY && i > lo && y !== initY) constY = false;
    n++;
    const x = (ts[i]! - interceptT) / 1000;
    kx.add(x);
    ky.add(y);
    kxy.add(x * y);
    kx2.add(x * x);
  }
  if (constY) {
    if (initY === Infinity || initY === -Infinity) return [NaN, NaN];
    return [0, initY];
  }
  const sumX = kx.sum + kx.c;
  const sumY = ky.sum + ky.c;
  const sumXY = kxy.sum + kxy.c;
  const sumX2 = kx2.sum + kx2.c;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  return [slope, sumY / n - (slope * sumX) / n];
}

function sumOverTime(vs: Float64Array, lo: number, hi: number): number {
  const k = new Kahan();
  for (let i = lo; i < hi; i++) k.add(vs[i]!);
  return k.value();
}

function avgOverTime(vs: Float64Array, lo: number, hi: number): number {
  const k = new Kahan().reset(vs[lo]);
  let count = 1;
  let incremental = false;
  for (let i = lo + 1; i < hi; i++) {
    const v = vs[i]!;
    count = i - lo + 1;
    if (!incremental) {
      const sum = k.sum;
      const c = k.c;
      k.add(v);
      if (k.sum !== Infinity && k.sum !== -Infinity) continue;
      incremental = true;
      k.sum = sum / (count - 1);
      k.c = c / (count - 1);
    }
    const q = (count - 1) / count;
    k.sum *= q;
    k.c *= q;
    k.add(v / count);
  }
  return incremental ? k.sum + k.c : k.sum / count + k.c / count;
}

function variance(vs: Float64Array, lo: number, hi: number): number {
  let count = 0;
  const mean = new Kahan();
  const aux = new Kahan();
  for (let i = lo; i < hi; i++) {
    const v = vs[i]!;
    count++;
    const delta = v - (mean.sum + mean.c);
    mean.add(delta / count);
    aux.add(delta * (v - (mean.sum + mean.c)));
  }
  return (aux.sum + aux.c) / count;
}

function compareOverTime(
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  better: (cur: number, best: number) => boolean,
  returnTs: boolean,
): number | undefined {
  if (hi - lo === 0) return undefined;
  let best = vs[lo]!;
  let bestT = ts[lo]!;
  for (let i = lo; i < hi; i++) {
    if (better(vs[i]!, best)) {
      best = vs[i]!;
      bestT = ts[i]!;
    }
  }
  return returnTs ? bestT / 1000 : best;
}

function windowValues(vs: Float64Array, lo: number, hi: number): Float64Array {
  return vs.slice(lo, hi);
}

function doubleExpSmoothing(
  vs: Float64Array,
  lo: number,
  hi: number,
  ctx: WindowCtx,
): number | undefined {
  const sf = ctx.args[0]!;
  const tf = ctx.args[1]!;
  if (!(sf > 0 && sf < 1))
    throw new RangeFunctionError(
      `invalid smoothing factor. Expected: 0 < sf < 1, got: ${formatFixed6(sf)}`,
    );
  if (!(tf > 0 && tf < 1))
    throw new RangeFunctionError(
      `invalid trend factor. Expected: 0 < tf < 1, got: ${formatFixed6(tf)}`,
    );
  const l = hi - lo;
  if (l < 2) return undefined;
  let s0 = 0;
  let s1 = vs[lo]!;
  let b = vs[lo + 1]! - vs[lo]!;
  for (let i = 1; i < l; i++) {
    const x = sf * vs[lo + i]!;
    if (i - 1 !== 0) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

/** A range function failed in a way that fails the whole query. */
export class RangeFunctionError extends Error {
  override readonly name = 'RangeFunctionError';
}

/** Kernels by function name. */
export const RANGE_KERNELS: ReadonlyMap<string, RangeKernel> = new Map<string, RangeKernel>([
  ['rate', (ts, vs, lo, hi, c) => extrapolatedRate(ts, vs, lo, hi, c, true, true)],
  ['increase', (ts, vs, lo, hi, c) => extrapolatedRate(ts, vs, lo, hi, c, true, false)],
  ['delta', (ts, vs, lo, hi, c) => extrapolatedRate(ts, vs, lo, hi, c, false, false)],
  ['irate', (ts, vs, lo, hi) => instantValue(ts, vs, hi, hi - lo, true)],
  ['idelta', (ts, vs, lo, hi) => instantValue(ts, vs, hi, hi - lo, false)],
  [
    'deriv',
    (ts, vs, lo, hi) => (hi - lo < 2 ? undefined : linearRegression(ts, vs, lo, hi, ts[lo]!)[0]),
  ],
  [
    'predict_linear',
    (ts, vs, lo, hi, c) => {
      if (hi - lo < 2) return undefined;
      const [slope, intercept] = linearRegression(ts, vs, lo, hi, c.evalT);
      return slope * c.args[0]! + intercept;
    },
  ],
  ['sum_over_time', (_ts, vs, lo, hi) => (hi > lo ? sumOverTime(vs, lo, hi) : undefined)],
  ['avg_over_time', (_ts, vs, lo, hi) => (hi > lo ? avgOverTime(vs, lo, hi) : undefined)],
  ['count_over_time', (_ts, _vs, lo, hi) => (hi > lo ? hi - lo : undefined)],
  ['present_over_time', (_ts, _vs, lo, hi) => (hi > lo ? 1 : undefined)],
  ['last_over_time', (_ts, vs, lo, hi) => (hi > lo ? vs[hi - 1]! : undefined)],
  ['first_over_time', (_ts, vs, lo, hi) => (hi > lo ? vs[lo]! : undefined)],
  ['ts_of_last_over_time', (ts, _vs, lo, hi) => (hi > lo ? ts[hi - 1]! / 1000 : undefined)],
  ['ts_of_first_over_time', (ts, _vs, lo, hi) => (hi > lo ? ts[lo]! / 1000 : undefined)],
  [
    'max_over_time',
    (ts, vs, lo, hi) => compareOverTime(ts, vs, lo, hi, (a, b) => a > b || Number.isNaN(b), false),
  ],
  [
    'min_over_time',
    (ts, vs, lo, hi) => compareOverTime(ts, vs, lo, hi, (a, b) => a < b || Number.isNaN(b), false),
  ],
  [
    'ts_of_max_over_time',
    (ts, vs, lo, hi) => compareOverTime(ts, vs, lo, hi, (a, b) => a >= b || Number.isNaN(b), true),
  ],
  [
    'ts_of_min_over_time',
    (ts, vs, lo, hi) => compareOverTime(ts, vs, lo, hi, (a, b) => a <= b || Number.isNaN(b), true),
  ],
  ['stdvar_over_time', (_ts, vs, lo, hi) => (hi > lo ? variance(vs, lo, hi) : undefined)],
  [
    'stddev_over_time',
    (_ts, vs, lo, hi) => (hi > lo ? Math.sqrt(variance(vs, lo, hi)) : undefined),
  ],
  [
    'quantile_over_time',
    (_ts, vs, lo, hi, c) => {
      if (hi === lo) return undefined;
      const q = c.args[0]!;
      const vals = sortNaNFirst(windowValues(vs, lo, hi));
      return quantileOfSorted(q, vals);
    },
  ],
  [
    'mad_over_time',
    (_ts, vs, lo, hi) => {
      if (hi === lo) return undefined;
      for (let i = lo; i < hi; i++) if (Number.isNaN(vs[i]!)) return NaN;
      const vals = sortNaNFirst(windowValues(vs, lo, hi));
      const median = quantileOfSorted(0.5, vals);
      for (let i = 0; i < vals.length; i++) vals[i] = Math.abs(vals[i]! - median);
      sortNaNFirst(vals);
      return quantileOfSorted(0.5, vals);
    },
  ],
  [
    'changes',
    (_ts, vs, lo, hi) => {
      if (hi === lo) return undefined;
      let n = 0;
      for (let i = lo + 1; i < hi; i++) {
        const p = vs[i - 1]!;
        const v = vs[i]!;
        if (v !== p && !(Number.isNaN(v) && Number.isNaN(p))) n++;
      }
      return n;
    },
  ],
  [
    'resets',
    (_ts, vs, lo, hi) => {
      if (hi === lo) return undefined;
      let n = 0;
      for (let i = lo + 1; i < hi; i++) if (vs[i]! < vs[i - 1]!) n++;
      return n;
    },
  ],
  ['double_exponential_smoothing', (_ts, vs, lo, hi, c) => doubleExpSmoothing(vs, lo, hi, c)],
  ['absent_over_time', (_ts, _vs, lo, hi) => (hi > lo ? 1 : undefined)],
]);

/** Range functions whose output keeps the metric name (they act like an offset). */
export const KEEPS_NAME: ReadonlySet<string> = new Set(['last_over_time', 'first_over_time']);
