import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { Labels, MAX_TIME, MIN_TIME, STALE_NAN, isStaleNaN } from '../../model/index.js';
import { Logger } from '../../util/index.js';
import { FaultInjectingFs, Wal, crc32, crc32Table, nodeWalFs } from './index.js';
import type { WalOptions, WalRecord } from './index.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'kansoku-wal-'));
  dirs.push(d);
  return d;
}

const quiet: Partial<WalOptions> = { logger: Logger.nop() };

/** A plain copy of a record (samples arrays are reused by replay). */
type Plain =
  | { kind: 'series'; refs: number[]; labels: string[][] }
  | { kind: 'samples'; refs: number[]; ts: number[]; vs: string[] }
  | { kind: 'tombstones'; refs: number[]; mint: number[]; maxt: number[] };

/** Hex of each float64's bytes, read from the typed array (number[] would canonicalise NaNs). */
function bitsOf(vs: Float64Array): string[] {
  const out: string[] = [];
  const b = Buffer.from(vs.buffer, vs.byteOffset, vs.length * 8);
  for (let i = 0; i < vs.length; i++) out.push(b.toString('hex', i * 8, i * 8 + 8));
  return out;
}

function bits(v: number): string {
  return bitsOf(new Float64Array([v]))[0]!;
}

const STALE_BITS = (() => {
  const a = new Float64Array(1);
  a[0] = STALE_NAN;
  return bitsOf(a)[0]!;
})();

function plain(r: WalRecord): Plain {
  switch (r.kind) {
    case 'series':
      return { kind: 'series', refs: [...r.refs], labels: r.labels.map((l) => [...l.flat]) };
    case 'samples':
      return { kind: 'samples', refs: [...r.refs], ts: [...r.ts], vs: bitsOf(r.vs) };
    case 'tombstones':
      return { kind: 'tombstones', refs: [...r.refs], mint: [...r.mint], maxt: [...r.maxt] };
  }
}

async function readAll(dir: string, opts: Partial<WalOptions> = quiet): Promise<Plain[]> {
  const w = await Wal.open(dir, opts);
  const out: Plain[] = [];
  await w.replay((r) => out.push(plain(r)));
  await w.close();
  return out;
}

function samples(refs: number[], ts: number[], vs: number[]) {
  return [new Uint32Array(refs), new Float64Array(ts), new Float64Array(vs), refs.length] as const;
}

