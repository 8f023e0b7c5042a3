import assert from 'node:assert/strict';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import { Logger } from '../../util/index.js';
import { Wal } from './index.js';
import type { WalOptions } from './index.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'kansoku-wal-replay-'));
  dirs.push(d);
  return d;
}

/** A logger that keeps warnings as parsed logfmt-like field maps. */
function capture(): { opts: Partial<WalOptions>; warnings: string[] } {
  const warnings: string[] = [];
  const logger = new Logger({
    level: 'warn',
    format: 'json',
    sink: { write: (line: string) => warnings.push(line) },
  });
  return { opts: { logger }, warnings };
}

/** Writes `n` samples records (ref i, ts i) after one series record; returns record end offsets. */
async function build(dir: string, n: number, opts: Partial<WalOptions> = {}): Promise<number[]> {
  const w = await Wal.open(dir, { logger: Logger.nop(), ...opts });
  const ends: number[] = [];
  w.logSeries([1], [Labels.fromRecord({ __name__: 'm' })]);
  await w.sync();
  ends.push(w.sizeBytes());
  for (let i = 0; i < n; i++) {
    const k = 5 + i;
    const refs = new Uint32Array(k).fill(i);
    const ts = new Float64Array(k).map((_, j) => i * 1000 + j);
    w.logSamples(refs, ts, new Float64Array(k).fill(i / 3), k);
    await w.sync();
    ends.push(w.sizeBytes());
  }
  await w.close();
  return ends;
}

