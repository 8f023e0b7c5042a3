/** Random walks over sample iterators (next and seek mixed), compared with the model's. */
import assert from 'node:assert/strict';
import { MIN_TIME } from '../../model/index.js';
import type { SampleIterator, SeriesSet, Storage } from '../interface.js';
import { describeQuery, type QuerySpec } from './compare.js';
import { T0, formatValue } from './helpers.js';
import type { Rng } from './random.js';

/**
 * Selects `q` from both storages and, for every series pair, walks both iterators with the same
 * random sequence of `next()` and `seek(t)` calls (seek targets around the current position,
 * backwards included), asserting identical results at each step. The selects themselves must
 * already have been compared (same series in the same order).
 */
export async function compareIterators(
  db: Storage,
  model: Storage,
  q: QuerySpec,
  rng: Rng,
  ctx: string,
): Promise<void> {
  const [dq, mq] = await Promise.all([db.querier(q.mint, q.maxt), model.querier(q.mint, q.maxt)]);
  try {
    const [ds, ms] = await Promise.all([
      dq.select(true, undefined, q.matchers),
      mq.select(true, undefined, q.matchers),
    ]);
    walkSets(ds, ms, rng, `${ctx}: iterators of ${describeQuery(q)}`);
  } finally {
    dq.close();
    mq.close();
  }
}

function walkSets(ds: SeriesSet, ms: SeriesSet, rng: Rng, ctx: string): void {
  while (ms.next()) {
    assert.ok(ds.next(), `${ctx}: backend has fewer series`);
    const want = ms.at();
    const got = ds.at();
    assert.equal(got.labels.toString(), want.labels.toString(), ctx);
    walk(got.iterator(), want.iterator(), rng, `${ctx} ${want.labels.toString()}`);
  }
  assert.equal(ds.next(), false, `${ctx}: backend has more series`);
  assert.equal(ds.err(), undefined);
}

function walk(got: SampleIterator, want: SampleIterator, rng: Rng, ctx: string): void {
  let cur = Number.NaN;
  const ops: string[] = [];
  for (let step = 0; step < 40; step++) {
    let a: string;
    let b: string;
    if (rng.chance(0.5) || Number.isNaN(cur)) {
      const t = rngTimeNear(rng, Number.isNaN(cur) ? undefined : cur);
      ops.push(`seek(${t})`);
      a = got.seek(t);
      b = want.seek(t);
    } else {
      ops.push('next()');
      a = got.next();
      b = want.next();
    }
    assert.equal(a, b, `${ctx}: after ${ops.join(' ')}`);
    if (b === 'none') break;
    cur = want.atT();
    assert.equal(got.atT(), cur, `${ctx}: timestamp after ${ops.join(' ')}`);
    assert.equal(
      formatValue(got.atF()),
      formatValue(want.atF()),
      `${ctx}: value after ${ops.join(' ')}`,
    );
  }
  assert.equal(got.err(), undefined, ctx);
}

/** A seek target: before, at or after the current timestamp (or anywhere at the start). */
function rngTimeNear(rng: Rng, cur: number | undefined): number {
  if (cur === undefined) return rng.chance(0.5) ? MIN_TIME : T0 + rng.int(6 * 3_600_000);
  const r = rng.float();
  if (r < 0.2) return cur - rng.int(60_000);
  if (r < 0.4) return cur;
  if (r < 0.7) return cur + 1 + rng.int(10_000);
  return cur + rng.int(3_600_000);
}
