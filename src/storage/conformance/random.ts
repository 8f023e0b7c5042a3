/**
 * Seeded random generation for the differential test: a small PRNG and generators of label
 * universes, timestamps, values, matchers and time ranges.
 */
import { Labels, MAX_TIME, MIN_TIME, Matcher, STALE_NAN } from '../../model/index.js';
import type { QuerySpec } from './compare.js';
import { T0 } from './helpers.js';

/** A seeded pseudo-random generator (mulberry32): same seed, same sequence. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** A random element of a non-empty array. */
  pick<T>(xs: readonly T[]): T {
    const x = xs[this.int(xs.length)];
    if (x === undefined) throw new Error('BUG: Rng.pick on an empty array');
    return x;
  }
}

/** Metric names of the generated universe. */
export const METRICS = ['d_a', 'd_b', 'd_c'];
const JOBS = ['x', 'y', 'z'];

/** The label names whose values the differential test looks up. */
export const VALUE_NAMES = ['__name__', 'job', 'inst', 'e', 'nope'];

/** Builds `n` distinct label sets: a metric name, a unique `inst`, and optional `job` and `e`. */
export function labelUniverse(rng: Rng, n: number): Labels[] {
  const out: Labels[] = [];
  for (let i = 0; i < n; i++) {
    const rec: Record<string, string> = { __name__: rng.pick(METRICS), inst: String(i) };
    if (rng.chance(0.8)) rec['job'] = rng.pick(JOBS);
    if (rng.chance(0.3)) rec['e'] = rng.pick(['1', '2']);
    out.push(Labels.fromRecord(rec));
  }
  return out;
}

/** A timestamp in [T0, T0 + span]: mostly on a 1 s grid (so collisions happen), else any ms. */
export function randomTime(rng: Rng, span: number): number {
  if (rng.chance(0.9)) return T0 + rng.int(Math.floor(span / 1000) + 1) * 1000;
  return T0 + rng.int(span + 1);
}

/** A value: mostly ordinary floats, sometimes markers and special values. */
export function randomValue(rng: Rng): number {
  const r = rng.float();
  if (r < 0.05) return STALE_NAN;
  if (r < 0.07) return Number.NaN;
  if (r < 0.08) return Infinity;
  if (r < 0.09) return -Infinity;
  if (r < 0.1) return -0;
  if (r < 0.12) return 0;
  if (r < 0.6) return rng.int(4000) / 4;
  return (rng.float() - 0.5) * 1e6;
}

/** A value different in bits from `v`. */
export function otherValue(rng: Rng, v: number): number {
  const w = randomValue(rng);
  if (Object.is(w, v) || (Number.isNaN(w) && Number.isNaN(v))) return Number.isNaN(v) ? 1 : v + 1;
  return w;
}

function randomMatcher(rng: Rng): Matcher {
  switch (rng.int(5)) {
    case 0:
      return rng.chance(0.6)
        ? new Matcher('=', '__name__', rng.pick(METRICS))
        : new Matcher('=~', '__name__', rng.pick(['d_a|d_b', 'd_.*', 'd_c', 'd']));
    case 1:
    case 2:
      return new Matcher(
        rng.pick(['=', '!=', '=~', '!~'] as const),
        'job',
        rng.pick(['x', 'y', 'z', '', 'x|y', '.*', '.+', 'x.*', 'q', 'X']),
      );
    case 3:
      return new Matcher(
        rng.pick(['=', '!=', '=~'] as const),
        'inst',
        rng.pick(['1', '2', '1.*', '[0-4]', '']),
      );
    default:
      return new Matcher(rng.pick(['=', '!='] as const), 'e', rng.pick(['', '1', '2']));
  }
}

/** A random query: one to three matchers (rarely none) over a random kind of range. */
export function randomQuery(rng: Rng, span: number): QuerySpec {
  const matchers: Matcher[] = [];
  if (!rng.chance(0.02)) {
    const n = 1 + rng.int(3);
    for (let i = 0; i < n; i++) matchers.push(randomMatcher(rng));
  }
  const r = rng.float();
  let mint: number;
  let maxt: number;
  if (r < 0.3) {
    mint = MIN_TIME;
    maxt = MAX_TIME;
  } else if (r < 0.7) {
    const a = randomTime(rng, span);
    const b = randomTime(rng, span);
    mint = Math.min(a, b);
    maxt = Math.max(a, b);
  } else if (r < 0.85) {
    mint = randomTime(rng, span);
    maxt = mint;
  } else if (r < 0.95) {
    mint = T0 - 1 - rng.int(span);
    maxt = mint + rng.int(span * 2);
  } else {
    mint = T0 + span + 1;
    maxt = MAX_TIME;
  }
  return { mint, maxt, matchers };
}

/**
 * A random delete: either random matchers over a short range (at most a twentieth of the span),
 * or one series (by `inst`) over any range, so deletes never wipe out most of the data.
 */
export function randomDelete(rng: Rng, span: number, series: number): QuerySpec {
  if (rng.chance(0.5)) {
    const matchers: Matcher[] = [];
    const n = 1 + rng.int(2);
    for (let i = 0; i < n; i++) matchers.push(randomMatcher(rng));
    const mint = randomTime(rng, span);
    return { mint, maxt: mint + rng.int(Math.floor(span / 20)), matchers };
  }
  const q = randomQuery(rng, span);
  return {
    mint: q.mint,
    maxt: q.maxt,
    matchers: [new Matcher('=', 'inst', String(rng.int(series)))],
  };
}
