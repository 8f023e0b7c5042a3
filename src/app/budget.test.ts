import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logger } from '../util/index.js';
import {
  AUTO_BUDGET_FRACTION,
  MemoryBudget,
  autoMemoryBudget,
  nextMemoryState,
  unreusableBytes,
  type MemorySample,
} from './budget.js';

const MB = 1 << 20;

describe('nextMemoryState', () => {
  it('rises at 80% and 95% and falls 10% below', () => {
    const b = 100 * MB;
    assert.equal(nextMemoryState('ok', 79 * MB, b), 'ok');
    assert.equal(nextMemoryState('ok', 80 * MB, b), 'pressure');
    assert.equal(nextMemoryState('ok', 96 * MB, b), 'critical');
    assert.equal(nextMemoryState('critical', 90 * MB, b), 'critical');
    assert.equal(nextMemoryState('critical', 84 * MB, b), 'pressure');
    assert.equal(nextMemoryState('pressure', 75 * MB, b), 'pressure');
    assert.equal(nextMemoryState('pressure', 69 * MB, b), 'ok');
    assert.equal(nextMemoryState('critical', 10 * MB, b), 'ok');
    assert.equal(nextMemoryState('ok', 1e12, 0), 'ok');
  });
});

describe('unreusableBytes', () => {
  it('does not count the free part of the heap', () => {
    assert.equal(
      unreusableBytes({ rss: 300 * MB, heapTotal: 200 * MB, heapUsed: 50 * MB }),
      150 * MB,
    );
  });
});

describe('autoMemoryBudget', () => {
  it('takes a share of the cgroup limit when below the RAM', () => {
    const read = (f: string): string => (f.endsWith('memory.max') ? String(1024 * MB) : '');
    assert.equal(autoMemoryBudget(read), Math.floor(1024 * MB * AUTO_BUDGET_FRACTION));
  });
  it('ignores "max" (no cgroup limit)', () => {
    const b = autoMemoryBudget(() => 'max\n');
    assert.ok(b > 0);
  });
});

describe('MemoryBudget', () => {
  it('moves between states and drops caches on every rise', () => {
    let m: MemorySample = { rss: 10 * MB, heapTotal: 5 * MB, heapUsed: 5 * MB };
    const budget = new MemoryBudget(
      { budgetBytes: 100 * MB, intervalMs: 1000, sample: () => m },
      Logger.nop(),
    );
    let relieved = 0;
    budget.onPressure(() => relieved++);
    assert.equal(budget.check(), 'ok');
    m = { rss: 85 * MB, heapTotal: 50 * MB, heapUsed: 50 * MB };
    assert.equal(budget.check(), 'pressure');
    m = { rss: 99 * MB, heapTotal: 50 * MB, heapUsed: 50 * MB };
    assert.equal(budget.check(), 'critical');
    assert.equal(relieved, 2);
    // Garbage collected: the heap is mostly free although the resident set stays high.
    m = { rss: 99 * MB, heapTotal: 60 * MB, heapUsed: 10 * MB };
    assert.equal(budget.check(), 'ok');
    assert.equal(budget.usedBytes, 49 * MB);
    assert.equal(budget.pressureEvents, 2);
  });

  it('is always ok without a budget', () => {
    const budget = new MemoryBudget(
      {
        budgetBytes: 0,
        intervalMs: 1000,
        sample: () => ({ rss: 1e12, heapTotal: 0, heapUsed: 0 }),
      },
      Logger.nop(),
    );
    assert.equal(budget.check(), 'ok');
  });
});
