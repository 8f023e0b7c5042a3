/**
 * Series-major accumulation for the simple aggregations (`sum`, `avg`, `count`, `min`, `max`,
 * `group`, `stddev`, `stdvar`). Each input series is folded into its group's per-step state in
 * one pass, so the inner loop runs over contiguous typed arrays instead of touching every series
 * at every step. For each (group, step) the input series are visited in the same order as a
 * step-by-step evaluation would, so compensated sums are bit-identical to it.
 */
import type { StepSeries } from './value.js';

/** The aggregations `SeriesAccumulator` handles. */
export type SimpleAggOp = 'sum' | 'avg' | 'count' | 'min' | 'max' | 'group' | 'stddev' | 'stdvar';

/** Whether `op` can be accumulated series by series. */
export function isSimpleAggOp(op: string): op is SimpleAggOp {
  return (
    op === 'sum' ||
    op === 'avg' ||
    op === 'count' ||
    op === 'min' ||
    op === 'max' ||
    op === 'group' ||
    op === 'stddev' ||
    op === 'stdvar'
  );
}

/**
 * Folds series into per-group step series. The running value lives in each output's `vs` and
 * its presence in `has`; auxiliary state (compensation, counts, means) in flat arrays indexed
 * `group * steps + step`.
 */
export class SeriesAccumulator {
  private readonly comp: Float64Array;
  private readonly cnt: Float64Array;
  private readonly mean: Float64Array;
  private readonly incr: Uint8Array;

  constructor(
    private readonly op: SimpleAggOp,
    private readonly out: readonly StepSeries[],
    private readonly n: number,
  ) {
    const size =
      op === 'avg' || op === 'sum' || op === 'stddev' || op === 'stdvar' ? out.length * n : 0;
    this.comp = new Float64Array(op === 'sum' || op === 'avg' ? size : 0);
    this.cnt = new Float64Array(op === 'avg' || op === 'stddev' || op === 'stdvar' ? size : 0);
    this.mean = new Float64Array(op === 'stddev' || op === 'stdvar' ? size : 0);
    this.incr = new Uint8Array(op === 'avg' ? size : 0);
  }

  /** Adds the points of one series (`vs` where `has` is 1) to group `g`. */
  add(g: number, vsIn: Float64Array, hasIn: Uint8Array, dropName: boolean): void {
    const o = this.out[g]!;
    const n = this.n;
    const vs = o.vs;
    const has = o.has;
    const base = g * n;
    let any = false;
    switch (this.op) {
      case 'sum': {
        const comp = this.comp;
        for (let i = 0; i < n; i++) {
          if (!hasIn[i]) continue;
          any = true;
          const f = vsIn[i]!;
          if (!has[i]) {
            has[i] = 1;
            vs[i] = f;
            comp[base + i] = 0;
            continue;
          }
          kahanAdd(vs, comp, i, base + i, f);
        }
        break;
      }
      case 'avg':
        any = this.addAvg(base, vs, has, vsIn, hasIn);
        break;
      case 'count':
        for (let i = 0; i < n; i++) {
          if (!hasIn[i]) continue;
          any = true;
          if (!has[i]) {
            has[i] = 1;
            vs[i] = 1;
          } else vs[i]!++;
        }
        break;
      case 'group':
        for (let i = 0; i < n; i++) {
          if (!hasIn[i]) continue;
          any = true;
          has[i] = 1;
          vs[i] = 1;
        }
        break;
      case 'max':
        for (let i = 0; i < n; i++) {
          if (!hasIn[i]) continue;
          any = true;
          const f = vsIn[i]!;
          if (!has[i]) {
            has[i] = 1;
            vs[i] = f;
          } else if (vs[i]! < f || Number.isNaN(vs[i]!)) vs[i] = f;
        }
        break;
      case 'min':
        for (let i = 0; i < n; i++) {
          if (!hasIn[i]) continue;
          any = true;
          const f = vsIn[i]!;
          if (!has[i]) {
            has[i] = 1;
            vs[i] = f;
          } else if (vs[i]! > f || Number.isNaN(vs[i]!)) vs[i] = f;
        }
        break;
      case 'stddev':
      case 'stdvar':
        any = this.addStd(base, vs, has, vsIn, hasIn);
        break;
    }
    if (any && dropName) o.dropName = true;
  }

