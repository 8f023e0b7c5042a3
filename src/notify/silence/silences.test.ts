import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { ManualClock } from '../util/clock.js';
import { SilenceError, Silences, mergeSilences, silenceState, type Silence } from './silences.js';

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

/** A shared snapshot store with versions, like the PostgreSQL one of high availability. */
class VersionedStore {
  text: string | undefined;
  version = 0;
  conflicts = 0;
  /** Runs once inside the next update, between its read and its write (another server). */
  interleave: (() => Promise<void>) | undefined;

  read(): Promise<string | undefined> {
    return Promise.resolve(this.text);
  }
  write(_name: string, data: string): Promise<void> {
    this.text = data;
    this.version++;
    return Promise.resolve();
  }
  async update(_name: string, fn: (current: string | undefined) => string): Promise<string> {
    for (;;) {
      const seen = this.version;
      const next = fn(this.text);
      const other = this.interleave;
      this.interleave = undefined;
      await other?.();
      if (this.version !== seen) {
        this.conflicts++;
        continue;
      }
      await this.write('', next);
      return next;
    }
  }
}

describe('silences shared by several servers', () => {
  it('merge per silence instead of overwriting another server’s writes', async () => {
    const clock = new ManualClock(1_000_000);
    const store = new VersionedStore();
    const a = new Silences({ clock, retentionMs: 120 * H, store });
    const b = new Silences({ clock, retentionMs: 120 * H, store });
    await a.load();
    await b.load();
    const now = clock.now();
    const x = await a.set({ ...base, startsAtMs: now, endsAtMs: now + H });
    // b has not reloaded since and does not know x; its write must keep x.
    const y = await b.set({ ...base, comment: 'db', startsAtMs: now, endsAtMs: now + H });
    assert.deepEqual(
      b
        .list()
        .map((s) => s.id)
        .sort(),
      [x, y].sort(),
    );
    await a.reload();
    assert.deepEqual(
      a
        .list()
        .map((s) => s.id)
        .sort(),
      [x, y].sort(),
    );
    // An expiry on one server is not undone by the other's older copy.
    await clock.advance(1000);
    await b.expire(x);
    await clock.advance(1000);
    await a.set({ ...base, id: y, comment: 'edited', startsAtMs: now, endsAtMs: now + H });
    await b.reload();
    assert.equal(silenceState(b.get(x)!, clock.now()), 'expired');
    assert.equal(b.get(y)?.comment, 'edited');
  });

  it('retries when another server writes between read and write', async () => {
    const clock = new ManualClock(1_000_000);
    const store = new VersionedStore();
    const a = new Silences({ clock, retentionMs: 120 * H, store });
    const b = new Silences({ clock, retentionMs: 120 * H, store });
    const now = clock.now();
    let y = '';
    store.interleave = async () => {
      y = await b.set({ ...base, comment: 'raced', startsAtMs: now, endsAtMs: now + H });
    };
    const x = await a.set({ ...base, startsAtMs: now, endsAtMs: now + H });
    await b.flush();
    await a.reload();
    assert.ok(store.conflicts >= 1);
    assert.deepEqual(
      a
        .list()
        .map((s) => s.id)
        .sort(),
      [x, y].sort(),
    );
  });

  it('mergeSilences keeps the newest version and drops garbage', () => {
    const s = (id: string, updatedAtMs: number, endsAtMs = 10_000): Silence => ({
      ...base,
      id,
      startsAtMs: 0,
      endsAtMs,
      updatedAtMs,
    });
    const merged = mergeSilences(
      [s('b', 5), s('a', 1), s('old', 1, 10)],
      [s('a', 2), s('c', 1)],
      100,
    );
    assert.deepEqual(
      merged.map((m) => [m.id, m.updatedAtMs]),
      [
        ['a', 2],
        ['b', 5],
        ['c', 1],
      ],
    );
  });
});