describe('Wal', () => {
  it('round-trips series, samples and tombstones in order', async () => {
    const dir = tmp();
    const w = await Wal.open(dir, quiet);
    const long = 'x'.repeat(200) + 'ü'.repeat(9000);
    w.logSeries(
      [1, 2, 2 ** 40],
      [
        Labels.fromRecord({ __name__: 'up', job: 'node' }),
        Labels.fromRecord({ __name__: 'büß', long }),
        Labels.EMPTY,
      ],
    );
    const s1 = samples([1, 2, 1], [1000, 1015, 2000], [1, 0, -0]);
    s1[2][1] = STALE_NAN; // set in the typed array: number[] literals canonicalise NaNs
    w.logSamples(...s1);
    w.logTombstones([2], [MIN_TIME], [MAX_TIME]);
    w.logSamples(...samples([7, 3], [MIN_TIME, MAX_TIME], [Infinity, NaN])); // raw timestamps
    await w.sync();
    await w.close();

    const got = await readAll(dir);
    assert.deepEqual(got, [
      {
        kind: 'series',
        refs: [1, 2, 2 ** 40],
        labels: [['__name__', 'up', 'job', 'node'], ['__name__', 'büß', 'long', long], []],
      },
      {
        kind: 'samples',
        refs: [1, 2, 1],
        ts: [1000, 1015, 2000],
        vs: [bits(1), STALE_BITS, bits(-0)],
      },
      { kind: 'tombstones', refs: [2], mint: [MIN_TIME], maxt: [MAX_TIME] },
      { kind: 'samples', refs: [7, 3], ts: [MIN_TIME, MAX_TIME], vs: [bits(Infinity), bits(NaN)] },
    ]);
  });

  it('copies its input: callers may reuse arrays after logSamples returns', async () => {
    const dir = tmp();
    const w = await Wal.open(dir, quiet);
    const refs = new Uint32Array(4);
    const ts = new Float64Array(4);
    const vs = new Float64Array(4);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) {
        refs[i] = round * 10 + i;
        ts[i] = round * 1000 + i;
        vs[i] = round + i / 10;
      }
      w.logSamples(refs, ts, vs, round + 1); // count below the array length
    }
    await w.close();
    let stale = 0;
    const got: number[] = [];
    const w2 = await Wal.open(dir, quiet);
    await w2.replay((r) => {
      assert.equal(r.kind, 'samples');
      assert.equal(r.refs.length, r.count);
      for (let i = 0; i < r.count; i++) {
        got.push(r.refs[i]!, r.ts[i]!, r.vs[i]!);
        if (isStaleNaN(r.vs[i]!)) stale++;
      }
    });
    await w2.close();
    assert.deepEqual(
      got,
      [0, 0, 0, 10, 1000, 1, 11, 1001, 1.1, 20, 2000, 2, 21, 2001, 2.1, 22, 2002, 2.2],
    );
    assert.equal(stale, 0);
  });

  it('continues in a new segment after reopening and keeps the order', async () => {
    const dir = tmp();
    for (let i = 0; i < 3; i++) {
      const w = await Wal.open(dir, quiet);
      const seen: number[] = [];
      await w.replay((r) => {
        if (r.kind === 'samples') seen.push(r.ts[0]!);
      });
      assert.deepEqual(seen, [0, 1, 2].slice(0, i));
      w.logSamples(...samples([1], [i], [i]));
      await w.sync();
      await w.close();
    }
    assert.deepEqual(readdirSync(dir).sort(), ['00000001', '00000002', '00000003']);
  });

  it('rolls over to a new segment at segmentBytes without splitting records', async () => {
    const dir = tmp();
    const w = await Wal.open(dir, { ...quiet, segmentBytes: 4096 });
    let expected = 0;
    for (let i = 0; i < 200; i++) {
      const n = 1 + (i % 13);
      const refs = Array.from({ length: n }, (_, k) => k);
      w.logSamples(
        ...samples(
          refs,
          refs.map((k) => i * 100 + k),
          refs.map((k) => k * 0.5),
        ),
      );
      expected += n;
      if (i % 7 === 0) await w.sync();
    }
    await w.sync();
    assert.equal(w.sizeBytes(), dirBytes(dir));
    await w.close();
    const files = readdirSync(dir).sort();
    assert.ok(files.length >= 4, `expected several segments, got ${files.length}`);
    for (const f of files) assert.ok(statSync(path.join(dir, f)).size <= 4096, f);
    let total = 0;
    for (const r of await readAll(dir)) if (r.kind === 'samples') total += r.refs.length;
    assert.equal(total, expected);
  });

  it('puts a record larger than segmentBytes alone in a segment', async () => {
    const dir = tmp();
    const w = await Wal.open(dir, { ...quiet, segmentBytes: 4096 });
    const n = 2000; // about 20 kB in one record
    const refs = Array.from({ length: n }, (_, k) => k);
    w.logSamples(...samples([1], [1], [1]));
    w.logSamples(...samples(refs, refs, refs));
    w.logSamples(...samples([2], [2], [2]));
    await w.close();
    assert.equal(readdirSync(dir).length, 3);
    const got = await readAll(dir);
    assert.deepEqual(
      got.map((r) => (r.kind === 'samples' ? r.refs.length : -1)),
      [1, n, 1],
    );
  });

  it('cut closes the segment and returns its index', async () => {
    const dir = tmp();
    const w = await Wal.open(dir, quiet);
    assert.equal(await w.cut(), 0); // nothing written yet
    w.logSamples(...samples([1], [1], [1]));
    assert.equal(await w.cut(), 1);
    w.logSamples(...samples([1], [2], [2]));
    await w.sync();
    assert.equal(await w.cut(), 2);
    assert.equal(await w.cut(), 2);
    await w.close();
    const w2 = await Wal.open(dir, quiet);
    assert.equal(await w2.cut(), 2);
    await w2.close();
  });

  it('group-commits concurrent sync callers into few fsyncs', async () => {
    const dir = tmp();
    const fs = new FaultInjectingFs(nodeWalFs());
    const w = await Wal.open(dir, { ...quiet, fs });
    const callers = 64;
    await Promise.all(
      Array.from({ length: callers }, async (_, i) => {
        await Promise.resolve();
        w.logSamples(...samples([i], [i], [i]));
        await w.sync();
      }),
    );
    assert.ok(fs.counters.datasyncs <= 3, `datasyncs: ${fs.counters.datasyncs}`);
    // A sync after everything was written has nothing to do.
    const before = fs.counters.datasyncs;
    await w.sync();
    assert.equal(fs.counters.datasyncs, before);
    const st = w.stats();
    assert.equal(st.fsyncs, fs.counters.datasyncs);
    assert.equal(st.syncRounds, fs.counters.datasyncs);
    assert.equal(st.bytesWritten + 8, w.sizeBytes()); // + the segment header
    assert.equal(st.segmentsCreated, 1);
    assert.equal(st.syncFailures, 0);
    assert.equal(st.pendingBytes, 0);
    await w.close();
    const refs = (await readAll(dir)).flatMap((r) => (r.kind === 'samples' ? r.refs : []));
    assert.deepEqual(
      refs.sort((a, b) => a - b),
      Array.from({ length: callers }, (_, i) => i),
    );
  });

  it('a sync called while a write is in flight waits for a later round that holds its data', async () => {
    const dir = tmp();
    const w = await Wal.open(dir, quiet);
    w.logSamples(...samples([1], [1], [1]));
    const first = w.sync();
    w.logSamples(...samples([2], [2], [2])); // logged after the first round started
    const second = w.sync();
    await Promise.all([first, second]);
    await w.close();
    const refs = (await readAll(dir)).flatMap((r) => (r.kind === 'samples' ? r.refs : []));
    assert.deepEqual(refs, [1, 2]);
  });

  it("does not fsync on commit with fsync 'never' but still writes", async () => {
    const dir = tmp();
    const fs = new FaultInjectingFs(nodeWalFs());
    const w = await Wal.open(dir, { ...quiet, fs, fsync: 'never' });
    w.logSamples(...samples([1], [1], [1]));
    await w.sync();
    assert.equal(fs.counters.datasyncs, 0);
    assert.deepEqual(
      (await readAll(dir)).map((r) => r.kind),
      ['samples'],
    );
    await w.close();
  });

  it('rejects use after close', async () => {
    const w = await Wal.open(tmp(), quiet);
    await w.close();
    assert.throws(() => {
      w.logSamples(...samples([1], [1], [1]));
    }, /closed/);
    await assert.rejects(w.sync(), /closed/);
  });

  it('rejects non-integer series refs without buffering anything', async () => {
    const w = await Wal.open(tmp(), quiet);
    assert.throws(() => {
      w.logSeries([1.5], [Labels.EMPTY]);
    }, RangeError);
    assert.equal(w.pendingBytes(), 0);
    await w.close();
  });
});

