/** Small numeric helpers shared by functions and aggregations. */

/**
 * A Kahan–Neumaier compensated sum. `add` never allocates; read `sum + c` (or `value()`).
 */
export class Kahan {
  sum = 0;
  c = 0;

  /** Starts over at `sum` with no compensation. */
  reset(sum = 0): this {
    this.sum = sum;
    this.c = 0;
    return this;
  }

  /** Adds `inc` with compensation; an infinite running sum drops the compensation. */
  add(inc: number): void {
    const s = this.sum;
    const t = s + inc;
    if (t === Infinity || t === -Infinity) this.c = 0;
    else if (Math.abs(s) >= Math.abs(inc)) this.c += s - t + inc;
    else this.c += inc - t + s;
    this.sum = t;
  }

  /** The compensated total (the plain sum when it is infinite). */
  value(): number {
    return this.sum === Infinity || this.sum === -Infinity ? this.sum : this.sum + this.c;
  }
}

/** Sorts ascending with NaN first (the order PromQL's quantile uses), in place. */
export function sortNaNFirst(a: Float64Array): Float64Array {
  a.sort(); // numeric, NaN last
  let nan = 0;
  while (nan < a.length && Number.isNaN(a[a.length - 1 - nan]!)) nan++;
  if (nan > 0 && nan < a.length) {
    a.copyWithin(nan, 0, a.length - nan);
    a.fill(NaN, 0, nan);
  }
  return a;
}

/** The φ-quantile of values sorted by `sortNaNFirst`, interpolating between neighbours. */
export function quantileOfSorted(q: number, sorted: Float64Array): number {
  if (sorted.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const n = sorted.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return sorted[lower]! * (1 - weight) + sorted[upper]! * weight;
}

const MIN_NORMAL = 2.2250738585072014e-308;

/** Whether a and b are equal within relative tolerance `eps` (exact near zero). */
export function almostEqual(a: number, b: number, eps: number): boolean {
  if (a === b) return true;
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || Math.abs(a) + Math.abs(b) < MIN_NORMAL) return diff < eps * MIN_NORMAL;
  return diff / Math.min(Math.abs(a) + Math.abs(b), Number.MAX_VALUE) < eps;
}

/** Go's float formatting with `%f` style used in a few error messages (6 decimals). */
export function formatFixed6(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return v.toFixed(6);
}