/** Replays and returns the sample-record indexes seen (the ref of each record). */
async function replayRefs(dir: string, opts: Partial<WalOptions>): Promise<number[]> {
  const w = await Wal.open(dir, opts);
  const refs: number[] = [];
  await w.replay((r) => {
    if (r.kind === 'samples') refs.push(r.refs[0]!);
  });
  await w.close();
  return refs;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('Wal replay of damaged segments', () => {
  const template = tmp();
  let ends: number[] = [];
  before(async () => {
    ends = await build(template, 4);
  });

  it('truncates a torn last record at every byte offset, then accepts writes', async () => {
    const start = ends[ends.length - 2]!;
    const end = ends[ends.length - 1]!;
    assert.ok(end - start > 50);
    for (let off = start; off < end; off++) {
      const dir = tmp();
      cpSync(template, dir, { recursive: true });
      truncateSync(path.join(dir, '00000001'), off);
      const c = capture();
      assert.deepEqual(await replayRefs(dir, c.opts), range(3), `offset ${off}`);
      if (off > start) {
        assert.equal(c.warnings.length, 1, `offset ${off}`);
        const wrn = JSON.parse(c.warnings[0]!) as Record<string, unknown>;
        assert.equal(wrn.segment, '00000001');
        assert.equal(wrn.offset, start);
      } else {
        assert.equal(c.warnings.length, 0);
      }
      assert.equal(statSync(path.join(dir, '00000001')).size, start);
      if (off % 16 === 0) {
        // The repaired WAL takes new records after the kept ones.
        const w = await Wal.open(dir, { logger: Logger.nop() });
        await w.replay(() => undefined);
        w.logSamples(new Uint32Array([99]), new Float64Array([1]), new Float64Array([1]), 1);
        await w.close();
        assert.deepEqual(await replayRefs(dir, { logger: Logger.nop() }), [...range(3), 99]);
      }
      rmSync(dir, { recursive: true });
    }
  });

  it('truncates a corrupt last record at every byte offset', async () => {
    const start = ends[ends.length - 2]!;
    const end = ends[ends.length - 1]!;
    const orig = readFileSync(path.join(template, '00000001'));
    for (let off = start; off < end; off++) {
      const dir = tmp();
      const bad = Buffer.from(orig);
      bad[off] = bad[off]! ^ 0x5a;
      writeFileSync(path.join(dir, '00000001'), bad);
      const c = capture();
      assert.deepEqual(await replayRefs(dir, c.opts), range(3), `offset ${off}`);
      assert.equal(c.warnings.length, 1, `offset ${off}`);
      assert.equal(statSync(path.join(dir, '00000001')).size, start);
      rmSync(dir, { recursive: true });
    }
  });

  it('stops at a checksum mismatch in the middle and keeps what precedes', async () => {
    const dir = tmp();
    cpSync(template, dir, { recursive: true });
    const file = path.join(dir, '00000001');
    const buf = readFileSync(file);
    const badAt = ends[2]! + 20; // inside the third samples record
    buf[badAt] = buf[badAt]! ^ 1;
    writeFileSync(file, buf);
    const c = capture();
    assert.deepEqual(await replayRefs(dir, c.opts), range(2));
    const wrn = JSON.parse(c.warnings[0]!) as Record<string, unknown>;
    assert.equal(wrn.offset, ends[2]);
    assert.match(String(wrn.reason), /checksum/);
    assert.equal(statSync(file).size, ends[2]);
  });

  it('removes the segments after a corrupt one', async () => {
    const dir = tmp();
    const w = await Wal.open(dir, { logger: Logger.nop() });
    for (let i = 0; i < 4; i++) {
      w.logSamples(new Uint32Array([i]), new Float64Array([i]), new Float64Array([i]), 1);
      await w.cut();
    }
    await w.close();
    const seg2 = path.join(dir, '00000002');
    const buf = readFileSync(seg2);
    buf[buf.length - 3] = buf[buf.length - 3]! ^ 0xff;
    writeFileSync(seg2, buf);
    const c = capture();
    assert.deepEqual(await replayRefs(dir, c.opts), [0]);
    assert.deepEqual(readdirSync(dir).sort(), ['00000001', '00000002']);
    assert.equal(statSync(seg2).size, 8); // only the header is left
    const wrn = JSON.parse(c.warnings[0]!) as Record<string, unknown>;
    assert.equal(wrn.segment, '00000002');
    assert.equal(wrn.removedSegments, '00000003,00000004');
    // New records continue right after the kept segments.
    const w2 = await Wal.open(dir, { logger: Logger.nop() });
    await w2.replay(() => undefined);
    w2.logSamples(new Uint32Array([7]), new Float64Array([7]), new Float64Array([7]), 1);
    await w2.close();
    assert.deepEqual(readdirSync(dir).sort(), ['00000001', '00000002', '00000003']);
    assert.deepEqual(await replayRefs(dir, { logger: Logger.nop() }), [0, 7]);
  });

  it('truncates a zero-filled tail', async () => {
    const dir = tmp();
    cpSync(template, dir, { recursive: true });
    appendFileSync(path.join(dir, '00000001'), Buffer.alloc(4096));
    const c = capture();
    assert.deepEqual(await replayRefs(dir, c.opts), range(4));
    assert.equal(c.warnings.length, 1);
    assert.equal(statSync(path.join(dir, '00000001')).size, ends[ends.length - 1]);
  });

  it('removes a last segment whose header is torn', async () => {
    const dir = tmp();
    cpSync(template, dir, { recursive: true });
    writeFileSync(path.join(dir, '00000002'), Buffer.from('KWA'));
    const c = capture();
    assert.deepEqual(await replayRefs(dir, c.opts), range(4));
    assert.equal(c.warnings.length, 1);
    assert.equal(existsSync(path.join(dir, '00000002')), false);
  });

  it('validates a damaged tail before the first write even without replay', async () => {
    const dir = tmp();
    cpSync(template, dir, { recursive: true });
    truncateSync(path.join(dir, '00000001'), ends[ends.length - 1]! - 3);
    const c = capture();
    const w = await Wal.open(dir, c.opts);
    w.logSamples(new Uint32Array([42]), new Float64Array([1]), new Float64Array([1]), 1);
    await w.close();
    assert.equal(c.warnings.length, 1);
    assert.deepEqual(await replayRefs(dir, { logger: Logger.nop() }), [...range(3), 42]);
  });

  it('logs a gap in segment numbers and replays on', async () => {
    const dir = tmp();
    const w = await Wal.open(dir, { logger: Logger.nop() });
    for (let i = 0; i < 3; i++) {
      w.logSamples(new Uint32Array([i]), new Float64Array([i]), new Float64Array([i]), 1);
      await w.cut();
    }
    await w.close();
    rmSync(path.join(dir, '00000002'));
    const c = capture();
    assert.deepEqual(await replayRefs(dir, c.opts), [0, 2]);
    assert.equal(c.warnings.length, 1);
    assert.match(c.warnings[0]!, /not consecutive/);
  });

  it('reports replay statistics', async () => {
    const w = await Wal.open(template, { logger: Logger.nop() });
    const st = await w.replay(() => undefined);
    await w.close();
    assert.equal(st.checkpoint, -1);
    assert.equal(st.segments, 1);
    assert.equal(st.records, 5);
    assert.equal(st.series, 1);
    assert.equal(st.samples, 5 + 6 + 7 + 8);
    assert.equal(st.truncatedBytes, 0);
  });
});
