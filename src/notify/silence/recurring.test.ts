import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { ManualClock } from '../util/clock.js';
import { SilenceError, Silences } from './silences.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-recurring-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const H = 3_600_000;
const D = 24 * H;
/** Saturday 2024-03-02 00:00 UTC. */
const SAT = Date.parse('2024-03-02T00:00:00Z');
const web = Labels.fromRecord({ job: 'web' });

describe('recurring silences (Kansoku extension)', () => {
  it('mutes only inside the window while active, and survives a reload', async () => {
    const clock = new ManualClock(SAT + 1 * H);
    const file = path.join(dir, 's.json');
    const s = new Silences({ clock, file, retentionMs: 120 * H });
    const id = await s.set({
      matchers: [{ name: 'job', value: 'web', isRegex: false, isEqual: true }],
      createdBy: 'ops',
      comment: 'weekend backups',
      startsAtMs: SAT,
      endsAtMs: SAT + 30 * D,
      recurrence: {
        weekdays: ['saturday', 'sunday'],
        times: [{ start_time: '02:00', end_time: '04:00' }],
        location: 'UTC',
      },
    });
    assert.deepEqual(s.mutes(web), [], 'Saturday 01:00 is outside 02:00–04:00');
    assert.deepEqual(s.mutes(web, SAT + 3 * H), [id]);
    assert.deepEqual(s.mutes(web, SAT + D + 2 * H), [id], 'Sunday 02:00');
    assert.deepEqual(s.mutes(web, SAT + 2 * D + 3 * H), [], 'Monday');
    assert.deepEqual(s.mutes(web, SAT + 7 * D + 3 * H), [id], 'next Saturday');
    await s.flush();
    const again = new Silences({ clock, file, retentionMs: 120 * H });
    await again.load();
    assert.deepEqual(again.get(id)?.recurrence?.['weekdays'], ['saturday', 'sunday']);
    assert.deepEqual(again.mutes(web, SAT + 3 * H), [id]);
    assert.deepEqual(again.mutes(web, SAT + 5 * H), []);
  });

  it('rejects an invalid recurrence', async () => {
    const s = new Silences({ clock: new ManualClock(SAT), retentionMs: H });
    await assert.rejects(
      s.set({
        matchers: [{ name: 'job', value: 'web', isRegex: false, isEqual: true }],
        createdBy: 'ops',
        comment: '',
        startsAtMs: SAT,
        endsAtMs: SAT + D,
        recurrence: { weekdays: ['someday'] },
      }),
      (e: unknown) => e instanceof SilenceError && /invalid recurrence: someday/.test(e.message),
    );
  });
});
