import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { STALE_NAN, isStaleNaN, sameFloatBits } from '../../model/index.js';
import {
  ChunkFormatError,
  XorEncoder,
  chunkEncodingOf,
  chunkNumSamples,
  newChunkEncoder,
  newChunkIterator,
} from './index.js';

// Plain JS arrays of doubles canonicalize NaN payloads in V8, so values live in Float64Arrays
// and bit patterns travel as integer pairs.
function bitsToFloat(hi: number, lo: number): number {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setUint32(0, hi);
  dv.setUint32(4, lo);
  return dv.getFloat64(0);
}

/** Builds a Float64Array from values given by `fill`, which writes through `set`. */
function floats(n: number, fill: (set: (i: number, v: number) => void) => void): Float64Array {
  const out = new Float64Array(n);
  fill((i, v) => (out[i] = v));
  return out;
}

function encode(ts: readonly number[], vs: ArrayLike<number>): Uint8Array {
  const e = newChunkEncoder();
  for (let i = 0; i < ts.length; i++) e.append(ts[i]!, vs[i]!);
  return e.bytes();
}

function decode(data: Uint8Array): { ts: number[]; vs: Float64Array } {
  const it = newChunkIterator(data);
  const ts: number[] = [];
  const vs = new Float64Array(chunkNumSamples(data));
  while (it.next() !== 'none') {
    vs[ts.length] = it.atF();
    ts.push(it.atT());
  }
  assert.equal(it.err(), undefined);
  return { ts, vs };
}

function assertRoundTrip(ts: readonly number[], vs: ArrayLike<number>): void {
  const data = encode(ts, vs);
  assert.equal(chunkNumSamples(data), ts.length);
  const got = decode(data);
  assert.deepEqual(got.ts, ts);
  for (let i = 0; i < vs.length; i++) {
    assert.ok(sameFloatBits(got.vs[i]!, vs[i]!), `value ${i}: got ${got.vs[i]} want ${vs[i]}`);
  }
}

/** Strictly increasing timestamps from a start and positive gaps. */
const timestamps = fc
  .tuple(
    fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
    fc.array(
      fc.oneof(
        fc.constant(15000),
        fc.integer({ min: 14990, max: 15010 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 2 ** 40 }),
      ),
      { maxLength: 300 },
    ),
  )
  .map(([start, gaps]) => {
    const out = [start];
    for (const g of gaps) out.push(out[out.length - 1]! + g);
    return out;
  });

const u32 = fc.integer({ min: 0, max: 0xffffffff });
/** A value as its two 32-bit halves, so NaN payloads survive the generator's plain arrays. */
const valueBits = fc.oneof(
  fc.tuple(u32, u32),
  fc.tuple(fc.constantFrom(0x7ff00000, 0xfff00000, 0x7ff80000, 0xfff80000), u32),
  fc.double().map(splitBits),
  fc.integer({ min: -1e6, max: 1e6 }).map(splitBits),
  fc.integer({ min: -1e9, max: 1e9 }).map((i) => splitBits(i / 100)),
  fc.integer({ min: -1e9, max: 1e9 }).map((i) => splitBits(i / 1e6)),
  fc
    .constantFrom(STALE_NAN, Infinity, -Infinity, 0, -0, 2 ** 53, -(2 ** 53), 2 ** 60, 1.5)
    .map(splitBits),
);

function splitBits(v: number): [number, number] {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v);
  return [dv.getUint32(0), dv.getUint32(4)];
}

