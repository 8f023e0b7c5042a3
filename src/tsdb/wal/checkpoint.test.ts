import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Labels, STALE_NAN, isStaleNaN } from '../../model/index.js';
import { Logger } from '../../util/index.js';
import { Wal } from './index.js';
import type { WalRecord } from './index.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'kansoku-wal-ck-'));
  dirs.push(d);
  return d;
}

const quiet = { logger: Logger.nop() };

/** Logs series refs 1..10 and samples t = base..base+9 for each, one segment per call. */
async function fill(w: Wal, base: number, withSeries: boolean): Promise<number> {
  if (withSeries) {
    const refs = Array.from({ length: 10 }, (_, i) => i + 1);
    w.logSeries(
      refs,
      refs.map((r) => Labels.fromRecord({ __name__: 'm', id: String(r) })),
    );
  }
  const refs = new Uint32Array(100);
  const ts = new Float64Array(100);
  const vs = new Float64Array(100);
  for (let i = 0; i < 100; i++) {
    refs[i] = (i % 10) + 1;
    ts[i] = base + Math.floor(i / 10);
    vs[i] = ts[i]! === 5 ? STALE_NAN : ts[i]!;
  }
  w.logSamples(refs, ts, vs, 100);
  return w.cut();
}

interface Seen {
  series: number[];
  samples: string[];
  tombstones: string[];
  stale: number;
}

async function collect(dir: string): Promise<Seen> {
  const seen: Seen = { series: [], samples: [], tombstones: [], stale: 0 };
  const w = await Wal.open(dir, quiet);
  await w.replay((r: WalRecord) => {
    switch (r.kind) {
      case 'series':
        seen.series.push(...r.refs);
        break;
      case 'samples':
        for (let i = 0; i < r.count; i++) {
          seen.samples.push(`${r.refs[i]}@${r.ts[i]}`);
          if (isStaleNaN(r.vs[i]!)) seen.stale++;
        }
        break;
      case 'tombstones':
        for (let i = 0; i < r.refs.length; i++) {
          seen.tombstones.push(`${r.refs[i]}:${r.mint[i]}-${r.maxt[i]}`);
        }
        break;
    }
  });
  await w.close();
  return seen;
}

const even = (ref: number) => ref % 2 === 0;

