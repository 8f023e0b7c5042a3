/**
 * XXH64 (seed 0) and Prometheus' label-set hash built on it. `limit_ratio` samples series by this
 * hash, so matching Prometheus' choice of series needs the same function. Not a hot path.
 */
import type { Labels } from '../../model/index.js';

const MASK = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;

function rotl(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & MASK;
}

function round(acc: bigint, lane: bigint): bigint {
  return (rotl((acc + lane * P2) & MASK, 31n) * P1) & MASK;
}

function mergeRound(h: bigint, v: bigint): bigint {
  return ((h ^ round(0n, v)) * P1 + P4) & MASK;
}

/** XXH64 of `b` with seed 0. */
export function xxhash64(b: Uint8Array): bigint {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = b.length;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = (P1 + P2) & MASK;
    let v2 = P2;
    let v3 = 0n;
    let v4 = -P1 & MASK;
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, dv.getBigUint64(i, true));
      v2 = round(v2, dv.getBigUint64(i + 8, true));
      v3 = round(v3, dv.getBigUint64(i + 16, true));
      v4 = round(v4, dv.getBigUint64(i + 24, true));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & MASK;
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else h = P5;
  h = (h + BigInt(n)) & MASK;
  for (; i + 8 <= n; i += 8) {
    h ^= round(0n, dv.getBigUint64(i, true));
    h = (rotl(h, 27n) * P1 + P4) & MASK;
  }
  if (i + 4 <= n) {
    h ^= (BigInt(dv.getUint32(i, true)) * P1) & MASK;
    h = (rotl(h, 23n) * P2 + P3) & MASK;
    i += 4;
  }
  for (; i < n; i++) {
    h ^= (BigInt(b[i]!) * P5) & MASK;
    h = (rotl(h, 11n) * P1) & MASK;
  }
  h ^= h >> 33n;
  h = (h * P2) & MASK;
  h ^= h >> 29n;
  h = (h * P3) & MASK;
  h ^= h >> 32n;
  return h;
}

const encoder = new TextEncoder();

/** Prometheus' `labels.Hash()`: XXH64 over `name 0xff value 0xff …` in label order. */
export function prometheusLabelsHash(l: Labels): bigint {
  const parts: number[] = [];
  l.forEach((name, value) => {
    for (const x of encoder.encode(name)) parts.push(x);
    parts.push(0xff);
    for (const x of encoder.encode(value)) parts.push(x);
    parts.push(0xff);
  });
  return xxhash64(Uint8Array.from(parts));
}

/** The sampling offset in [0, 1] that `limit_ratio` compares with its ratio. */
export function ratioOffset(l: Labels): number {
  // float64(math.MaxUint64) rounds to exactly 2^64.
  return Number(prometheusLabelsHash(l)) / 2 ** 64;
}
