import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Labels, Matcher } from '../../model/index.js';
import { ManualClock } from '../util/clock.js';
import { AlertHistory } from './history.js';

const dir = await mkdtemp(path.join(tmpdir(), 'kansoku-history-'));
after(() => rm(dir, { recursive: true, force: true }));

const a = Labels.fromRecord({ alertname: 'Down', instance: 'a' });
const b = Labels.fromRecord({ alertname: 'Full', instance: 'b' });

describe('AlertHistory', () => {
  it('records, queries by range and matchers, and survives a restart', async () => {
    const file = path.join(dir, 'h1.jsonl');
    const clock = new ManualClock(1_000_000);
    const h = new AlertHistory({ clock, file, retentionMs: 3_600_000, maxEntries: 100 });
    h.record({ event: 'pending', labels: a, value: 3 });
    await clock.advance(60_000);
    h.record({ event: 'firing', labels: a, value: 4 });
    h.record({ event: 'firing', labels: b });
    h.record({ event: 'notified', labels: a, receiver: 'team/webhook[0]', detail: 'firing' });
    h.record({ event: 'pending', labels: b }, 1_000_000 - 1);
    await h.flush();
    const all = h.query({ startMs: 0, endMs: Infinity, matchers: [] });
    assert.deepEqual(
      all.map((e) => e.event),
      ['pending', 'pending', 'firing', 'firing', 'notified'],
    );
    const onlyA = h.query({
      startMs: 1_000_000,
      endMs: 1_060_000,
      matchers: [new Matcher('=', 'alertname', 'Down')],
    });
    assert.deepEqual(
      onlyA.map((e) => [e.t, e.event]),
      [
        [1_000_000, 'pending'],
        [1_060_000, 'firing'],
        [1_060_000, 'notified'],
      ],
    );
    assert.equal(onlyA[2]?.receiver, 'team/webhook[0]');
    assert.equal(h.query({ startMs: 0, endMs: Infinity, matchers: [], limit: 2 }).length, 2);
    // A torn line after a crash is skipped.
    await appendFile(file, '{"t":12');
    const again = new AlertHistory({ clock, file, retentionMs: 3_600_000, maxEntries: 100 });
    await again.load();
    assert.equal(again.size(), 5);
    assert.deepEqual(again.query({ startMs: 0, endMs: Infinity, matchers: [] }), all);
  });

  it('drops entries past the retention and the entry limit and rewrites the file', async () => {
    const file = path.join(dir, 'h2.jsonl');
    const clock = new ManualClock(0);
    const h = new AlertHistory({ clock, file, retentionMs: 10_000, maxEntries: 3 });
    for (let i = 0; i < 5; i++) {
      h.record({ event: i % 2 === 0 ? 'firing' : 'resolved', labels: a });
      await clock.advance(4_000);
    }
    await h.gc();
    // now 20 s: entries at 0, 4 and 8 s are older than 10 s; 12 and 16 s stay.
    assert.deepEqual(
      h.query({ startMs: 0, endMs: Infinity, matchers: [] }).map((e) => e.t),
      [12_000, 16_000],
    );
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    assert.equal(lines.length, 2);
    for (let i = 0; i < 5; i++) h.record({ event: 'notified', labels: b, receiver: 'r' });
    await h.gc();
    assert.equal(h.size(), 3);
  });

  it('skips a rule state that repeats the last one, also after a restart', async () => {
    const file = path.join(dir, 'h3.jsonl');
    const clock = new ManualClock(5_000);
    const h = new AlertHistory({ clock, file, retentionMs: 3_600_000, maxEntries: 100 });
    h.record({ event: 'firing', labels: a });
    h.record({ event: 'firing', labels: a });
    h.record({ event: 'firing', labels: b });
    await h.flush();
    const again = new AlertHistory({ clock, file, retentionMs: 3_600_000, maxEntries: 100 });
    await again.load();
    again.record({ event: 'firing', labels: a });
    again.record({ event: 'resolved', labels: a });
    again.record({ event: 'firing', labels: a });
    assert.deepEqual(
      again
        .query({ startMs: 0, endMs: Infinity, matchers: [] })
        .map((e) => `${e.labels['alertname']} ${e.event}`),
      ['Down firing', 'Full firing', 'Down resolved', 'Down firing'],
    );
  });
});
