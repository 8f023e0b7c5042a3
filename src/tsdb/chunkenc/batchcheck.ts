/**
 * Test helpers that read a sample iterator one sample at a time and in batches, so tests can
 * check that `readBatch` yields exactly the samples (bit for bit) that `next`/`seek` yield.
 */
import type { SampleIterator } from '../../storage/index.js';

/** Samples read from an iterator: timestamps and the raw 64-bit patterns of the values. */
export interface ReadSamples {
  ts: number[];
  bits: bigint[];
}

function bitsOf(v: number): bigint {
  const f = new Float64Array(1);
  f[0] = v;
  return new BigUint64Array(f.buffer)[0]!;
}

/** Reads every sample from `seekT` on (or from the start) with `next`. */
export function readOneByOne(it: SampleIterator, seekT?: number): ReadSamples {
  const out: ReadSamples = { ts: [], bits: [] };
  let vt = seekT === undefined ? it.next() : it.seek(seekT);
  const v = new Float64Array(1);
  while (vt !== 'none') {
    out.ts.push(it.atT());
    v[0] = it.atF();
    out.bits.push(bitsOf(v[0]));
    vt = it.next();
  }
  return out;
}

/**
 * Reads every sample from `seekT` on (or from the start) with `readBatch`, at most `max` at a
 * time, raising the time limit by `stepT` whenever a batch stops short.
 */
export function readInBatches(
  it: SampleIterator,
  max: number,
  stepT: number,
  seekT?: number,
): ReadSamples {
  const out: ReadSamples = { ts: [], bits: [] };
  const read = it.readBatch?.bind(it);
  if (read === undefined) throw new Error('cannot read in batches: the iterator has no readBatch');
  const first = seekT === undefined ? it.next() : it.seek(seekT);
  if (first === 'none') return out;
  const ts = new Float64Array(max + 2);
  const vs = new Float64Array(max + 2);
  const u = new BigUint64Array(vs.buffer);
  let maxT = it.atT();
  for (let guard = 0; guard < 1e6; guard++) {
    const r = read(maxT, ts, vs, 1, max);
    const got = r < 0 ? -r - 1 : r;
    if (got > max) throw new Error(`readBatch returned ${got} samples, more than ${max}`);
    for (let i = 1; i <= got; i++) {
      if (ts[i]! > maxT) throw new Error(`readBatch returned t=${ts[i]} above maxT=${maxT}`);
      out.ts.push(ts[i]!);
      out.bits.push(u[i]!);
    }
    if (r < 0) return out;
    if (got < max) maxT += stepT;
  }
  throw new Error('cannot read in batches: no progress');
}
