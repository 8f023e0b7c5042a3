import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels, STALE_NAN, sameFloatBits } from '../../model/index.js';
import type { MatrixSeries } from '../engine/types.js';
import { CachedRange, StepGrid, stepsBefore } from './steps.js';

const A = Labels.fromRecord({ a: '1' });
const B = Labels.fromRecord({ a: '2' });

function series(labels: Labels, points: [number, number][]): MatrixSeries {
  const ts = new Float64Array(points.length);
  const vs = new Float64Array(points.length);
  points.forEach(([t, v], i) => {
    ts[i] = t;
    vs[i] = v;
  });
  return { labels, ts, vs };
}

function plain(m: MatrixSeries[]): [string, number[], number[]][] {
  return m.map((s) => [s.labels.toString(), [...s.ts], [...s.vs]]);
}

describe('stepsBefore', () => {
  const cases: [number, number, number, number, number][] = [
    // start, step, t, n, want
    [100, 10, 100, 5, 0],
    [100, 10, 101, 5, 1],
    [100, 10, 110, 5, 1],
    [100, 10, 111, 5, 2],
    [100, 10, 1000, 5, 5],
    [100, 10, Infinity, 5, 5],
    [100, 10, -Infinity, 5, 0],
  ];
  for (const [start, step, t, n, want] of cases)
    it(`${n} steps from ${start} by ${step} before ${t}: ${want}`, () => {
      assert.equal(stepsBefore(start, step, t, n), want);
    });
});

describe('StepGrid', () => {
  it('merges a cached middle with evaluated head and tail, sorted, empty series dropped', () => {
    const cachedGrid = new StepGrid(120, 10, 3);
    cachedGrid.addMatrix([
      series(B, [
        [120, 1],
        [130, 2],
      ]),
      series(A, [[140, 3]]),
    ]);
    const cached = cachedGrid.head(3);
    assert.ok(cached);
    const g = new StepGrid(100, 10, 7);
    g.addMatrix([series(B, [[100, 9]])]);
    g.addCached(cached);
    g.addMatrix([
      series(A, [
        [150, 4],
        [160, 5],
      ]),
    ]);
    assert.deepEqual(plain(g.toMatrix()), [
      ['{a="1"}', [140, 150, 160], [3, 4, 5]],
      ['{a="2"}', [100, 120, 130], [9, 1, 2]],
    ]);
  });

  it('uses only the cached steps inside the grid, and leaves out series without them', () => {
    const c = new StepGrid(100, 10, 5);
    c.addMatrix([
      series(A, [
        [100, 1],
        [110, 2],
      ]),
      series(B, [
        [130, 3],
        [140, 4],
      ]),
    ]);
    const cached = c.head(5);
    assert.ok(cached);
    const g = new StepGrid(120, 10, 3); // 120..140
    g.addCached(cached);
    assert.deepEqual(plain(g.toMatrix()), [['{a="2"}', [130, 140], [3, 4]]]);
  });

  it('keeps a head only and preserves value bits', () => {
    const g = new StepGrid(0, 5, 3);
    // Filled one by one: an array literal would canonicalise the NaN payload.
    const vs = new Float64Array(2);
    vs[0] = STALE_NAN;
    vs[1] = -0;
    g.addMatrix([{ labels: A, ts: new Float64Array([0, 5]), vs }, series(B, [[10, 7]])]);
    const h = g.head(2);
    assert.ok(h);
    assert.equal(h.n, 2);
    assert.equal(h.series.length, 1, 'B has no point in the head');
    const m = h.matrix(0, 2);
    assert.ok(sameFloatBits(m[0]!.vs[0]!, STALE_NAN));
    assert.ok(Object.is(m[0]!.vs[1], -0));
    assert.equal(g.head(0), undefined);
  });

  it('refuses points before its start (a misaligned part is a bug)', () => {
    const g = new StepGrid(100, 10, 3);
    assert.throws(() => {
      g.addMatrix([series(A, [[90, 1]])]);
    }, /BUG/);
  });
});

describe('CachedRange', () => {
  const r = ((): CachedRange => {
    const g = new StepGrid(0, 10, 4);
    g.addMatrix([
      series(A, [
        [0, 1],
        [10, 2],
        [20, 3],
        [30, 4],
      ]),
      series(B, [[30, 9]]),
    ]);
    const h = g.head(4);
    assert.ok(h);
    return h;
  })();

  it('cuts to the steps before a time', () => {
    assert.equal(r.before(Infinity), r);
    assert.equal(r.before(0), undefined);
    const cut = r.before(25);
    assert.ok(cut);
    assert.deepEqual([cut.start, cut.n, cut.end, cut.series.length], [0, 3, 20, 1]);
    assert.ok(cut.bytes < r.bytes);
  });

  it('answers a sub-range directly', () => {
    assert.deepEqual(plain(r.matrix(10, 2)), [['{a="1"}', [10, 20], [2, 3]]]);
    assert.deepEqual(plain(r.matrix(30, 1)), [
      ['{a="1"}', [30], [4]],
      ['{a="2"}', [30], [9]],
    ]);
    assert.throws(() => r.matrix(20, 3), /BUG/);
  });
});
