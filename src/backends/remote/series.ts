/**
 * Turning decoded remote answers into a series set that honours the seam's contract: samples
 * in strictly increasing timestamp order (one per timestamp), exactly inside the requested
 * range, series without samples dropped, external labels removed, label order when sorted.
 */
import { Labels, compareLabels } from '../../model/index.js';
import { ListSeries, ListSeriesSet, type Series, type SeriesSet } from '../../storage/index.js';
import type { RawSeries } from './proto.js';

/**
 * Builds the series set of one select. `strip` names the external labels to remove. Takes the
 * decoded arrays over (they are re-sorted in place when needed).
 */
export function buildSeriesSet(
  raw: readonly RawSeries[],
  mint: number,
  maxt: number,
  strip: readonly string[],
  limit: number,
  warnings: readonly string[] = [],
): SeriesSet {
  const byKey = new Map<string, ListSeries>();
  for (const r of raw) {
    let labels = Labels.fromFlatUnsorted(r.labels);
    if (strip.length > 0) labels = labels.without(...strip);
    if (labels.size === 0) continue;
    const s = window(r, mint, maxt);
    if (!s) continue;
    const key = labels.toString();
    const prev = byKey.get(key);
    byKey.set(key, prev ? mergeTwo(labels, prev, s.ts, s.vs) : new ListSeries(labels, s.ts, s.vs));
  }
  const list: Series[] = [...byKey.values()].sort((a, b) => compareLabels(a.labels, b.labels));
  if (limit > 0 && list.length > limit) list.length = limit;
  return new ListSeriesSet(list, warnings);
}

/** A labels-only series set (for `func: 'series'` selects): iterators are empty. */
export function labelsOnlySeriesSet(
  flats: readonly string[][],
  strip: readonly string[],
  limit: number,
): SeriesSet {
  const empty = new Float64Array(0);
  const byKey = new Map<string, ListSeries>();
  for (const f of flats) {
    let labels = Labels.fromFlatUnsorted(f);
    if (strip.length > 0) labels = labels.without(...strip);
    if (labels.size > 0) byKey.set(labels.toString(), new ListSeries(labels, empty, empty));
  }
  const list: Series[] = [...byKey.values()].sort((a, b) => compareLabels(a.labels, b.labels));
  if (limit > 0 && list.length > limit) list.length = limit;
  return new ListSeriesSet(list);
}

/**
 * Sorts the samples by time when needed, keeps the first value per timestamp, and cuts them to
 * [mint, maxt]. Undefined when nothing is left.
 */
function window(
  r: RawSeries,
  mint: number,
  maxt: number,
): { ts: Float64Array; vs: Float64Array } | undefined {
  let ts = r.ts.subarray(0, r.n);
  let vs = r.vs.subarray(0, r.n);
  let sorted = true;
  for (let i = 1; i < ts.length; i++) {
    if (ts[i]! <= ts[i - 1]!) {
      sorted = false;
      break;
    }
  }
  if (!sorted) ({ ts, vs } = sortDedup(ts, vs));
  let lo = 0;
  while (lo < ts.length && ts[lo]! < mint) lo++;
  let hi = ts.length;
  while (hi > lo && ts[hi - 1]! > maxt) hi--;
  if (hi <= lo) return undefined;
  return { ts: ts.subarray(lo, hi), vs: vs.subarray(lo, hi) };
}

function sortDedup(ts: Float64Array, vs: Float64Array): { ts: Float64Array; vs: Float64Array } {
  const idx = new Uint32Array(ts.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  // Stable by index; the first of equal timestamps wins, as in Prometheus, where a later
  // conflicting sample is refused.
  idx.sort((a, b) => ts[a]! - ts[b]! || a - b);
  const ots = new Float64Array(ts.length);
  const ovs = new Float64Array(ts.length);
  let n = 0;
  for (const i of idx) {
    if (n > 0 && ots[n - 1] === ts[i]) continue;
    ots[n] = ts[i]!;
    ovs[n] = vs[i]!;
    n++;
  }
  return { ts: ots.subarray(0, n), vs: ovs.subarray(0, n) };
}

function mergeTwo(labels: Labels, a: ListSeries, ts: Float64Array, vs: Float64Array): ListSeries {
  const all = new Float64Array(a.ts.length + ts.length);
  all.set(a.ts);
  all.set(ts, a.ts.length);
  const allV = new Float64Array(all.length);
  allV.set(a.vs);
  allV.set(vs, a.vs.length);
  const m = sortDedup(all, allV);
  return new ListSeries(labels, m.ts, m.vs);
}
