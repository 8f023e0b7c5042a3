import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  runRandomizedDifferential,
  type ConformanceFactory,
} from '../storage/conformance/index.js';
import type { Storage } from '../storage/index.js';
import { Logger } from '../util/index.js';
import { DB, openDB } from './index.js';

const open = (dir: string): Promise<DB> =>
  openDB(dir, { retentionMs: 0, fsync: 'never', logger: Logger.nop() });

function asDB(s: Storage): DB {
  if (!(s instanceof DB)) throw new Error('BUG: not a DB');
  return s;
}

/** Reopens and compacts; compaction flushes the whole head into blocks. */
const factory: ConformanceFactory = {
  open,
  async reopen(db, dir) {
    await db.close();
    return open(dir);
  },
  compact: (db) => asDB(db).compact(true),
};

describe('tsdb DB randomized differential', () => {
  it('matches the reference model across compaction and restart', async () => {
    const r = await runRandomizedDifferential({ factory, seed: 3, phases: 4 });
    assert.ok(r.samples > 0);
    assert.ok(r.compactions > 0);
    assert.ok(r.reopens > 0);
  });

  it('matches the reference model with only the head', async () => {
    const r = await runRandomizedDifferential({
      factory: { open },
      seed: 9,
      phases: 2,
    });
    assert.ok(r.queries > 0);
  });
});
