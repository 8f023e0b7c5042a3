import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrencyGate, QueryOverloadError } from './gate.js';

describe('ConcurrencyGate', () => {
  it('queues beyond the limit and serves waiters in order', async () => {
    const gate = new ConcurrencyGate(1);
    const r1 = await gate.acquire();
    const order: number[] = [];
    const p2 = gate.acquire().then((r) => {
      order.push(2);
      return r;
    });
    const p3 = gate.acquire().then((r) => {
      order.push(3);
      return r;
    });
    assert.equal(gate.queued, 2);
    r1();
    (await p2)();
    (await p3)();
    assert.deepEqual(order, [2, 3]);
    assert.equal(gate.running, 0);
  });

  it('refuses after the queue wait with a 503-style error naming the settings', async () => {
    const gate = new ConcurrencyGate(1, 30);
    const r1 = await gate.acquire();
    await assert.rejects(gate.acquire(), (e: unknown) => {
      assert.ok(e instanceof QueryOverloadError);
      assert.equal(e.errorType, 'timeout');
      assert.equal(e.retryAfterSeconds, 1);
      assert.match(e.message, /--query\.max-concurrency/);
      assert.match(e.message, /--query\.max-queue-wait/);
      return true;
    });
    assert.equal(gate.queued, 0);
    assert.equal(gate.refused, 1);
    r1();
    (await gate.acquire())();
  });

  it('refuses at once when the queue is full', async () => {
    const gate = new ConcurrencyGate(1, 10_000);
    const r1 = await gate.acquire();
    const waiting = [1, 2, 3, 4].map(() => gate.acquire());
    await assert.rejects(gate.acquire(), QueryOverloadError);
    r1();
    for (const w of waiting) (await w)();
  });

  it('leaves the queue when aborted', async () => {
    const gate = new ConcurrencyGate(1);
    const r1 = await gate.acquire();
    const ac = new AbortController();
    const p = gate.acquire(ac.signal);
    ac.abort();
    await assert.rejects(p, /canceled/);
    assert.equal(gate.queued, 0);
    r1();
  });
});