  private addAvg(
    base: number,
    vs: Float64Array,
    has: Uint8Array,
    vsIn: Float64Array,
    hasIn: Uint8Array,
  ): boolean {
    const { comp, cnt, incr } = this;
    let any = false;
    for (let i = 0; i < this.n; i++) {
      if (!hasIn[i]) continue;
      any = true;
      const f = vsIn[i]!;
      const j = base + i;
      if (!has[i]) {
        has[i] = 1;
        vs[i] = f;
        comp[j] = 0;
        cnt[j] = 1;
        incr[j] = 0;
        continue;
      }
      const c = ++cnt[j]!;
      if (!incr[j]) {
        const sum = vs[i]!;
        const cp = comp[j]!;
        kahanAdd(vs, comp, i, j, f);
        if (vs[i] !== Infinity && vs[i] !== -Infinity) continue;
        incr[j] = 1;
        vs[i] = sum / (c - 1);
        comp[j] = cp / (c - 1);
      }
      const q = (c - 1) / c;
      vs[i]! *= q;
      comp[j]! *= q;
      kahanAdd(vs, comp, i, j, f / c);
    }
    return any;
  }

  private addStd(
    base: number,
    vs: Float64Array,
    has: Uint8Array,
    vsIn: Float64Array,
    hasIn: Uint8Array,
  ): boolean {
    const { cnt, mean } = this;
    let any = false;
    for (let i = 0; i < this.n; i++) {
      if (!hasIn[i]) continue;
      any = true;
      const f = vsIn[i]!;
      const j = base + i;
      if (!has[i]) {
        has[i] = 1;
        vs[i] = Number.isFinite(f) ? 0 : NaN;
        mean[j] = f;
        cnt[j] = 1;
        continue;
      }
      if (!Number.isFinite(f)) vs[i] = NaN;
      else {
        const c = ++cnt[j]!;
        const delta = f - mean[j]!;
        mean[j]! += delta / c;
        vs[i]! += delta * (f - mean[j]!);
      }
    }
    return any;
  }

  /** Turns the running state into the aggregation's values. */
  finish(): void {
    const n = this.n;
    for (let g = 0; g < this.out.length; g++) {
      const { vs, has } = this.out[g]!;
      const base = g * n;
      switch (this.op) {
        case 'sum':
          for (let i = 0; i < n; i++) {
            if (!has[i]) continue;
            const s = vs[i]!;
            if (s !== Infinity && s !== -Infinity) vs[i] = s + this.comp[base + i]!;
          }
          break;
        case 'avg':
          for (let i = 0; i < n; i++) {
            if (!has[i]) continue;
            const j = base + i;
            const c = this.cnt[j]!;
            if (c === 1) continue;
            const s = vs[i]!;
            vs[i] = this.incr[j] ? s + this.comp[j]! : s / c + this.comp[j]! / c;
          }
          break;
        case 'stdvar':
        case 'stddev':
          for (let i = 0; i < n; i++) {
            if (!has[i]) continue;
            const r = vs[i]! / this.cnt[base + i]!;
            vs[i] = this.op === 'stddev' ? Math.sqrt(r) : r;
          }
          break;
        default:
          break;
      }
    }
  }
}

/** Kahan–Neumaier step on `vs[i]` with compensation `comp[j]` (see `Kahan.add`). */
function kahanAdd(vs: Float64Array, comp: Float64Array, i: number, j: number, inc: number): void {
  const s = vs[i]!;
  const t = s + inc;
  if (t === Infinity || t === -Infinity) comp[j] = 0;
  else if (Math.abs(s) >= Math.abs(inc)) comp[j]! += s - t + inc;
  else comp[j]! += inc - t + s;
  vs[i] = t;
}
