import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { SeriesAccumulator, type SimpleAggOp } from './accumulate.js';
import { Kahan } from './mathutil.js';
import { newStepSeries, type StepSeries } from './value.js';

const SPECIAL = [NaN, Infinity, -Infinity, 1e308, -1e308, 1e-300, 0, -0];

function input(seed: number, k: number, n: number): StepSeries[] {
  let x = seed;
  const rnd = (): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  return Array.from({ length: k }, (_, j) => {
    const s = newStepSeries(Labels.EMPTY, n, j % 3 === 0);
    for (let i = 0; i < n; i++) {
      if (rnd() < 0.2) continue;
      s.has[i] = 1;
      s.vs[i] = rnd() < 0.1 ? SPECIAL[Math.floor(rnd() * SPECIAL.length)]! : (rnd() - 0.3) * 1e6;
    }
    return s;
  });
}

/** Step by step with Kahan objects, the order the accumulator must reproduce. */
function reference(op: 'sum' | 'avg', series: StepSeries[], n: number): Float64Array {
  const out = new Float64Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const kh = new Kahan();
    let c = 0;
    let incremental = false;
    for (const s of series) {
      if (!s.has[i]) continue;
      const f = s.vs[i]!;
      if (c++ === 0) {
        kh.reset(f);
        continue;
      }
      if (op === 'sum') kh.add(f);
      else {
        if (!incremental) {
          const sum = kh.sum;
          const comp = kh.c;
          kh.add(f);
          if (kh.sum !== Infinity && kh.sum !== -Infinity) continue;
          incremental = true;
          kh.sum = sum / (c - 1);
          kh.c = comp / (c - 1);
        }
        kh.sum *= (c - 1) / c;
        kh.c *= (c - 1) / c;
        kh.add(f / c);
      }
    }
    if (c === 0) continue;
    if (op === 'sum') out[i] = kh.value();
    else if (c === 1) out[i] = kh.sum;
    else out[i] = incremental ? kh.sum + kh.c : kh.sum / c + kh.c / c;
  }
  return out;
}

function run(op: SimpleAggOp, series: StepSeries[], n: number): StepSeries {
  const out = [newStepSeries(Labels.EMPTY, n, false)];
  const acc = new SeriesAccumulator(op, out, n);
  for (const s of series) acc.add(0, s.vs, s.has, s.dropName);
  acc.finish();
  return out[0]!;
}

describe('SeriesAccumulator', () => {
  for (const op of ['sum', 'avg'] as const) {
    it(`${op} is bit-identical to step-by-step compensated summation`, () => {
      for (let seed = 1; seed < 40; seed++) {
        const series = input(seed, 12, 30);
        const got = run(op, series, 30);
        const want = reference(op, series, 30);
        for (let i = 0; i < 30; i++) {
          if (!got.has[i]) assert.equal(want[i], -1);
          else assert.ok(Object.is(got.vs[i], want[i]), `seed ${seed} step ${i}`);
        }
      }
    });
  }

  it('counts, takes extremes and removes the name when any input does', () => {
    const series = input(7, 5, 10);
    const count = run('count', series, 10);
    const max = run('max', series, 10);
    for (let i = 0; i < 10; i++) {
      const present = series.filter((s) => s.has[i]);
      assert.equal(count.has[i], present.length > 0 ? 1 : 0);
      if (present.length === 0) continue;
      assert.equal(count.vs[i], present.length);
      const vals = present.map((s) => s.vs[i]!).filter((v) => !Number.isNaN(v));
      if (vals.length === present.length) assert.equal(max.vs[i], Math.max(...vals));
    }
    assert.equal(count.dropName, true);
  });
});
