import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logger } from '../util/index.js';
import {
  AUTO_BUDGET_FRACTION,
  MemoryBudget,
  autoMemoryBudget,
  nextMemoryState,
  usedBytes,
  type MemorySample,
} from './budget.js';

const MB = 1 << 20;

describe('nextMemoryState', () => {
  const b = 100 * MB;
  it('rises when the resident set reaches 80% / 95% and the memory in use is close', () => {
    assert.equal(nextMemoryState('ok', 79 * MB, 79 * MB, b), 'ok');
    assert.equal(nextMemoryState('ok', 80 * MB, 75 * MB, b), 'pressure');
    assert.equal(nextMemoryState('ok', 96 * MB, 90 * MB, b), 'critical');
    // Resident but free memory (kept for reuse) refuses nothing.
    assert.equal(nextMemoryState('ok', 99 * MB, 40 * MB, b), 'ok');
  });
  it('falls when the memory in use drops 10% below the threshold', () => {
    assert.equal(nextMemoryState('critical', 99 * MB, 86 * MB, b), 'critical');
    assert.equal(nextMemoryState('critical', 99 * MB, 84 * MB, b), 'pressure');
    assert.equal(nextMemoryState('pressure', 99 * MB, 71 * MB, b), 'pressure');
    assert.equal(nextMemoryState('pressure', 99 * MB, 69 * MB, b), 'ok');
    assert.equal(nextMemoryState('critical', 99 * MB, 10 * MB, b), 'ok');
  });
  it('is always ok without a budget', () => {
    assert.equal(nextMemoryState('ok', 1e12, 1e12, 0), 'ok');
  });
});

describe('usedBytes', () => {
  it('counts live heap, external and native memory, at most the resident set', () => {
    const m = { rss: 300 * MB, heapTotal: 200 * MB, heapUsed: 50 * MB, external: 20 * MB };
    assert.equal(usedBytes(m, 30 * MB), 100 * MB);
    assert.equal(usedBytes(m, 290 * MB), 300 * MB);
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
  it('moves between states, drops caches on every rise and collects garbage while not ok', () => {
    let now = 0;
    let gcs = 0;
    // 10 MB native memory at start.
    let m: MemorySample = { rss: 20 * MB, heapTotal: 10 * MB, heapUsed: 5 * MB, external: 0 };
    const budget = new MemoryBudget(
      {
        budgetBytes: 100 * MB,
        intervalMs: 1000,
        sample: () => m,
        collectGarbage: () => gcs++,
        now: () => now,
      },
      Logger.nop(),
    );
    let relieved = 0;
    budget.onPressure(() => relieved++);
    assert.equal(budget.check(), 'ok');
    assert.equal(budget.usedBytes, 15 * MB);
    m = { rss: 85 * MB, heapTotal: 80 * MB, heapUsed: 55 * MB, external: 10 * MB };
    assert.equal(budget.check(), 'pressure');
    assert.equal(gcs, 1, 'collects from 60% of the budget on');
    m = { rss: 120 * MB, heapTotal: 90 * MB, heapUsed: 80 * MB, external: 10 * MB };
    now += 3000;
    assert.equal(budget.check(), 'critical');
    assert.equal(gcs, 2);
    assert.equal(relieved, 2);
    // Garbage collected: little is live although the resident set stays high.
    m = { rss: 120 * MB, heapTotal: 90 * MB, heapUsed: 20 * MB, external: 5 * MB };
    now += 1000;
    assert.equal(budget.check(), 'ok');
    assert.equal(gcs, 2, 'at most one collection per interval');
    assert.equal(budget.usedBytes, 35 * MB);
    assert.equal(budget.pressureEvents, 2);
  });

  it('is always ok without a budget', () => {
    const budget = new MemoryBudget(
      {
        budgetBytes: 0,
        intervalMs: 1000,
        sample: () => ({ rss: 1e12, heapTotal: 0, heapUsed: 0, external: 0 }),
      },
      Logger.nop(),
    );
    assert.equal(budget.check(), 'ok');
  });

  it('samples again at admission when the last sample is too old', () => {
    let now = 0;
    let samples = 0;
    let m: MemorySample = { rss: 20 * MB, heapTotal: 10 * MB, heapUsed: 5 * MB, external: 0 };
    const budget = new MemoryBudget(
      {
        budgetBytes: 100 * MB,
        intervalMs: 1000,
        sample: () => {
          samples++;
          return m;
        },
        collectGarbage: () => undefined,
        now: () => now,
      },
      Logger.nop(),
    );
    assert.equal(budget.fresh(100), 'ok');
    const after = samples;
    now = 50;
    m = { rss: 99 * MB, heapTotal: 90 * MB, heapUsed: 90 * MB, external: 0 };
    assert.equal(budget.fresh(100), 'ok', 'a recent sample is reused');
    assert.equal(samples, after);
    now = 200;
    assert.equal(budget.fresh(100), 'critical', 'a burst between timer ticks is seen');
  });

  it('collects garbage when idle after memory grew, at most every 30 s, never while busy', () => {
    let now = 0;
    let busy = 0;
    let gcs = 0;
    let m = { rss: 200 * MB, heapTotal: 100 * MB, heapUsed: 50 * MB, external: 10 * MB };
    const budget = new MemoryBudget(
      {
        budgetBytes: 0,
        intervalMs: 1000,
        sample: () => m,
        collectGarbage: () => {
          gcs++;
          m = { ...m, heapUsed: 50 * MB, external: 10 * MB };
        },
        now: () => now,
        utilization: () => busy,
      },
      Logger.nop(),
    );
    assert.equal(budget.collectIfIdle(), false, 'the first call only takes the baseline');
    m = { ...m, heapUsed: 100 * MB, external: 40 * MB };
    busy = 0.5;
    now = 1000;
    assert.equal(budget.collectIfIdle(), false, 'busy');
    busy = 0.01;
    now = 2000;
    assert.equal(budget.collectIfIdle(), true, 'idle after growing by 80 MB');
    assert.equal(gcs, 1);
    assert.equal(budget.idleCollections, 1);
    m = { ...m, heapUsed: 100 * MB, external: 40 * MB };
    now = 20_000;
    assert.equal(budget.collectIfIdle(), false, 'too soon after the last one');
    now = 40_000;
    assert.equal(budget.collectIfIdle(), true);
    m = { ...m, heapUsed: 60 * MB };
    now = 80_000;
    assert.equal(budget.collectIfIdle(), false, 'grew by less than 32 MB');
    assert.equal(gcs, 2);
  });
});
