/**
 * Data preparation for the time series panel: series aligned on one time axis (seconds, as
 * the chart wants), stacking (normal or percent, per stacking group) and legend values. DOM-free.
 */
import type { PanelField } from './fields.js';

/** Series aligned on shared x values: `ys[i][j]` is series i at `xs[j]` (null = gap). */
export interface AlignedSeries {
  xs: number[];
  ys: (number | null)[][];
}

/** Aligns series with timestamps in ms onto one sorted axis in seconds. */
export function alignFields(fields: readonly PanelField[]): AlignedSeries {
  const set = new Set<number>();
  for (const f of fields)
    for (let i = 0; i < f.series.timestamps.length; i++) set.add(f.series.timestamps[i]!);
  const sorted = Float64Array.from(set).sort();
  const index = new Map<number, number>();
  sorted.forEach((t, i) => index.set(t, i));
  const ys = fields.map((f) => {
    const col = new Array<number | null>(sorted.length).fill(null);
    const { timestamps, values } = f.series;
    for (let i = 0; i < timestamps.length; i++) {
      const v = values[i]!;
      const at = index.get(timestamps[i]!);
      if (at !== undefined && Number.isFinite(v)) col[at] = v;
    }
    return col;
  });
  return { xs: Array.from(sorted, (t) => t / 1000), ys };
}

/** A stacking mode from `custom.stacking.mode`. */
export type StackMode = 'none' | 'normal' | 'percent';

/** The stacking mode and group of a field. */
export function stackingOf(custom: Record<string, unknown> | undefined): {
  mode: StackMode;
  group: string;
} {
  const s = custom?.['stacking'];
  if (typeof s !== 'object' || s === null) return { mode: 'none', group: 'A' };
  const r = s as Record<string, unknown>;
  const mode = r['mode'] === 'normal' || r['mode'] === 'percent' ? r['mode'] : 'none';
  return { mode, group: typeof r['group'] === 'string' ? r['group'] : 'A' };
}

/**
 * Stacks series in place order: each stacked series becomes the running sum of its group
 * (percent mode divides by the group's total per x). Returns the new columns and, for each
 * series, the index of the series it stacks on (-1 for the first of a group or unstacked).
 * Hidden series (`show[i]` false) neither stack nor get stacked on.
 */
export function stackSeries(
  ys: readonly (readonly (number | null)[])[],
  modes: readonly StackMode[],
  groups: readonly string[],
  show: readonly boolean[],
): { ys: (number | null)[][]; below: number[] } {
  const n = ys[0]?.length ?? 0;
  const out = ys.map((col) => [...col]);
  const below = ys.map(() => -1);
  const last = new Map<string, number>();
  const totals = new Map<string, Float64Array>();
  ys.forEach((col, i) => {
    if (modes[i] !== 'percent' || show[i] === false) return;
    const g = groups[i] ?? 'A';
    let t = totals.get(g);
    if (!t) {
      t = new Float64Array(n);
      totals.set(g, t);
    }
    for (let j = 0; j < n; j++) t[j] = t[j]! + Math.abs(col[j] ?? 0);
  });
  ys.forEach((col, i) => {
    const mode = modes[i] ?? 'none';
    if (mode === 'none' || show[i] === false) return;
    const key = `${mode}:${groups[i] ?? 'A'}`;
    const prev = last.get(key);
    const total = totals.get(groups[i] ?? 'A');
    for (let j = 0; j < n; j++) {
      const v = col[j];
      let x = v ?? null;
      if (x !== null && mode === 'percent') x = total && total[j]! > 0 ? x / total[j]! : 0;
      const base = prev === undefined ? 0 : (out[prev]![j] ?? 0);
      out[i]![j] = x === null ? (prev === undefined ? null : base) : base + x;
    }
    below[i] = prev ?? -1;
    last.set(key, i);
  });
  return { ys: out, below };
}
