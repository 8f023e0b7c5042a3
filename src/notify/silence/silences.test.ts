import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { ManualClock } from '../util/clock.js';
import { SilenceError, Silences, silenceState } from './silences.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-silences-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const H = 3_600_000;
const base = {
  matchers: [{ name: 'job', value: 'api|web', isRegex: true, isEqual: true }],
  createdBy: 'ops',
  comment: 'deploy',
};

describe('silences', () => {
  it('creates, updates in place, replaces and expires with persistence', async () => {
    const clock = new ManualClock(1_000_000);
    const file = path.join(dir, 'silences.json');
    const s = new Silences({ clock, file, retentionMs: 120 * H });
    const now = clock.now();
    const id = await s.set({ ...base, startsAtMs: now - 1000, endsAtMs: now + H });
    assert.equal(s.get(id)?.startsAtMs, now, 'a start in the past moves to now');
    assert.deepEqual(s.mutes(Labels.fromRecord({ job: 'web' })), [id]);
    assert.deepEqual(s.mutes(Labels.fromRecord({ job: 'db' })), []);
    // Changing only the end and comment keeps the id.
    const same = await s.set({
      ...base,
      id,
      comment: 'longer',
      startsAtMs: now,
      endsAtMs: now + 2 * H,
    });
    assert.equal(same, id);
    // Changing the matchers expires the old silence and creates a new one.
    const other = await s.set({
      ...base,
      id,
      matchers: [{ name: 'job', value: 'api', isRegex: false, isEqual: true }],
      startsAtMs: now,
      endsAtMs: now + H,
    });
    assert.notEqual(other, id);
    await clock.advance(1);
    assert.equal(silenceState(s.get(id) ?? assert.fail(), clock.now()), 'expired');
    await s.expire(other);
    await assert.rejects(s.expire(other), SilenceError);
    await assert.rejects(
      s.set({ ...base, id: 'nope', startsAtMs: now, endsAtMs: now + H }),
      /not found/,
    );
    await s.flush();
    const saved: unknown = JSON.parse(readFileSync(file, 'utf8'));
    assert.ok(Array.isArray(saved) && saved.length === 2);
    const reloaded = new Silences({ clock, file, retentionMs: 120 * H });
    await reloaded.load();
    assert.equal(reloaded.list().length, 2);
    await clock.advance(121 * H);
    assert.equal(await reloaded.gc(), 2);
    await reloaded.flush();
  });

  it('rejects invalid silences', async () => {
    const clock = new ManualClock(1_000_000);
    const s = new Silences({ clock, retentionMs: H });
    const now = clock.now();
    await assert.rejects(
      s.set({ ...base, matchers: [], startsAtMs: now, endsAtMs: now + H }),
      /at least one matcher required/,
    );
    await assert.rejects(
      s.set({
        ...base,
        matchers: [{ name: 'a', value: '.*', isRegex: true, isEqual: true }],
        startsAtMs: now,
        endsAtMs: now + H,
      }),
      /must not match the empty string/,
    );
    await assert.rejects(
      s.set({ ...base, startsAtMs: now, endsAtMs: now - 1 }),
      /end time must not be before start time/,
    );
  });
});
