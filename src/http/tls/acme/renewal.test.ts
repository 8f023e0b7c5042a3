import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPlaceholder } from './client.js';
import {
  MAX_TIMER_MS,
  certificateFacts,
  renewAtMs,
  renewalReason,
  retryDelayMs,
  timerDelayMs,
} from './renewal.js';

const DAY = 86_400_000;
/** A 90-day certificate for a.test and b.test issued at day 0. */
const facts = { names: ['a.test', 'b.test'], notBeforeMs: 0, notAfterMs: 90 * DAY };

describe('ACME renewal timing', () => {
  it('renews when a third of the lifetime remains', () => {
    assert.equal(renewAtMs(facts), 60 * DAY);
    assert.equal(renewAtMs({ notBeforeMs: 1000, notAfterMs: 1000 }), 1000);
  });

  it('tells why a certificate must be ordered', () => {
    const cases: [string, Parameters<typeof renewalReason>, string | undefined][] = [
      ['none yet', [undefined, ['a.test'], 0], 'missing'],
      ['fresh', [facts, ['a.test', 'b.test'], 10 * DAY], undefined],
      ['names in another order and case', [facts, ['B.test', 'a.test'], 10 * DAY], undefined],
      ['just before the renewal time', [facts, ['a.test', 'b.test'], 60 * DAY - 1], undefined],
      ['at the renewal time', [facts, ['a.test', 'b.test'], 60 * DAY], 'expiring'],
      ['expired', [facts, ['a.test', 'b.test'], 91 * DAY], 'expiring'],
      ['a name added', [facts, ['a.test', 'b.test', 'c.test'], 0], 'names-changed'],
      ['a name removed', [facts, ['a.test'], 0], 'names-changed'],
      ['a name replaced', [facts, ['a.test', 'c.test'], 0], 'names-changed'],
    ];
    for (const [name, args, want] of cases) assert.equal(renewalReason(...args), want, name);
  });

  it('backs off retries exponentially up to the maximum', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 100].map((n) => retryDelayMs(n, 60_000, 3_600_000)),
      [60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000],
    );
    assert.equal(retryDelayMs(0, 1000, 5000), 1000);
  });

  it('clamps timer delays to what setTimeout can wait', () => {
    assert.equal(timerDelayMs(100, 200), 0);
    assert.equal(timerDelayMs(300, 200), 100);
    assert.equal(timerDelayMs(200 + 60 * DAY, 200), MAX_TIMER_MS);
  });

  it('reads the names and validity of a certificate', async () => {
    const { cert } = await createPlaceholder('Monitor.Example.com');
    const f = certificateFacts(cert);
    assert.deepEqual(f.names, ['monitor.example.com']);
    assert.ok(Number.isFinite(f.notBeforeMs) && f.notAfterMs >= f.notBeforeMs);
    assert.equal(renewalReason(f, ['monitor.example.com'], f.notAfterMs), 'expiring');
  });
});
