/**
 * State bands for the state timeline panel: runs of equal values merged into one band that
 * lasts until the next different sample; missing samples end a band. DOM-free.
 */
import type { SeriesData } from './types.js';

/** A band of one value: `[start, end)` in ms. `value` null means no data. */
export interface StateBand {
  start: number;
  end: number;
  value: number | null;
}

/**
 * The bands of one series. A band's end is the next sample's time; the last one lasts one
 * step (the smallest sample spacing) or until `rangeEnd`, whichever comes first.
 */
export function stateBands(s: SeriesData, rangeEnd: number, merge = true): StateBand[] {
  const { timestamps: ts, values: vs } = s;
  const n = ts.length;
  if (n === 0) return [];
  let step = Infinity;
  for (let i = 1; i < n; i++) step = Math.min(step, ts[i]! - ts[i - 1]!);
  // A single sample lasts until the end of the range (at least a millisecond, to stay visible).
  if (!Number.isFinite(step) || step <= 0) step = Math.max(1, rangeEnd - ts[0]!);
  const out: StateBand[] = [];
  for (let i = 0; i < n; i++) {
    const raw = vs[i]!;
    const value = Number.isNaN(raw) ? null : raw;
    const start = ts[i]!;
    // A gap of more than a step and a half means the series was absent in between.
    const next = i + 1 < n ? ts[i + 1]! : Math.max(start + 1, Math.min(rangeEnd, start + step));
    const end = next - start > step * 1.5 ? start + step : next;
    const prev = out[out.length - 1];
    if (merge && prev && prev.value === value && prev.end === start) prev.end = end;
    else out.push({ start, end, value });
  }
  return out.filter((b) => b.value !== null && b.end > b.start);
}
