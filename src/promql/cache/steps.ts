/**
 * Step-aligned result data of range queries: `CachedRange` holds per-series values at the steps
 * `start, start + step, …` (what the cache keeps), and `StepGrid` assembles one request's answer
 * from cached steps and freshly evaluated parts.
 */
import type { Labels } from '../../model/index.js';
import type { MatrixSeries } from '../engine/types.js';

/** One series' values at consecutive steps; `has[i]` tells whether step `i` has a point. */
export interface StepValues {
  readonly labels: Labels;
  /** Values (bits preserved), parallel to `has`. */
  readonly vs: Float64Array;
  readonly has: Uint8Array;
}

/** Rough bytes of bookkeeping per series (objects, map entries, array headers). */
const SERIES_OVERHEAD_BYTES = 160;
/** Rough bytes of bookkeeping per range. */
const RANGE_OVERHEAD_BYTES = 200;

/** The cache key of a label set: unambiguous for any label text. */
export function labelsKey(labels: Labels): string {
  return JSON.stringify(labels.flat);
}

/**
 * Immutable per-series step values of `n` consecutive steps from `start` (ms). Every series has
 * at least one point; series are sorted by labels. `bytes` estimates its memory.
 */
export class CachedRange {
  readonly bytes: number;

  constructor(
    readonly start: number,
    readonly step: number,
    readonly n: number,
    readonly series: readonly StepValues[],
  ) {
    let b = RANGE_OVERHEAD_BYTES;
    for (const s of series) {
      b += SERIES_OVERHEAD_BYTES + s.vs.byteLength + s.has.byteLength;
      for (const x of s.labels.flat) b += 2 * x.length + 16;
    }
    this.bytes = b;
  }

  /** Timestamp of the last step. */
  get end(): number {
    return this.start + (this.n - 1) * this.step;
  }

  /**
   * The answer for the `count` steps from `from` (a step of this range; the steps must lie
   * inside it), shaped as the engine's: series with points only, sorted by labels.
   */
  matrix(from: number, count: number): MatrixSeries[] {
    const off = Math.round((from - this.start) / this.step);
    if (off < 0 || off + count > this.n) throw new Error('BUG: steps outside the cached range');
    const out: MatrixSeries[] = [];
    for (const s of this.series) {
      const has = s.has;
      let k = 0;
      for (let i = off; i < off + count; i++) k += has[i]!;
      if (k === 0) continue;
      const ts = new Float64Array(k);
      const vs = new Float64Array(k);
      let j = 0;
      for (let i = 0; i < count; i++) {
        if (has[off + i] !== 1) continue;
        ts[j] = from + i * this.step;
        vs[j] = s.vs[off + i]!;
        j++;
      }
      out.push({ labels: s.labels, ts, vs });
    }
    return out;
  }

  /** The steps before `t` (ms), or undefined when none is left. */
  before(t: number): CachedRange | undefined {
    const keep = stepsBefore(this.start, this.step, t, this.n);
    if (keep === this.n) return this;
    if (keep <= 0) return undefined;
    return sliceSeries(this.start, this.step, this.series, 0, keep);
  }
}

/** How many of the `n` steps from `start` lie strictly before `t`. */
export function stepsBefore(start: number, step: number, t: number, n: number): number {
  if (t === Infinity) return n;
  if (!(t > start)) return 0;
  return Math.min(n, Math.ceil((t - start) / step));
}

/** Steps `[from, to)` of `series` as a range (series without points there are left out). */
function sliceSeries(
  start: number,
  step: number,
  series: readonly StepValues[],
  from: number,
  to: number,
): CachedRange | undefined {
  const out: StepValues[] = [];
  for (const s of series) {
    let any = false;
    for (let i = from; i < to; i++)
      if (s.has[i] === 1) {
        any = true;
        break;
      }
    if (!any) continue;
    out.push({ labels: s.labels, vs: s.vs.slice(from, to), has: s.has.slice(from, to) });
  }
  out.sort((a, b) => a.labels.compare(b.labels));
  return out.length === 0 ? undefined : new CachedRange(start + from * step, step, to - from, out);
}

/**
 * The answer to one range request (steps `start + i*step`, `i < n`), assembled from parts that
 * each cover some of its steps. Parts must not disagree: a step is filled by one part only.
 */
export class StepGrid {
  private readonly byKey = new Map<string, StepValues>();

  constructor(
    readonly start: number,
    readonly step: number,
    readonly n: number,
  ) {}

  private row(labels: Labels): StepValues {
    const k = labelsKey(labels);
    let r = this.byKey.get(k);
    if (r === undefined) {
      r = { labels, vs: new Float64Array(this.n), has: new Uint8Array(this.n) };
      this.byKey.set(k, r);
    }
    return r;
  }

  /**
   * Adds the points of an engine's matrix answer. Their timestamps must be steps of the grid at
   * or after its start; points after its last step are left out (a grid may keep only a head).
   */
  addMatrix(series: readonly MatrixSeries[]): void {
    for (const s of series) {
      let r: StepValues | undefined;
      for (let j = 0; j < s.ts.length; j++) {
        const i = Math.round((s.ts[j]! - this.start) / this.step);
        if (i < 0) throw new Error(`BUG: point at ${s.ts[j]} is before the step grid`);
        if (i >= this.n) break;
        r ??= this.row(s.labels);
        r.vs[i] = s.vs[j]!;
        r.has[i] = 1;
      }
    }
  }

  /** Adds the cached steps that fall inside the grid (the range must share its alignment). */
  addCached(c: CachedRange): void {
    const off = Math.round((c.start - this.start) / this.step);
    const from = Math.max(0, -off);
    const to = Math.min(c.n, this.n - off);
    for (const s of c.series) {
      let any = false;
      for (let i = from; i < to; i++)
        if (s.has[i] === 1) {
          any = true;
          break;
        }
      if (!any) continue;
      const r = this.row(s.labels);
      for (let i = from; i < to; i++) {
        if (s.has[i] !== 1) continue;
        r.vs[i + off] = s.vs[i]!;
        r.has[i + off] = 1;
      }
    }
  }

  /** The answer as the engine shapes it: series with points only, sorted by labels. */
  toMatrix(): MatrixSeries[] {
    const out: MatrixSeries[] = [];
    for (const r of this.byKey.values()) {
      let n = 0;
      for (let i = 0; i < this.n; i++) n += r.has[i]!;
      if (n === 0) continue;
      const ts = new Float64Array(n);
      const vs = new Float64Array(n);
      let j = 0;
      for (let i = 0; i < this.n; i++) {
        if (r.has[i] !== 1) continue;
        ts[j] = this.start + i * this.step;
        vs[j] = r.vs[i]!;
        j++;
      }
      out.push({ labels: r.labels, ts, vs });
    }
    out.sort((a, b) => a.labels.compare(b.labels));
    return out;
  }

  /** The first `count` steps as a cached range (undefined when no series has a point there). */
  head(count: number): CachedRange | undefined {
    if (count <= 0) return undefined;
    return sliceSeries(this.start, this.step, [...this.byKey.values()], 0, Math.min(count, this.n));
  }
}
