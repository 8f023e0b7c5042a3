/**
 * Durability under `kill -9`: remote-write senders run against the server while it is killed
 * with SIGKILL several times and restarted on the same data directory. The server must start
 * every time, and after the last kill the database must hold every sample that was answered
 * with 2xx, with its exact value (and nothing that was never sent).
 */
import assert from 'node:assert/strict';
import { appendFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Matcher, MAX_TIME, MIN_TIME } from '../../src/model/index.js';
import { WriteRequestEncoder, encodeSnappyBody } from '../../src/parsers/index.js';
import { openDB } from '../../src/tsdb/index.js';
import { Logger } from '../../src/util/index.js';
import {
  makeTemp,
  removeTemp,
  startKansoku,
  waitFor200,
  type KansokuProcess,
} from './server-harness.js';

const METRIC = 'kansoku_crash_test';
const KILLS = 5;
const SENDERS = 3;
const SERIES_PER_SENDER = 4;
/** Upper bound of the whole test; each round is much shorter. */
const TEST_TIMEOUT_MS = 55_000;

/** Deterministic PRNG (mulberry32) so kill times are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The value sent for a sample: exact in float64 and different for every series and time. */
function valueOf(series: number, t: number): number {
  return (t % 100_000) / 8 + series * 1_000_000;
}

/** What was sent and what was acknowledged, per series id. */
class Ledger {
  /** Last timestamp sent per series (timestamps only grow, acknowledged or not). */
  readonly lastT = new Map<number, number>();
  /** Acknowledged timestamps per series. */
  readonly acked = new Map<number, number[]>();
  ackedTotal = 0;

  nextT(series: number): number {
    const t = Math.max((this.lastT.get(series) ?? 0) + 1, Date.now());
    this.lastT.set(series, t);
    return t;
  }

  ack(series: number, ts: readonly number[]): void {
    let list = this.acked.get(series);
    if (list === undefined) this.acked.set(series, (list = []));
    list.push(...ts);
    this.ackedTotal += ts.length;
  }
}

