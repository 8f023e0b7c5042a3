/**
 * Comparison of a backend under test with the reference model (`MemStorage`): selects must be
 * identical; label lookups must lie between what the model reports and what was ever written.
 */
import assert from 'node:assert/strict';
import { cmpStr, type Labels, type Matcher } from '../../model/index.js';
import type { Storage } from '../interface.js';
import { MemStorage } from '../memory.js';
import { seriesMatches } from '../series.js';
import { isDeleter, selectDump, sortDumps, type TestSample } from './helpers.js';

/** One query to compare: a time range (ms, inclusive) and matchers. */
export interface QuerySpec {
  readonly mint: number;
  readonly maxt: number;
  readonly matchers: readonly Matcher[];
}

/** Describes a query for failure messages. */
export function describeQuery(q: QuerySpec): string {
  return `{${q.matchers.map((m) => m.toString()).join(', ')}} [${q.mint}, ${q.maxt}]`;
}

/** Asserts that sorted and unsorted selects of `db` equal the model's, values bit by bit. */
export async function compareSelect(
  db: Storage,
  model: Storage,
  q: QuerySpec,
  context: string,
): Promise<void> {
  const want = await selectDump(model, q.mint, q.maxt, q.matchers, true);
  const got = await selectDump(db, q.mint, q.maxt, q.matchers, true);
  assert.deepEqual(got, want, `${context}: sorted select ${describeQuery(q)}`);
  const unsorted = await selectDump(db, q.mint, q.maxt, q.matchers, false);
  assert.deepEqual(
    sortDumps(unsorted),
    sortDumps(want),
    `${context}: unsorted select ${describeQuery(q)}`,
  );
}

/**
 * Asserts the label lookups of `db` for a query: the result is sorted and unique, contains
 * everything the model reports (series with samples in range) and nothing beyond the labels of
 * `written` series matching the matchers (every series ever appended, even if rolled back or
 * deleted since). With `exact`, it must equal the model's answer.
 */
export async function compareLabelLookups(
  db: Storage,
  model: Storage,
  q: QuerySpec,
  written: Iterable<Labels>,
  valueNames: readonly string[],
  context: string,
  exact = false,
): Promise<void> {
  const [dq, mq] = await Promise.all([db.querier(q.mint, q.maxt), model.querier(q.mint, q.maxt)]);
  try {
    const matching = [...written].filter((l) => seriesMatches(l, q.matchers));
    const names = new Set<string>();
    for (const l of matching) l.forEach((n) => names.add(n));
    checkBounds(
      await dq.labelNames(q.matchers),
      await mq.labelNames(q.matchers),
      names,
      exact,
      `${context}: labelNames ${describeQuery(q)}`,
    );
    for (const name of valueNames) {
      const values = new Set<string>();
      for (const l of matching) if (l.get(name) !== '') values.add(l.get(name));
      checkBounds(
        await dq.labelValues(name, q.matchers),
        await mq.labelValues(name, q.matchers),
        values,
        exact,
        `${context}: labelValues(${name}) ${describeQuery(q)}`,
      );
    }
  } finally {
    dq.close();
    mq.close();
  }
}

function checkBounds(
  got: readonly string[],
  lower: readonly string[],
  upper: ReadonlySet<string>,
  exact: boolean,
  what: string,
): void {
  const sorted = [...new Set(got)].sort(cmpStr);
  assert.deepEqual(got, sorted, `${what}: not sorted and unique`);
  if (exact) {
    assert.deepEqual(got, lower, what);
    return;
  }
  const have = new Set(got);
  for (const v of lower) assert.ok(have.has(v), `${what}: missing ${JSON.stringify(v)}`);
  for (const v of got) assert.ok(upper.has(v), `${what}: unexpected ${JSON.stringify(v)}`);
}

/**
 * A backend under test paired with the reference model: writes and deletes go to both, and
 * `check` compares queries. `written` holds every label set ever appended (for label bounds).
 */
export class Mirror {
  /** The reference model; owned by the mirror. */
  readonly model = new MemStorage();
  /** Every label set ever appended to the backend, by text form. */
  readonly written = new Map<string, Labels>();

  constructor(
    /** Gives the current backend instance (it changes on reopen). */
    readonly current: () => Storage,
  ) {}

  /** Appends the samples to both in one batch each and commits (or rolls back). */
  async append(samples: readonly TestSample[], commit = true): Promise<void> {
    const a = this.current().appender();
    const b = this.model.appender();
    for (const [l, t, v] of samples) {
      this.written.set(l.toString(), l);
      a.append(0, l, t, v);
      b.append(0, l, t, v);
    }
    if (commit) await Promise.all([a.commit(), b.commit()]);
    else await Promise.all([a.rollback(), b.rollback()]);
  }

  /** Deletes from both; the backend must be a `Deleter`. */
  async delete(mint: number, maxt: number, matchers: readonly Matcher[]): Promise<void> {
    const db = this.current();
    if (!isDeleter(db)) throw new Error('BUG: Mirror.delete on a backend that is not a Deleter');
    await Promise.all([
      db.deleteSeries(mint, maxt, matchers),
      this.model.deleteSeries(mint, maxt, matchers),
    ]);
  }

  /** Compares every query's select and label lookups. */
  async check(
    queries: readonly QuerySpec[],
    valueNames: readonly string[],
    context: string,
    exactLabels = false,
  ): Promise<void> {
    const db = this.current();
    for (const q of queries) {
      await compareSelect(db, this.model, q, context);
      await compareLabelLookups(
        db,
        this.model,
        q,
        this.written.values(),
        valueNames,
        context,
        exactLabels,
      );
    }
  }

  /** Releases the model. */
  async close(): Promise<void> {
    await this.model.close();
  }
}
