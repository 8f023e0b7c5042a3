/**
 * Power-loss simulation: a file system that forgets everything not made durable (data not
 * fdatasynced, file names not made durable by a directory fsync). With the `commit` policy every
 * record whose sync() resolved must survive, whatever else is lost or torn.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { Logger } from '../../util/index.js';
import { Wal, nodeWalFs } from './index.js';
import type { WalFile, WalFs, WalFsyncPolicy, WalOpenMode } from './index.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'kansoku-wal-power-'));
  dirs.push(d);
  return d;
}

/** Tracks what would survive a power cut: synced sizes and names made durable. */
class PowerLossFs implements WalFs {
  private readonly inner = nodeWalFs();
  /** Durable size of each file written through this file system. */
  private readonly durable = new Map<string, number>();
  /** Files (or renamed directories) whose name is not yet durable, by parent directory. */
  private readonly undurableNames = new Map<string, string>();

  mkdir(dir: string): Promise<void> {
    return this.inner.mkdir(dir);
  }
  readdir(dir: string): Promise<string[]> {
    return this.inner.readdir(dir);
  }
  isDir(p: string): Promise<boolean> {
    return this.inner.isDir(p);
  }
  size(p: string): Promise<number> {
    return this.inner.size(p);
  }
  remove(p: string): Promise<void> {
    this.durable.delete(p);
    this.undurableNames.delete(p);
    return this.inner.remove(p);
  }
  async rename(from: string, to: string): Promise<void> {
    await this.inner.rename(from, to);
    for (const [p, size] of [...this.durable]) {
      if (p === from || p.startsWith(from + '/')) {
        this.durable.delete(p);
        this.durable.set(to + p.slice(from.length), size);
      }
    }
    this.undurableNames.set(to, path.dirname(to));
  }
  async syncDir(dir: string): Promise<void> {
    await this.inner.syncDir(dir);
    for (const [p, parent] of [...this.undurableNames]) {
      if (parent === dir) this.undurableNames.delete(p);
    }
  }
  async open(p: string, mode: WalOpenMode): Promise<WalFile> {
    const f = await this.inner.open(p, mode);
    if (mode === 'create') {
      this.durable.set(p, 0);
      this.undurableNames.set(p, path.dirname(p));
    }
    return {
      read: (b, o, l, pos) => f.read(b, o, l, pos),
      write: (b, o, l, pos) => f.write(b, o, l, pos),
      datasync: async () => {
        await f.datasync();
        this.durable.set(p, await f.size());
      },
      truncate: async (len) => {
        await f.truncate(len);
        const d = this.durable.get(p);
        if (d !== undefined && d > len) this.durable.set(p, len);
      },
      size: () => f.size(),
      close: () => f.close(),
    };
  }

  /**
   * Cuts the power: names not made durable vanish, and each file keeps its durable bytes plus
   * a random part of the rest (a torn write).
   */
  cut(rand: () => number): void {
    for (const p of this.undurableNames.keys()) rmSync(p, { recursive: true, force: true });
    for (const [p, size] of this.durable) {
      if (!existsSync(p)) continue;
      const actual = statSync(p).size;
      if (actual > size) truncateSync(p, size + Math.floor(rand() * (actual - size)));
    }
  }
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a * 1664525 + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

/** Writes records, some synced, cuts the power, and returns [synced refs, replayed refs]. */
async function scenario(policy: WalFsyncPolicy, seed: number): Promise<[number[], number[]]> {
  const dir = tmp();
  const fs = new PowerLossFs();
  const rand = rng(seed);
  const w = await Wal.open(dir, { logger: Logger.nop(), fs, fsync: policy, segmentBytes: 4096 });
  w.logSeries([1], [Labels.fromRecord({ __name__: 'm' })]);
  const synced: number[] = [];
  let checkpointed = false;
  for (let ref = 0; ref < 120; ref++) {
    const n = 1 + Math.floor(rand() * 30);
    w.logSamples(new Uint32Array(n).fill(ref), new Float64Array(n), new Float64Array(n), n);
    if (rand() < 0.6) {
      await w.sync();
      synced.push(ref);
    }
    if (ref === 60) {
      await w.sync();
      synced.push(ref);
      await w.checkpoint(
        await w.cut(),
        () => true,
        () => true,
      );
      checkpointed = true;
    }
  }
  assert.ok(checkpointed);
  // Unsynced records may have been written by background or rollover writes; drop the rest.
  fs.cut(rand);

  const replayed: number[] = [];
  const w2 = await Wal.open(dir, { logger: Logger.nop() });
  await w2.replay((r) => {
    if (r.kind === 'samples') replayed.push(r.refs[0]!);
  });
  await w2.close();
  return [synced, replayed];
}

describe('Wal after a power cut', () => {
  it("keeps every synced record with fsync 'commit'", async () => {
    for (let seed = 1; seed <= 8; seed++) {
      const [synced, replayed] = await scenario('commit', seed);
      const got = new Set(replayed);
      for (const ref of synced) assert.ok(got.has(ref), `seed ${seed}: synced record ${ref} lost`);
      // Whatever survives is a prefix-consistent sequence: in order, no duplicates.
      assert.deepEqual(
        replayed,
        [...replayed].sort((a, b) => a - b),
      );
      assert.equal(new Set(replayed).size, replayed.length);
    }
  });

  it("may lose synced records with fsync 'never' (the simulation bites)", async () => {
    let lost = 0;
    for (let seed = 1; seed <= 4; seed++) {
      const [synced, replayed] = await scenario('never', seed);
      const got = new Set(replayed);
      lost += synced.filter((r) => !got.has(r)).length;
    }
    assert.ok(lost > 0);
  });

  it('leaves either the old or the new checkpoint', async () => {
    const dir = tmp();
    const fs = new PowerLossFs();
    const w = await Wal.open(dir, { logger: Logger.nop(), fs, segmentBytes: 4096 });
    w.logSamples(new Uint32Array([5]), new Float64Array([1]), new Float64Array([1]), 1);
    await w.checkpoint(
      await w.cut(),
      () => true,
      () => true,
    );
    fs.cut(rng(3));
    const names = readdirSync(dir);
    assert.ok(names.includes('checkpoint.00000001'), names.join(','));
    const refs: number[] = [];
    const w2 = await Wal.open(dir, { logger: Logger.nop() });
    await w2.replay((r) => {
      if (r.kind === 'samples') refs.push(r.refs[0]!);
    });
    await w2.close();
    assert.deepEqual(refs, [5]);
  });
});