describe('xor chunk', () => {
  it('round-trips an empty chunk', () => {
    const data = new XorEncoder().bytes();
    assert.equal(chunkEncodingOf(data), 'xor');
    assert.equal(chunkNumSamples(data), 0);
    assert.deepEqual(decode(data).ts, []);
  });

  it('round-trips special values bit for bit', () => {
    const specials = floats(17, (set) => {
      set(0, STALE_NAN);
      set(1, NaN);
      set(2, bitsToFloat(0x7ff80000, 1));
      set(3, bitsToFloat(0xfff00000, 0xdeadbeef));
      set(4, Infinity);
      set(5, -Infinity);
      set(6, -0);
      set(7, 0);
      set(8, Number.MIN_VALUE);
      set(9, -Number.MAX_VALUE);
      set(10, 2 ** 53);
      set(11, -(2 ** 53));
      set(12, 2 ** 53 + 2);
      set(13, 1);
      set(14, -0);
      set(15, STALE_NAN);
      set(16, 5);
    });
    const ts = Array.from(specials, (_, i) => 1000 * i);
    assertRoundTrip(ts, specials);
    const got = decode(encode(ts, specials));
    assert.ok(isStaleNaN(got.vs[0]!));
    assert.ok(!isStaleNaN(got.vs[1]!));
    assert.ok(isStaleNaN(got.vs[15]!));
  });

  it('round-trips random timestamps and random float bit patterns', () => {
    fc.assert(
      fc.property(
        timestamps,
        fc.array(valueBits, { minLength: 301, maxLength: 301 }),
        (ts, bits) => {
          const vs = floats(ts.length, (set) => {
            for (let i = 0; i < ts.length; i++) set(i, bitsToFloat(bits[i]![0], bits[i]![1]));
          });
          assertRoundTrip(ts, vs);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('round-trips integer counters with large and negative deltas', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), { minLength: 2, maxLength: 200 }),
        (vs) => {
          assertRoundTrip(
            vs.map((_, i) => i * 15000),
            vs,
          );
        },
      ),
      { numRuns: 200 },
    );
    assertRoundTrip([0, 1, 2, 3], [2 ** 53, -(2 ** 53), 2 ** 53, 0]);
  });

  it('keeps jittered 15 s timestamps small', () => {
    const ts: number[] = [];
    const vs: number[] = [];
    let seed = 7;
    for (let i = 0; i < 120; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      ts.push(1_700_000_000_000 + i * 15000 + (seed % 9) - 4);
      vs.push(1);
    }
    const data = encode(ts, vs);
    assertRoundTrip(ts, vs);
    // About 6.3 bits per jittered timestamp plus one bit per unchanged value.
    assert.ok(data.length < 120, `chunk of 120 jittered samples is ${data.length} bytes`);
  });

  it('seeks forward and stays put', () => {
    const data = encode([10, 20, 30, 40], [1, 2, 3, 4]);
    const it = newChunkIterator(data);
    assert.equal(it.seek(15), 'float');
    assert.equal(it.atT(), 20);
    assert.equal(it.seek(5), 'float');
    assert.equal(it.atT(), 20);
    assert.equal(it.seek(40), 'float');
    assert.equal(it.atF(), 4);
    assert.equal(it.seek(41), 'none');
    assert.equal(it.next(), 'none');
  });

  it('iterates a view of the open encoder while appends continue', () => {
    const e = new XorEncoder(4);
    for (let i = 0; i < 10; i++) e.append(i, i * 1.5);
    const it = newChunkIterator(e.view());
    for (let i = 10; i < 100; i++) e.append(i, i * 1.5);
    let n = 0;
    while (it.next() !== 'none') n++;
    assert.equal(n, 10);
    assert.equal(decode(e.view()).ts.length, 100);
  });

  it('reports malformed data', () => {
    assert.throws(() => chunkEncodingOf(new Uint8Array([9, 0, 0])), ChunkFormatError);
    const it = newChunkIterator(new Uint8Array([7]));
    assert.equal(it.next(), 'none');
    assert.ok(it.err() instanceof ChunkFormatError);
    const good = encode([1, 2, 3], [1.5, 2.5, 3.5]);
    const cut = good.slice(0, good.length - 4);
    const it2 = newChunkIterator(cut);
    while (it2.next() !== 'none');
    assert.ok(it2.err() instanceof ChunkFormatError);
  });
});
