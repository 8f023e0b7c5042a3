/**
 * The engine's internal values. An instant vector is evaluated over all steps at once: each
 * series holds one dense typed array of values with a presence mask, so evaluation allocates per
 * series, never per sample. Native histograms, once the storage seam carries them, fit beside
 * `vs` as a per-step array of histogram references with their own presence mask.
 */
import { Labels } from '../../model/index.js';

/** One series of an instant vector evaluated over the steps of the current evaluator. */
export interface StepSeries {
  labels: Labels;
  /** Value at each step; meaningful only where `has` is 1. */
  vs: Float64Array;
  /** 1 where the series has a point at that step. */
  has: Uint8Array;
  /** Whether the metric name is to be removed at the end (delayed name removal). */
  dropName: boolean;
}

/** Samples of one series as a range: timestamps (ms) and values, staleness markers removed. */
export interface RangeSeries {
  labels: Labels;
  ts: Float64Array;
  vs: Float64Array;
  dropName: boolean;
}

/** The value of an expression over all steps. */
export type EvalValue =
  | { kind: 'scalar'; vs: Float64Array }
  | { kind: 'string'; v: string }
  | { kind: 'vector'; series: StepSeries[]; ordered: boolean }
  | { kind: 'matrix'; series: RangeSeries[] };

/** A vector value. */
export type VectorValue = Extract<EvalValue, { kind: 'vector' }>;

/** Makes an empty step series. */
export function newStepSeries(labels: Labels, n: number, dropName: boolean): StepSeries {
  return { labels, vs: new Float64Array(n), has: new Uint8Array(n), dropName };
}

/**
 * Hands out step series whose arrays are views into shared slabs, so a vector of many series
 * costs a few allocations instead of two per series. `take` returns a clean series; unless
 * `keep` is called before the next `take`, the same slot (still clean if nothing was marked
 * present) is handed out again.
 */
export class StepSlab {
  private vs = new Float64Array(0);
  private has = new Uint8Array(0);
  private used = 0;
  private slots = 0;
  private pending = false;

  constructor(
    private readonly n: number,
    private readonly expected: number,
    private readonly maxSlots = 256,
  ) {}

  /** A series with all points absent (and zero values). */
  take(labels: Labels, dropName: boolean): StepSeries {
    if (!this.pending) {
      if (this.used === this.slots) {
        this.slots = Math.max(1, Math.min(this.maxSlots, this.expected));
        this.vs = new Float64Array(this.slots * this.n);
        this.has = new Uint8Array(this.slots * this.n);
        this.used = 0;
      }
      this.pending = true;
    }
    const a = this.used * this.n;
    const b = a + this.n;
    return { labels, vs: this.vs.subarray(a, b), has: this.has.subarray(a, b), dropName };
  }

  /** Keeps the last series taken; the next `take` uses a new slot. */
  keep(): void {
    this.pending = false;
    this.used++;
  }
}

/** The number of points a vector holds (for the sample limit). */
export function countPoints(series: readonly StepSeries[]): number {
  let n = 0;
  for (const s of series) for (let i = 0; i < s.has.length; i++) n += s.has[i]!;
  return n;
}

/** The labels that describe what a metric is; dropping the name drops them all. */
export const METADATA_LABELS: readonly string[] = ['__name__', '__type__', '__unit__'];

/**
 * The labels without the metadata labels (`__name__`, `__type__`, `__unit__`): the same set as
 * `labels.without(...METADATA_LABELS)`, built by filtering the sorted pairs (no builder, no
 * sort); the labels themselves when they have none of them.
 */
export function dropMetadata(labels: Labels): Labels {
  const f = labels.flat;
  let k = -1;
  for (let i = 0; i < f.length; i += 2) {
    const n = f[i]!;
    if (n === '__name__' || n === '__type__' || n === '__unit__') {
      k = i;
      break;
    }
  }
  if (k < 0) return labels;
  const out = f.slice(0, k);
  for (let i = k + 2; i < f.length; i += 2) {
    const n = f[i]!;
    if (n !== '__name__' && n !== '__type__' && n !== '__unit__') out.push(n, f[i + 1]!);
  }
  return Labels.fromSortedFlat(out);
}

/** Whether two label sets have the same values (or absence) of the metadata labels. */
export function sameMetadata(a: Labels, b: Labels): boolean {
  return (
    a.get('__name__') === b.get('__name__') &&
    a.get('__type__') === b.get('__type__') &&
    a.get('__unit__') === b.get('__unit__')
  );
}
