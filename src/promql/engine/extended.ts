/**
 * Anchored and smoothed range windows (experimental `foo[5m] anchored`, `foo[5m] smoothed`): the
 * window also holds samples up to one lookback delta outside the range, and values at the range
 * boundaries are picked or interpolated instead of extrapolated.
 */
import { RANGE_KERNELS, type WindowCtx } from './rangefns.js';

/** Functions that accept the `anchored` modifier. */
export const ANCHORED_SAFE: readonly string[] = ['changes', 'delta', 'increase', 'rate', 'resets'];
/** Functions that accept the `smoothed` modifier. */
export const SMOOTHED_SAFE: readonly string[] = ['delta', 'increase', 'rate'];

/** Linear interpolation at t; a counter that reset between the points restarts from 0. */
export function interpolate(
  t1: number,
  v1: number,
  t2: number,
  v2: number,
  t: number,
  isCounter: boolean,
): number {
  const y1 = isCounter && v2 < v1 ? 0 : v1;
  return y1 + ((v2 - y1) * (t - t1)) / (t2 - t1);
}

/** First index in [lo, hi) whose timestamp satisfies `pred`, or hi. */
function searchTs(ts: Float64Array, lo: number, hi: number, pred: (t: number) => boolean): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (pred(ts[m]!)) b = m;
    else a = m + 1;
  }
  return a;
}

/**
 * `rate`/`increase`/`delta` over an anchored or smoothed window: the window [lo, hi) also holds
 * samples up to one lookback before the range (and after it when smoothed); no extrapolation.
 */
export function extendedRate(
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  ctx: WindowCtx,
  smoothed: boolean,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  const { rangeStart, rangeEnd } = ctx;
  let last = hi - 1;
  let first = Math.max(lo, searchTs(ts, lo, last, (t) => t > rangeStart) - 1);
  if (smoothed) last = searchTs(ts, lo, last, (t) => t >= rangeEnd);
  if (ts[last]! <= rangeStart) return undefined;
  if (smoothed && ts[first]! > rangeEnd) return undefined;
  const left =
    smoothed && ts[first]! < rangeStart
      ? interpolate(ts[first]!, vs[first]!, ts[first + 1]!, vs[first + 1]!, rangeStart, isCounter)
      : vs[first]!;
  const right =
    smoothed && last > lo && ts[last]! > rangeEnd
      ? interpolate(ts[last - 1]!, vs[last - 1]!, ts[last]!, vs[last]!, rangeEnd, isCounter)
      : vs[last]!;
  let result = right - left;
  if (isCounter) {
    if (ts[first]! <= rangeStart) first++;
    if (ts[last]! >= rangeEnd) last--;
    let prev = left;
    for (let i = first; i <= last; i++) {
      if (vs[i]! < prev) result += prev;
      prev = vs[i]!;
    }
    if (right < prev) result += prev;
  }
  if (isRate) result /= ctx.rangeMs / 1000;
  return result;
}

/** For anchored `changes`/`resets`: the index to start from (the last sample at or before the range), or -1. */
export function anchoredFirst(
  ts: Float64Array,
  lo: number,
  hi: number,
  rangeStart: number,
): number {
  const lastLE = searchTs(ts, lo, hi, (t) => t > rangeStart) - 1;
  if (lastLE + 1 >= hi) return -1;
  return lastLE < lo ? lo : lastLE;
}

/** Runs a range function over an anchored or smoothed window. */
export function extendedKernel(
  name: string,
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  ctx: WindowCtx,
  smoothed: boolean,
): number | undefined {
  switch (name) {
    case 'rate':
      return extendedRate(ts, vs, lo, hi, ctx, smoothed, true, true);
    case 'increase':
      return extendedRate(ts, vs, lo, hi, ctx, smoothed, true, false);
    case 'delta':
      return extendedRate(ts, vs, lo, hi, ctx, smoothed, false, false);
    default: {
      const first = anchoredFirst(ts, lo, hi, ctx.rangeStart);
      if (first < 0) return undefined;
      return RANGE_KERNELS.get(name)!(ts, vs, first, hi, ctx);
    }
  }
}
