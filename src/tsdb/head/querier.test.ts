import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels, Matcher } from '../../model/index.js';
import type { SampleIterator } from '../../storage/index.js';
import { Head, HeadQuerier } from './index.js';

const eq = (n: string, v: string): Matcher => new Matcher('=', n, v);

/** One series `x` with samples every second from 0 to 49 s (value = index), one chunk. */
async function oneChunkHead(): Promise<Head> {
  const head = new Head({ maxSamplesPerChunk: 1000 });
  const app = head.appender();
  const l = Labels.fromRecord({ __name__: 'x' });
  for (let i = 0; i < 50; i++) app.append(0, l, i * 1000, i);
  await app.commit();
  return head;
}

function drain(it: SampleIterator, first: 'next' | number): number[] {
  const out: number[] = [];
  let r = first === 'next' ? it.next() : it.seek(first);
  while (r !== 'none') {
    out.push(it.atT());
    r = it.next();
  }
  assert.equal(it.err(), undefined);
  return out;
}

async function iterators(head: Head, mint: number, maxt: number): Promise<SampleIterator[]> {
  const ss = await new HeadQuerier(head, mint, maxt).select(false, undefined, [
    eq('__name__', 'x'),
  ]);
  const its: SampleIterator[] = [];
  while (ss.next()) {
    const s = ss.at();
    its.push(s.iterator(), s.iterator());
  }
  return its;
}

describe('head querier', () => {
  it('reads a range inside one chunk the same through the first and later iterators', async () => {
    const head = await oneChunkHead();
    const want = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20].map((i) => i * 1000);
    for (const first of ['next', 5000, 11_000, 15_500] as const) {
      const [a, b] = await iterators(head, 10_500, 20_000);
      assert.ok(a && b);
      const exp = typeof first === 'number' ? want.filter((t) => t >= first) : want;
      assert.deepEqual(drain(a, first), exp);
      assert.deepEqual(drain(b, first), exp);
    }
  });

  it('reads batches from the first iterator after next()', async () => {
    const head = await oneChunkHead();
    const [a] = await iterators(head, 10_500, 20_000);
    assert.ok(a?.readBatch !== undefined);
    assert.equal(a.next(), 'float');
    const ts = new Float64Array(20);
    const vs = new Float64Array(20);
    const n = a.readBatch(Infinity, ts, vs, 0, 20);
    assert.equal(n, -11);
    assert.deepEqual([...vs.subarray(0, 10)], [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  });

  it('leaves out a series with no sample in a range inside its chunk', async () => {
    const head = await oneChunkHead();
    assert.deepEqual(await iterators(head, 10_100, 10_900), []);
  });

  it('keeps a series whose chunk starts or ends inside the range', async () => {
    const head = await oneChunkHead();
    const [a] = await iterators(head, -5000, 0);
    assert.ok(a);
    assert.deepEqual(drain(a, 'next'), [0]);
    const [b] = await iterators(head, 49_000, 60_000);
    assert.ok(b);
    assert.deepEqual(drain(b, 'next'), [49_000]);
  });
});