/** Sends remote-write requests until aborted or the server goes away. */
async function sender(id: number, base: string, ledger: Ledger, stop: AbortSignal) {
  const enc = new WriteRequestEncoder();
  let requests = 0;
  while (!stop.aborted) {
    enc.reset();
    const batch: [number, number[]][] = [];
    for (let k = 0; k < SERIES_PER_SENDER; k++) {
      const series = id * SERIES_PER_SENDER + k;
      const ts = [ledger.nextT(series), ledger.nextT(series)];
      enc.addSeries(
        ['__name__', METRIC, 'series', String(series)],
        ts,
        ts.map((t) => valueOf(series, t)),
      );
      batch.push([series, ts]);
    }
    const body = encodeSnappyBody(enc.writer.finish());
    let res: Response;
    try {
      res = await fetch(`${base}/api/v1/write`, {
        method: 'POST',
        body,
        headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' },
        signal: AbortSignal.timeout(5000),
      });
    } catch {
      return requests; // killed: the connection is gone
    }
    await res.arrayBuffer();
    if (res.status >= 200 && res.status < 300) {
      for (const [series, ts] of batch) ledger.ack(series, ts);
    } else if (res.status < 500) {
      throw new Error(`remote write rejected with ${res.status}`);
    }
    requests++;
  }
  return requests;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Appends the start of a record that never finished to the newest WAL segment. */
async function tearWalTail(dataDir: string, rand: () => number): Promise<void> {
  const wal = path.join(dataDir, 'wal');
  const segments = (await readdir(wal)).filter((n) => /^\d+$/.test(n)).sort();
  const last = segments[segments.length - 1];
  assert.ok(last !== undefined, 'no WAL segment to tear');
  // A samples record header announcing 4000 payload bytes, followed by only a few of them.
  const torn = Buffer.alloc(9 + Math.floor(rand() * 200));
  torn[0] = 2;
  torn.writeUInt32LE(4000, 1);
  for (let i = 9; i < torn.length; i++) torn[i] = Math.floor(rand() * 256);
  await appendFile(path.join(wal, last), torn);
}

/** Reads every sample of the test metric: series id → [t, v] pairs. */
async function readBack(dataDir: string): Promise<Map<number, [number, number][]>> {
  const db = await openDB(dataDir, { logger: Logger.nop() });
  const out = new Map<number, [number, number][]>();
  try {
    const q = await db.querier(MIN_TIME, MAX_TIME);
    try {
      const set = await q.select(false, undefined, [new Matcher('=', '__name__', METRIC)]);
      while (set.next()) {
        const s = set.at();
        const id = Number(s.labels.get('series'));
        const samples: [number, number][] = [];
        const it = s.iterator();
        while (it.next() !== 'none') samples.push([it.atT(), it.atF()]);
        assert.equal(it.err(), undefined);
        out.set(id, samples);
      }
      assert.equal(set.err(), undefined);
    } finally {
      q.close();
    }
  } finally {
    await db.close();
  }
  return out;
}

describe('crash durability (kill -9 during remote write)', () => {
  let tmp = '';
  let k: KansokuProcess | undefined;
  after(async () => {
    if (k !== undefined && k.child.exitCode === null && k.child.signalCode === null) {
      await k.stop('SIGKILL');
    }
    if (tmp !== '') await removeTemp(tmp);
  });

  it(
    'keeps every acknowledged sample across repeated SIGKILLs',
    { timeout: TEST_TIMEOUT_MS },
    async (t) => {
      tmp = await makeTemp();
      const dataDir = `${tmp}/data`;
      const ledger = new Ledger();
      const rand = rng(7);
      const deadline = Date.now() + TEST_TIMEOUT_MS - 15_000;
      let kills = 0;
      let repairs = 0; // torn WAL tails the restarts reported
      for (let round = 0; round < KILLS && Date.now() < deadline; round++) {
        k = await startKansoku(dataDir); // rejects when the server does not come up
        assert.equal(await waitFor200(`${k.base}/-/ready`), 200, `round ${round}: not ready`);
        const stop = new AbortController();
        const before = ledger.ackedTotal;
        const senders = Array.from({ length: SENDERS }, (_, id) =>
          sender(id, k!.base, ledger, stop.signal),
        );
        // Let writes flow (at least one acknowledged), then kill at a random moment.
        const waitUntil = Date.now() + 5000;
        while (ledger.ackedTotal === before && Date.now() < waitUntil) await sleep(10);
        await sleep(100 + Math.floor(rand() * 700));
        const { code } = await k.stop('SIGKILL');
        repairs += (k.stderr().match(/truncating torn or corrupt WAL tail/g) ?? []).length;
        assert.equal(code, 'SIGKILL');
        kills++;
        stop.abort();
        await Promise.all(senders);
        assert.ok(ledger.ackedTotal > before, `round ${round}: no write was acknowledged`);
        // Every other round, also leave a torn record behind, as a power cut in the middle of
        // an unacknowledged write would: the next start must cut it off and carry on.
        if (round % 2 === 1) await tearWalTail(dataDir, rand);
      }
      assert.ok(kills >= 3, `only ${kills} kill rounds fit in the time budget`);

      // The server must also come up on the state the last kill left behind.
      k = await startKansoku(dataDir);
      assert.equal(await waitFor200(`${k.base}/-/ready`), 200, 'not ready after the last kill');
      await k.stop('SIGKILL');
      repairs += (k.stderr().match(/truncating torn or corrupt WAL tail/g) ?? []).length;
      assert.ok(repairs >= 1, 'no restart reported cutting off a torn WAL tail');

      const stored = await readBack(dataDir);
      let checked = 0;
      for (const [series, ackedTs] of ledger.acked) {
        const samples = stored.get(series) ?? [];
        const have = new Map(samples);
        for (const t of ackedTs) {
          assert.ok(have.has(t), `series ${series}: acknowledged sample at ${t} is missing`);
          assert.equal(have.get(t), valueOf(series, t), `series ${series} at ${t}`);
          checked++;
        }
      }
      // Samples stored beyond the acknowledged ones were sent (their answer was lost in the
      // kill); they must carry the value that was sent.
      for (const [series, samples] of stored) {
        const last = ledger.lastT.get(series) ?? -1;
        for (const [t, v] of samples) {
          assert.ok(t <= last, `series ${series}: sample at ${t} was never sent`);
          assert.equal(v, valueOf(series, t), `series ${series} at ${t}`);
        }
      }
      assert.equal(checked, ledger.ackedTotal);
      assert.ok(checked > 0);
      t.diagnostic(
        `${kills} kills, ${checked} acknowledged samples verified, ${repairs} torn WAL tails repaired`,
      );
    },
  );
});
