/**
 * Heatmap data from classic Prometheus histograms: series with an `le` label hold cumulative
 * counts per upper bound; a heatmap needs the count in each bucket. Series that share a bound
 * are summed. Series without `le` are bucketed by value instead. DOM-free.
 */
import type { SeriesData } from './types.js';

/** Heatmap cells: `counts[t * buckets + b]` is the count of bucket b at time t (NaN if absent). */
export interface HeatmapData {
  /** Column times in ms, ascending. */
  times: Float64Array;
  /** Upper bounds of the buckets, ascending (the last may be +Inf). */
  bounds: Float64Array;
  /** Lower bound of the first bucket (0 for histograms, the minimum for bucketed values). */
  firstLower: number;
  counts: Float64Array;
  /** The largest count, for the colour scale. */
  maxCount: number;
}

/** Parses an `le` label value (`+Inf`, `0.5`, `1e3`); NaN when it is not a number. */
export function parseLe(le: string): number {
  if (le === '+Inf' || le === 'Inf' || le === 'inf') return Infinity;
  return le.trim() === '' ? NaN : Number(le);
}

function unionTimes(series: readonly SeriesData[]): Float64Array {
  const set = new Set<number>();
  for (const s of series) for (let i = 0; i < s.timestamps.length; i++) set.add(s.timestamps[i]!);
  return Float64Array.from(set).sort();
}

/** Whether the series look like classic histogram buckets (all have a numeric `le`). */
export function isHistogram(series: readonly SeriesData[]): boolean {
  return (
    series.length > 0 &&
    series.every((s) => s.labels['le'] !== undefined && !Number.isNaN(parseLe(s.labels['le'])))
  );
}

/** Per-bucket counts from cumulative `le` series (negative differences, from resets, become 0). */
export function bucketsFromHistogram(series: readonly SeriesData[]): HeatmapData {
  const boundSet = new Set<number>();
  for (const s of series) boundSet.add(parseLe(s.labels['le'] ?? ''));
  const bounds = Float64Array.from(boundSet).sort();
  const times = unionTimes(series);
  const nb = bounds.length;
  const cum = new Float64Array(times.length * nb).fill(NaN);
  const tIndex = new Map<number, number>();
  times.forEach((t, i) => tIndex.set(t, i));
  for (const s of series) {
    const b = bounds.indexOf(parseLe(s.labels['le'] ?? ''));
    for (let i = 0; i < s.timestamps.length; i++) {
      const ti = tIndex.get(s.timestamps[i]!);
      const v = s.values[i]!;
      if (ti === undefined || Number.isNaN(v)) continue;
      const at = ti * nb + b;
      cum[at] = Number.isNaN(cum[at]!) ? v : cum[at]! + v;
    }
  }
  const counts = new Float64Array(cum.length).fill(NaN);
  let maxCount = 0;
  for (let t = 0; t < times.length; t++) {
    let prev = 0;
    for (let b = 0; b < nb; b++) {
      const c = cum[t * nb + b]!;
      if (Number.isNaN(c)) continue;
      const d = Math.max(0, c - prev);
      counts[t * nb + b] = d;
      if (d > maxCount) maxCount = d;
      prev = Math.max(prev, c);
    }
  }
  return { times, bounds, firstLower: 0, counts, maxCount };
}

/** Buckets the values of all series at each time into `n` equal ranges (for non-histogram data). */
export function bucketsFromValues(series: readonly SeriesData[], n = 10): HeatmapData {
  const times = unionTimes(series);
  let min = Infinity;
  let max = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (!Number.isFinite(min))
    return {
      times,
      bounds: new Float64Array(0),
      firstLower: 0,
      counts: new Float64Array(0),
      maxCount: 0,
    };
  if (max === min) max = min + 1;
  const width = (max - min) / n;
  const bounds = new Float64Array(n);
  for (let b = 0; b < n; b++) bounds[b] = min + width * (b + 1);
  const counts = new Float64Array(times.length * n);
  const tIndex = new Map<number, number>();
  times.forEach((t, i) => tIndex.set(t, i));
  let maxCount = 0;
  for (const s of series) {
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      const ti = tIndex.get(s.timestamps[i]!);
      if (!Number.isFinite(v) || ti === undefined) continue;
      const b = Math.min(n - 1, Math.floor((v - min) / width));
      const c = ++counts[ti * n + b]!;
      if (c > maxCount) maxCount = c;
    }
  }
  return { times, bounds, firstLower: min, counts, maxCount };
}

/** Heatmap data from whatever the queries returned. */
export function heatmapFromSeries(series: readonly SeriesData[]): HeatmapData {
  return isHistogram(series) ? bucketsFromHistogram(series) : bucketsFromValues(series);
}
