/**
 * Helpers of the conformance suite and the differential test: reading whole series sets into
 * plain, comparable data (values by bit pattern), and writing test data.
 */
import { MAX_TIME, MIN_TIME, type Labels, type Matcher } from '../../model/index.js';
import type { Appender, Deleter, Querier, SeriesSet, Storage } from '../interface.js';

/**
 * A fixed base timestamp (ms) for test data: 2023-11-14T22:13:20Z. Realistic times keep
 * backends with time-partitioned storage (blocks) on their normal paths.
 */
export const T0 = 1_700_000_000_000;

/** A series read back in full: labels in text form and samples as `[t, formatValue(v)]`. */
export interface SeriesDump {
  readonly labels: string;
  readonly samples: readonly (readonly [number, string])[];
}

const f64 = new Float64Array(1);
const u8 = new Uint8Array(f64.buffer);

/**
 * Formats a float so that two values format equally exactly when their bits are equal: NaNs
 * show their payload (`NaN:7ff0000000000002` is the staleness marker), `-0` shows its sign.
 */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) {
    f64[0] = v;
    let hex = '';
    for (let i = 7; i >= 0; i--) hex += u8[i]!.toString(16).padStart(2, '0');
    return `NaN:${hex}`;
  }
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

/**
 * Reads a series set to the end into dumps, checking the iterator contract on the way
 * (strictly increasing timestamps, no iterator error); throws the set's or an iterator's error.
 */
export function collectSeriesSet(set: SeriesSet): SeriesDump[] {
  const out: SeriesDump[] = [];
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const samples: [number, string][] = [];
    let prev = -Infinity;
    while (it.next() !== 'none') {
      const t = it.atT();
      if (!(t > prev)) {
        throw new Error(`iterator of ${s.labels.toString()} went from ${prev} to ${t}`);
      }
      prev = t;
      samples.push([t, formatValue(it.atF())]);
    }
    const e = it.err();
    if (e) throw e;
    out.push({ labels: s.labels.toString(), samples });
  }
  const e = set.err();
  if (e) throw e;
  return out;
}

/** Opens a querier, selects, collects and closes. */
export async function selectDump(
  q: Querier | Storage,
  mint: number,
  maxt: number,
  matchers: readonly Matcher[],
  sorted = true,
): Promise<SeriesDump[]> {
  const querier = 'select' in q ? q : await q.querier(mint, maxt);
  try {
    return collectSeriesSet(await querier.select(sorted, undefined, matchers));
  } finally {
    if (querier !== q) querier.close();
  }
}

/** Dumps the series matching `matchers` over all time (sorted). */
export async function dumpAll(db: Storage, matchers: readonly Matcher[]): Promise<SeriesDump[]> {
  return selectDump(db, MIN_TIME, MAX_TIME, matchers);
}

/** One sample to write: labels, timestamp (ms) and value. */
export type TestSample = readonly [Labels, number, number];

/** Appends the samples with one appender and commits. */
export async function appendAll(db: Storage, samples: readonly TestSample[]): Promise<void> {
  const app: Appender = db.appender();
  for (const [l, t, v] of samples) app.append(0, l, t, v);
  await app.commit();
}

/** Whether the storage also implements `Deleter`. */
export function isDeleter(db: Storage): db is Storage & Deleter {
  const d = db as Partial<Deleter>;
  return typeof d.deleteSeries === 'function' && typeof d.cleanTombstones === 'function';
}

/** Sorts dumps by label text; for comparing unsorted selects. */
export function sortDumps(d: readonly SeriesDump[]): SeriesDump[] {
  return [...d].sort((a, b) => (a.labels < b.labels ? -1 : a.labels > b.labels ? 1 : 0));
}
