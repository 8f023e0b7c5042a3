import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Throttle } from './throttle.js';

describe('Throttle', () => {
  const opts = {
    freeFailures: 2,
    baseDelayMs: 1000,
    maxDelayMs: 8000,
    forgetAfterMs: 60_000,
    maxKeys: 3,
  };
  it('doubles the wait after the free failures, up to the maximum', () => {
    let now = 0;
    const t = new Throttle(opts, () => now);
    t.fail('k');
    t.fail('k');
    assert.equal(t.waitMs('k'), 0);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      t.fail('k');
      waits.push(t.waitMs('k'));
    }
    assert.deepEqual(waits, [1000, 2000, 4000, 8000, 8000, 8000]);
    now += 8000;
    assert.equal(t.waitMs('k'), 0);
  });
  it('clears on success and forgets old failures', () => {
    let now = 0;
    const t = new Throttle(opts, () => now);
    for (let i = 0; i < 3; i++) t.fail('k');
    assert.ok(t.waitMs('k') > 0);
    t.succeed('k');
    assert.equal(t.waitMs('k'), 0);
    for (let i = 0; i < 3; i++) t.fail('j');
    now += 61_000;
    assert.equal(t.waitMs('j'), 0);
  });
  it('keeps keys apart and bounded', () => {
    const t = new Throttle(opts, () => 0);
    for (let i = 0; i < 3; i++) t.fail('a');
    assert.equal(t.waitMs('b'), 0);
    for (const k of ['b', 'c', 'd']) t.fail(k);
    assert.equal(t.waitMs('a'), 0, 'the oldest key was forgotten');
  });
});