describe('Wal records (property)', () => {
  it('round-trips arbitrary samples and label sets bit for bit', async () => {
    const sample = fc.record({
      ref: fc.nat({ max: 0xffffffff }),
      t: fc.oneof(
        fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
        fc.maxSafeInteger(),
        fc.double(),
      ),
      v: fc.double(),
    });
    const labelSet = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }),
      fc.string({ minLength: 1, maxLength: 200, unit: 'grapheme' }),
      { maxKeys: 6 },
    );
    const dir = tmp();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(sample, { maxLength: 300 }), labelSet, async (ss, rec) => {
        const d = path.join(dir, String(run++));
        const labels = Labels.fromRecord(rec);
        const w = await Wal.open(d, { ...quiet, fsync: 'never' });
        w.logSeries([7], [labels]);
        const refs = new Uint32Array(ss.map((x) => x.ref));
        // -0 ms is 0 ms: the delta encoding does not keep the sign of a zero timestamp.
        const ts = new Float64Array(ss.map((x) => (x.t === 0 ? 0 : x.t)));
        const vs = new Float64Array(ss.map((x) => x.v));
        w.logSamples(refs, ts, vs, ss.length);
        await w.close();
        const got = await readAll(d);
        const want: Plain[] = [{ kind: 'series', refs: [7], labels: [[...labels.flat]] }];
        if (ss.length > 0) {
          want.push({ kind: 'samples', refs: [...refs], ts: [...ts], vs: bitsOf(vs) });
        }
        assert.deepEqual(got, want);
        rmSync(d, { recursive: true });
      }),
      { numRuns: 40, seed: 1234 },
    );
  });
});

describe('crc32', () => {
  it('matches the standard check value and the table implementation', () => {
    const check = Buffer.from('123456789');
    assert.equal(crc32Table(check, 0, check.length, 0), 0xcbf43926);
    assert.equal(crc32(check, 0, check.length, 0), 0xcbf43926);
    const data = Buffer.alloc(10000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 0xff;
    for (const [s, e] of [
      [0, 10000],
      [3, 77],
      [1, 9999],
      [100, 164],
    ] as const) {
      assert.equal(crc32(data, s, e, 0), crc32Table(data, s, e, 0));
      const mid = (s + e) >> 1;
      assert.equal(crc32Table(data, mid, e, crc32(data, s, mid, 0)), crc32Table(data, s, e, 0));
    }
  });
});

function dirBytes(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir)) n += statSync(path.join(dir, f)).size;
  return n;
}
