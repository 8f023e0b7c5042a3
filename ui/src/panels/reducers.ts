/**
 * Reducers ("calcs") that turn a series into one number, with Grafana's ids: stat panels,
 * gauges, bar gauges and legend columns use them. NaN samples count as missing (null). DOM-free.
 */

/** A reducer id and its display name. */
export interface ReducerInfo {
  id: string;
  name: string;
}

/** The reducers offered in editors, Grafana's ids and names. */
export const REDUCERS: readonly ReducerInfo[] = [
  { id: 'lastNotNull', name: 'Last *' },
  { id: 'last', name: 'Last' },
  { id: 'firstNotNull', name: 'First *' },
  { id: 'first', name: 'First' },
  { id: 'mean', name: 'Mean' },
  { id: 'median', name: 'Median' },
  { id: 'max', name: 'Max' },
  { id: 'min', name: 'Min' },
  { id: 'sum', name: 'Total' },
  { id: 'count', name: 'Count' },
  { id: 'range', name: 'Range' },
  { id: 'delta', name: 'Delta' },
  { id: 'step', name: 'Step' },
  { id: 'diff', name: 'Difference' },
  { id: 'diffperc', name: 'Difference percent' },
  { id: 'logmin', name: 'Min (above zero)' },
  { id: 'changeCount', name: 'Change count' },
  { id: 'distinctCount', name: 'Distinct count' },
  { id: 'variance', name: 'Variance' },
  { id: 'stdDev', name: 'StdDev' },
  { id: 'allIsZero', name: 'All zeros' },
  { id: 'allIsNull', name: 'All nulls' },
];

/** Legacy singlestat `valueName` values and old aliases, mapped to current reducer ids. */
const ALIASES: Readonly<Record<string, string>> = {
  avg: 'mean',
  average: 'mean',
  current: 'lastNotNull',
  total: 'sum',
  lastnotnull: 'lastNotNull',
  stddev: 'stdDev',
};

/** The current reducer id for a possibly legacy one. */
export function normalizeReducerId(id: string): string {
  return ALIASES[id] ?? ALIASES[id.toLowerCase()] ?? id;
}

/** The display name of a reducer id (the id itself when unknown). */
export function reducerName(id: string): string {
  const n = normalizeReducerId(id);
  return REDUCERS.find((r) => r.id === n)?.name ?? id;
}

/** Whether a value is present (not NaN). */
function ok(v: number): boolean {
  return !Number.isNaN(v);
}

/**
 * Reduces `values` (with `timestamps` in ms, same length) with a reducer. Returns null when the
 * series has no value to give (empty, all missing, unknown reducer). Percentiles are `pNN`.
 */
export function reduce(
  values: ArrayLike<number>,
  timestamps: ArrayLike<number>,
  calc: string,
): number | null {
  const id = normalizeReducerId(calc);
  const n = values.length;
  const pm = /^p(\d{1,2}(?:\.\d+)?)$/.exec(id);
  if (pm) return percentile(values, Number(pm[1]) / 100);
  switch (id) {
    case 'last':
      return n > 0 && ok(values[n - 1]!) ? values[n - 1]! : null;
    case 'first':
      return n > 0 && ok(values[0]!) ? values[0]! : null;
    case 'lastNotNull':
      for (let i = n - 1; i >= 0; i--) if (ok(values[i]!)) return values[i]!;
      return null;
    case 'firstNotNull':
      for (let i = 0; i < n; i++) if (ok(values[i]!)) return values[i]!;
      return null;
    case 'count':
      return n;
    case 'allIsNull':
      for (let i = 0; i < n; i++) if (ok(values[i]!)) return 0;
      return 1;
    case 'allIsZero':
      for (let i = 0; i < n; i++) if (values[i] !== 0) return 0;
      return n > 0 ? 1 : 0;
    case 'step': {
      let best = Infinity;
      for (let i = 1; i < timestamps.length; i++)
        best = Math.min(best, timestamps[i]! - timestamps[i - 1]!);
      return Number.isFinite(best) ? best : null;
    }
    case 'median':
      return percentile(values, 0.5);
    default:
      return aggregate(values, id);
  }
}

/** The reducers that make one pass over the present values. */
function aggregate(values: ArrayLike<number>, id: string): number | null {
  let count = 0;
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  let max = -Infinity;
  let logmin = Infinity;
  let first = NaN;
  let last = NaN;
  let delta = 0;
  let changes = 0;
  const distinct = new Set<number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!ok(v)) continue;
    if (count === 0) first = v;
    else {
      // A counter reset (a drop) restarts the delta from the new value, like Grafana.
      delta += v >= last ? v - last : v;
      if (v !== last) changes++;
    }
    last = v;
    count++;
    sum += v;
    sumSq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v > 0 && v < logmin) logmin = v;
    if (id === 'distinctCount') distinct.add(v);
  }
  if (id === 'changeCount') return changes;
  if (id === 'distinctCount') return distinct.size;
  if (count === 0) return id === 'sum' ? 0 : null;
  switch (id) {
    case 'sum':
      return sum;
    case 'mean':
      return sum / count;
    case 'min':
      return min;
    case 'max':
      return max;
    case 'range':
      return max - min;
    case 'logmin':
      return Number.isFinite(logmin) ? logmin : null;
    case 'delta':
      return delta;
    case 'diff':
      return last - first;
    case 'diffperc':
      return first === 0 ? null : ((last - first) / first) * 100;
    case 'variance':
      return sumSq / count - (sum / count) ** 2;
    case 'stdDev':
      return Math.sqrt(Math.max(0, sumSq / count - (sum / count) ** 2));
    default:
      return null;
  }
}

/** The q-quantile (0..1) of the present values, linear between ranks. */
function percentile(values: ArrayLike<number>, q: number): number | null {
  const xs = Float64Array.from(Array.prototype.filter.call(values, ok) as number[]).sort();
  if (xs.length === 0) return null;
  const pos = (xs.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.min(xs.length - 1, lo + 1);
  return xs[lo]! + (xs[hi]! - xs[lo]!) * (pos - lo);
}