describe('Wal.checkpoint', () => {
  it('keeps what the filters keep, replays it first and removes replaced segments', async () => {
    const dir = tmp();
    const w = await Wal.open(dir, quiet);
    await fill(w, 0, true); // segment 1: t 0..9
    w.logTombstones([2, 3, 4], [0, 0, 0], [3, 3, 8]);
    const second = await fill(w, 10, false); // segment 2: t 10..19
    await fill(w, 20, false); // segment 3 stays
    await w.checkpoint(second, even, (ref, t) => even(ref) && t >= 5);
    assert.deepEqual(readdirSync(dir).sort(), ['00000003', 'checkpoint.00000002']);
    assert.equal(w.sizeBytes(), dirBytes(dir));
    assert.equal(w.stats().checkpoints, 1);
    await w.close();

    const seen = await collect(dir);
    assert.deepEqual(seen.series, [2, 4, 6, 8, 10]);
    assert.deepEqual(seen.tombstones, ['4:0-8']);
    const expected: string[] = [];
    for (let t = 5; t < 20; t++) for (let r = 2; r <= 10; r += 2) expected.push(`${r}@${t}`);
    for (let t = 20; t < 30; t++) for (let r = 1; r <= 10; r++) expected.push(`${r}@${t}`);
    assert.deepEqual(seen.samples, expected);
    assert.equal(seen.stale, 5); // the staleness markers at t=5 kept their bits
  });

  it('folds the previous checkpoint into the next one', async () => {
    const dir = tmp();
    const w = await Wal.open(dir, quiet);
    const s1 = await fill(w, 0, true);
    await w.checkpoint(
      s1,
      () => true,
      (_r, t) => t >= 8,
    );
    const s2 = await fill(w, 10, false);
    await w.checkpoint(
      s2,
      (ref) => ref <= 3,
      (ref, t) => ref <= 3 && t >= 9,
    );
    assert.deepEqual(readdirSync(dir), ['checkpoint.00000002']);
    await w.close();
    const seen = await collect(dir);
    assert.deepEqual(seen.series, [1, 2, 3]);
    const expected: string[] = [];
    for (let t = 9; t < 20; t++) for (let r = 1; r <= 3; r++) expected.push(`${r}@${t}`);
    assert.deepEqual(seen.samples, expected);
    // Writing continues after the checkpoint with a fresh segment number.
    const w2 = await Wal.open(dir, quiet);
    await w2.replay(() => undefined);
    assert.equal(await fill(w2, 30, false), 3);
    await w2.close();
  });

  it('refuses a segment that is still being written', async () => {
    const w = await Wal.open(tmp(), quiet);
    w.logSamples(new Uint32Array([1]), new Float64Array([1]), new Float64Array([1]), 1);
    await w.sync();
    await assert.rejects(
      w.checkpoint(
        1,
        () => true,
        () => true,
      ),
      /still being written; call cut\(\) first/,
    );
    await w.close();
  });

  it('removes leftovers of an interrupted checkpoint on open', async () => {
    const dir = tmp();
    const w = await Wal.open(dir, quiet);
    const s1 = await fill(w, 0, true);
    await fill(w, 10, false);
    await w.checkpoint(
      s1,
      () => true,
      () => true,
    );
    await w.close();
    // A crash after the rename left the replaced segment and a half-written next checkpoint.
    writeFileSync(path.join(dir, '00000001'), 'stale');
    mkdirSync(path.join(dir, 'checkpoint.00000002.tmp'));
    const seen = await collect(dir);
    assert.deepEqual(readdirSync(dir).sort(), ['00000002', 'checkpoint.00000001']);
    assert.equal(seen.samples.length, 200);
  });

  it('does nothing when no closed segment is covered', async () => {
    const dir = tmp();
    const w = await Wal.open(dir, quiet);
    await w.checkpoint(
      5,
      () => true,
      () => true,
    );
    assert.deepEqual(readdirSync(dir), []);
    await w.close();
  });

  it('runs beside writes: records logged during a checkpoint are all replayed once', async () => {
    const dir = tmp();
    const w = await Wal.open(dir, quiet);
    const s1 = await fill(w, 0, true);
    const ck = w.checkpoint(
      s1,
      () => true,
      () => true,
    );
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      w.logSamples(new Uint32Array([1]), new Float64Array([1000 + i]), new Float64Array([i]), 1);
      writes.push(w.sync());
    }
    await Promise.all([ck, ...writes]);
    await w.close();
    const seen = await collect(dir);
    const late = seen.samples.filter((x) => Number(x.split('@')[1]) >= 1000);
    assert.deepEqual(
      late,
      Array.from({ length: 20 }, (_, i) => `1@${1000 + i}`),
    );
    assert.equal(seen.samples.length, 100 + 20);
  });

  it('replays the readable part of a damaged checkpoint and then the segments', async () => {
    const dir = tmp();
    const w = await Wal.open(dir, quiet);
    const s1 = await fill(w, 0, true);
    await w.checkpoint(
      s1,
      () => true,
      () => true,
    );
    await fill(w, 10, false);
    await w.close();
    const file = path.join(dir, 'checkpoint.00000001', '00000001');
    const buf = readFileSync(file);
    buf[buf.length - 5] = buf[buf.length - 5]! ^ 0xff; // inside the samples record
    writeFileSync(file, buf);
    const warnings: string[] = [];
    const logger = new Logger({
      level: 'warn',
      format: 'json',
      sink: { write: (l: string) => warnings.push(l) },
    });
    const w2 = await Wal.open(dir, { logger });
    let samples = 0;
    let series = 0;
    await w2.replay((r) => {
      if (r.kind === 'samples') samples += r.count;
      if (r.kind === 'series') series += r.refs.length;
    });
    await w2.close();
    assert.equal(series, 10); // the series record before the damage
    assert.equal(samples, 100); // only segment 2's samples
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /checkpoint is damaged/);
  });
});

function dirBytes(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir)) {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) n += dirBytes(p);
    else n += statSync(p).size;
  }
  return n;
}
