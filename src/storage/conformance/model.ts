/**
 * The randomized differential test: random operations applied to a backend and to the
 * reference model (`MemStorage`), with every answer compared. The embedded TSDB's property test
 * runs it with compaction and reopen between phases.
 */
import assert from 'node:assert/strict';
import { DuplicateSampleError, type Labels } from '../../model/index.js';
import type { Appender, SeriesRef } from '../interface.js';
import {
  Mirror,
  compareLabelLookups,
  compareSelect,
  describeQuery,
  type QuerySpec,
} from './compare.js';
import { StorageHandle, type ConformanceFactory } from './harness.js';
import { seriesMatches } from '../series.js';
import { formatValue, isDeleter } from './helpers.js';
import { compareIterators } from './iterators.js';
import {
  Rng,
  VALUE_NAMES,
  labelUniverse,
  otherValue,
  randomDelete,
  randomQuery,
  randomTime,
  randomValue,
} from './random.js';

/** Options of `runRandomizedDifferential`. Only `factory` is required. */
export interface DifferentialOptions {
  /** Opens (and optionally reopens and compacts) the backend under test. */
  readonly factory: ConformanceFactory;
  /** PRNG seed; the same seed replays the same operations (default 1). */
  readonly seed?: number;
  /** Number of phases; hooks run and all queries are compared between phases (default 4). */
  readonly phases?: number;
  /** Write operations (batches, concurrent batch pairs, deletes) per phase (default 60). */
  readonly opsPerPhase?: number;
  /** Maximum samples per batch (default 40). */
  readonly maxBatch?: number;
  /** Number of distinct series written (default 100). */
  readonly series?: number;
  /** Time span of the data in ms, starting at `T0` (default 6 h). */
  readonly span?: number;
  /** Random queries compared at each check point (default 25). */
  readonly queries?: number;
  /** Whether to compact between phases (default: when the factory can). */
  readonly compact?: boolean;
  /** Whether to reopen between phases (default: when the factory can). */
  readonly reopen?: boolean;
  /** Whether to generate deletes (default: when the backend is a `Deleter`). */
  readonly deletes?: boolean;
  /** Receives one line per phase, for test diagnostics. */
  readonly log?: (line: string) => void;
}

/** What a differential run did (all counts are totals). */
export interface DifferentialReport {
  readonly seed: number;
  readonly phases: number;
  readonly batches: number;
  readonly rolledBack: number;
  readonly samples: number;
  readonly duplicatesRejected: number;
  readonly deletes: number;
  readonly queries: number;
  readonly compactions: number;
  readonly reopens: number;
}

type Counters = { -readonly [K in keyof DifferentialReport]: DifferentialReport[K] };

/**
 * Runs the differential test and resolves with a report, or rejects with an `AssertionError`
 * naming the seed, phase and step of the first difference. It opens the backend itself in a
 * fresh temporary directory and disposes of it at the end. Not a test registrar: call it inside
 * an `it(...)`.
 *
 * Operations: batches of appends over a fixed universe of series at random, out-of-order
 * timestamps with random values (staleness markers, NaN, ±Inf, -0 included), deliberate
 * duplicates of earlier samples with the same and different values (the backend must throw
 * `DuplicateSampleError` exactly when the model does), commits and rollbacks, pairs of
 * interleaved appenders on disjoint series, and deletes with random matchers and ranges.
 * Checks: random selects (exact, sorted and unsorted, bit-exact values), random next/seek
 * sequences on the iterators, label lookups (between the model's answer and the labels ever
 * written), and the start time (at most the model's).
 */
