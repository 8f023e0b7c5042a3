import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBuckets } from './tokenbucket.js';

describe('TokenBuckets', () => {
  it('allows a burst, then the rate, and says how long to wait', () => {
    let now = 0;
    const b = new TokenBuckets(2, 3, () => now);
    for (let i = 0; i < 3; i++) assert.equal(b.take('k'), 0);
    assert.equal(b.take('k'), 0.5);
    now += 500;
    assert.equal(b.take('k'), 0);
    assert.ok(b.take('k') > 0);
    // Other keys have their own bucket.
    assert.equal(b.take('other'), 0);
  });

  it('refills up to the burst only', () => {
    let now = 0;
    const b = new TokenBuckets(10, 2, () => now);
    assert.equal(b.take('k'), 0);
    now += 60_000;
    assert.equal(b.take('k'), 0);
    assert.equal(b.take('k'), 0);
    assert.ok(b.take('k') > 0);
  });

  it('stays bounded with many clients', () => {
    const now = 0;
    const b = new TokenBuckets(1, 5, () => now);
    for (let i = 0; i < 50_000; i++) b.take(`c${i}`);
    assert.ok(b.size <= 10_000, `size ${b.size}`);
  });
});
