import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { fingerprint } from './alert.js';

describe('fingerprint', () => {
  it('is FNV-1a 64 over sorted name/value pairs with 0xff separators', () => {
    // The empty set hashes to the FNV-64 offset basis, as in Prometheus' model package.
    assert.equal(fingerprint(Labels.EMPTY), 'cbf29ce484222325');
    assert.equal(fingerprint(Labels.fromRecord({ a: 'b' })), manual([['a', 'b']]));
    assert.equal(
      fingerprint(Labels.fromRecord({ z: '1', alertname: 'X' })),
      manual([
        ['alertname', 'X'],
        ['z', '1'],
      ]),
    );
  });
});

/** An independent FNV-1a implementation over 32-bit halves, to cross-check the BigInt one. */
function manual(pairs: [string, string][]): string {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  const add = (b: number): void => {
    lo ^= b;
    // (hi:lo) * 0x100000001b3 = (hi:lo) * 0x1b3 + (lo << 40)
    const l = (lo & 0xffff) * 0x1b3;
    const m = (lo >>> 16) * 0x1b3 + (l >>> 16);
    const newLo = ((m & 0xffff) << 16) | (l & 0xffff);
    const newHi = (hi * 0x1b3 + (m >>> 16) + ((lo << 8) >>> 0)) >>> 0;
    lo = newLo >>> 0;
    hi = newHi;
  };
  for (const [n, v] of pairs) {
    for (const b of new TextEncoder().encode(n)) add(b);
    add(0xff);
    for (const b of new TextEncoder().encode(v)) add(b);
    add(0xff);
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