export async function runRandomizedDifferential(
  opts: DifferentialOptions,
): Promise<DifferentialReport> {
  const seed = opts.seed ?? 1;
  const rng = new Rng(seed);
  const span = opts.span ?? 6 * 3_600_000;
  const h = await StorageHandle.open(opts.factory);
  const m = new Mirror(() => h.db);
  const c: Counters = {
    seed,
    phases: opts.phases ?? 4,
    batches: 0,
    rolledBack: 0,
    samples: 0,
    duplicatesRejected: 0,
    deletes: 0,
    queries: 0,
    compactions: 0,
    reopens: 0,
  };
  try {
    const universe = labelUniverse(rng, opts.series ?? 100);
    const run = new Writer(rng, m, universe, span, opts.maxBatch ?? 40, c);
    const doCompact = opts.compact ?? h.canCompact;
    const doReopen = opts.reopen ?? h.canReopen;
    const deletes = opts.deletes ?? isDeleter(h.db);
    for (let phase = 0; phase < c.phases; phase++) {
      const ctx = (step: string): string => `differential seed=${seed} phase=${phase} ${step}`;
      for (let op = 0; op < (opts.opsPerPhase ?? 60); op++) {
        const r = rng.float();
        if (deletes && r < 0.05) await run.delete(ctx(`op=${op} delete`));
        else if (r < 0.15) await run.concurrent(ctx(`op=${op} concurrent`));
        else await run.batch(h.db.appender(), rng.chance(0.8), ctx(`op=${op} batch`));
      }
      const queries = Array.from({ length: opts.queries ?? 25 }, () => randomQuery(rng, span));
      await check(h, m, queries, rng, ctx('end of phase'), c);
      if (doCompact) {
        await h.compact();
        c.compactions++;
        await check(h, m, queries, rng, ctx('after compaction'), c);
      }
      if (doReopen && phase % 2 === 1) {
        await h.reopen();
        run.forgetRefs();
        c.reopens++;
        await check(h, m, queries, rng, ctx('after reopen'), c);
      }
      opts.log?.(`${ctx('done')}: ${JSON.stringify(c)}`);
    }
    return { ...c };
  } finally {
    await m.close();
    await h.dispose();
  }
}

/** Compares queries, iterator walks, label lookups and the start time. */
async function check(
  h: StorageHandle,
  m: Mirror,
  queries: readonly QuerySpec[],
  rng: Rng,
  ctx: string,
  c: Counters,
): Promise<void> {
  for (const q of queries) {
    await compareSelect(h.db, m.model, q, ctx);
    await compareLabelLookups(h.db, m.model, q, m.written.values(), VALUE_NAMES, ctx);
    if (rng.chance(0.3)) await compareIterators(h.db, m.model, q, rng, ctx);
    c.queries++;
  }
  const want = m.model.startTime();
  const got = h.db.startTime();
  if (want !== undefined) {
    assert.ok(got !== undefined && got <= want, `${ctx}: startTime ${got} > model's ${want}`);
  }
}

/** Generates and applies write operations to the backend and the model. */
class Writer {
  /** Every sample attempted so far (candidates for duplicates); values in a typed array. */
  private hs: number[] = [];
  private ht: number[] = [];
  private hv = new Float64Array(1024);
  /** Backend references per universe index; cleared on reopen. */
  private refs = new Map<number, SeriesRef>();
  /** Deletes done so far: appending into their ranges is left unspecified by the contract. */
  private readonly deleted: QuerySpec[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly m: Mirror,
    private readonly universe: readonly Labels[],
    private readonly span: number,
    private readonly maxBatch: number,
    private readonly c: Counters,
  ) {}

  forgetRefs(): void {
    this.refs.clear();
  }

  /** One batch on `app` over the series for which `allow` holds, then commit or rollback. */
  async batch(
    app: Appender,
    commit: boolean,
    ctx: string,
    allow: (i: number) => boolean = () => true,
  ): Promise<void> {
    const model = this.m.model.appender();
    const n = 1 + this.rng.int(this.maxBatch);
    for (let k = 0; k < n; k++) this.one(app, model, allow, `${ctx} sample=${k}`);
    this.c.batches++;
    if (commit) {
      await Promise.all([app.commit(), model.commit()]);
    } else {
      this.c.rolledBack++;
      await Promise.all([app.rollback(), model.rollback()]);
    }
  }

