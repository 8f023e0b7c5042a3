import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels, STALE_NAN, isStaleNaN } from '../model/index.js';
import { Head, type HeadSeries } from './head/index.js';
import { ReplayBatch } from './replaybatch.js';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeHead(n: number): [Head, HeadSeries[]] {
  const head = new Head({ maxSamplesPerChunk: 50, oooCapacity: 8 });
  const series: HeadSeries[] = [];
  for (let i = 0; i < n; i++) {
    series.push(head.getOrCreate(Labels.fromRecord({ __name__: 'm', i: String(i) }))[0]);
  }
  return [head, series];
}

function state(s: HeadSeries): string {
  const parts: string[] = [];
  for (const c of s.chunks ?? []) parts.push(Buffer.from(c).toString('hex'));
  parts.push(String(s.times));
  if (s.enc !== undefined) parts.push(Buffer.from(s.enc.view()).toString('hex'));
  const o = s.ooo;
  if (o !== undefined) {
    parts.push(Buffer.from(o.ts.buffer, 0, o.n * 8).toString('hex'));
    parts.push(Buffer.from(o.vs.buffer, 0, o.n * 8).toString('hex'));
    for (const c of o.chunks) parts.push(Buffer.from(c).toString('hex'));
  }
  return parts.join('|');
}

describe('ReplayBatch', () => {
  it('gives the same head as applying samples in log order', () => {
    const rnd = mulberry32(3);
    const [a, sa] = makeHead(37);
    const [b, sb] = makeHead(37);
    const batch = new ReplayBatch(b);
    const last = new Float64Array(37);
    for (let k = 0; k < 3000; k++) {
      const i = Math.floor(rnd() * 37);
      // Mostly in order; some late samples, duplicates and staleness markers.
      const r = rnd();
      const t = r < 0.1 ? last[i]! - Math.floor(rnd() * 5) * 1000 : (last[i]! += 1000);
      const v = r > 0.97 ? STALE_NAN : Math.round(rnd() * 100) / 10;
      a.applySample(sa[i]!, t, v);
      batch.add(sb[i]!, t, v);
      if (k % 1000 === 999) batch.flush(); // flushes in the middle keep the order too
    }
    batch.flush();
    for (let i = 0; i < 37; i++) assert.equal(state(sb[i]!), state(sa[i]!), `series ${i}`);
    assert.deepEqual(b.counters, a.counters);
    assert.equal(b.minTime(), a.minTime());
    assert.equal(b.maxTime(), a.maxTime());
  });

  it('keeps staleness markers bit for bit', () => {
    const [head, [s]] = makeHead(1);
    const batch = new ReplayBatch(head);
    batch.add(s!, 1000, 1);
    batch.add(s!, 2000, STALE_NAN);
    batch.flush();
    assert.ok(isStaleNaN(s!.enc!.lastValue()));
  });
});