  /** Two appenders on disjoint series (even/odd universe index), committed in random order. */
  async concurrent(ctx: string): Promise<void> {
    const a = this.m.model.appender();
    const b = this.m.model.appender();
    const ba = this.m.current().appender();
    const bb = this.m.current().appender();
    const n = 2 + this.rng.int(this.maxBatch);
    for (let k = 0; k < n; k++) {
      const even = this.rng.chance(0.5);
      this.one(even ? ba : bb, even ? a : b, (i) => i % 2 === (even ? 0 : 1), `${ctx} sample=${k}`);
    }
    this.c.batches += 2;
    const first = this.rng.chance(0.5);
    await Promise.all([(first ? ba : bb).commit(), (first ? a : b).commit()]);
    await Promise.all([(first ? bb : ba).commit(), (first ? b : a).commit()]);
  }

  /** A delete with random matchers over a random range. */
  async delete(ctx: string): Promise<void> {
    const q = randomDelete(this.rng, this.span, this.universe.length);
    this.c.deletes++;
    this.deleted.push(q);
    try {
      await this.m.delete(q.mint, q.maxt, q.matchers);
    } catch (err) {
      throw new Error(`${ctx}: delete ${describeQuery(q)} failed: ${String(err)}`, { cause: err });
    }
    const db = this.m.current();
    if (this.rng.chance(0.3) && isDeleter(db)) await db.cleanTombstones();
  }

  /** Picks one sample and appends it to both, asserting the same outcome. */
  private one(app: Appender, model: Appender, allow: (i: number) => boolean, ctx: string): void {
    let s: number;
    let t: number;
    let v: number;
    let tries = 0;
    do {
      const r = this.rng.float();
      const h = this.hs.length > 0 ? this.rng.int(this.hs.length) : -1;
      if (h >= 0 && r < 0.15 && allow(this.hs[h]!)) {
        s = this.hs[h]!;
        t = this.ht[h]!;
        v = r < 0.1 ? this.hv[h]! : otherValue(this.rng, this.hv[h]!);
      } else {
        do s = this.rng.int(this.universe.length);
        while (!allow(s));
        t = randomTime(this.rng, this.span);
        v = randomValue(this.rng);
      }
    } while (this.inDeletedRange(s, t) && ++tries < 50);
    if (tries === 50) return;
    this.record(s, t, v);
    const labels = this.universe[s]!;
    this.m.written.set(labels.toString(), labels);
    const want = attempt(() => model.append(0, labels, t, v));
    const got = attempt(() => app.append(this.refs.get(s) ?? 0, labels, t, v));
    const what = `${ctx}: append ${labels.toString()} ${t} ${formatValue(v)}`;
    if (want instanceof Error) {
      if (!(want instanceof DuplicateSampleError)) throw want;
      assert.ok(
        got instanceof DuplicateSampleError,
        `${what}: want DuplicateSampleError, got ${String(got)}`,
      );
      this.c.duplicatesRejected++;
      return;
    }
    if (got instanceof Error) assert.fail(`${what}: unexpected ${got.name}: ${got.message}`);
    this.refs.set(s, got);
    this.c.samples++;
  }

  /**
   * Whether an earlier delete covered this series and time. The contract leaves appends into
   * deleted ranges unspecified: Prometheus' tombstones keep hiding such samples (and keep the
   * deleted ones for duplicate checks) until the data is rewritten.
   */
  private inDeletedRange(s: number, t: number): boolean {
    const labels = this.universe[s]!;
    return this.deleted.some(
      (d) =>
        d.matchers.length > 0 && t >= d.mint && t <= d.maxt && seriesMatches(labels, d.matchers),
    );
  }

  private record(s: number, t: number, v: number): void {
    const i = this.hs.length;
    if (i === this.hv.length) {
      const bigger = new Float64Array(i * 2);
      bigger.set(this.hv);
      this.hv = bigger;
    }
    this.hs.push(s);
    this.ht.push(t);
    this.hv[i] = v;
  }
}

function attempt(fn: () => SeriesRef): SeriesRef | Error {
  try {
    return fn();
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}
