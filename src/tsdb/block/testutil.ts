/** Helpers shared by the block tests: temporary directories and draining series sets. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seriesMatches, type SeriesSet } from '../../storage/index.js';
import type { Matcher } from '../../model/index.js';
import type { SampleSeries } from './fixtures.js';

/** A drained series: its labels as text and its samples. */
export interface Drained {
  labels: string;
  ts: number[];
  vs: number[];
}

/** Creates a fresh temporary directory; remove it with `removeDir`. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `kansoku-${prefix}-`));
}

/** Removes a directory tree. */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Reads every series and sample of a set; throws the set's or an iterator's error. */
export function drain(ss: SeriesSet): Drained[] {
  const out: Drained[] = [];
  while (ss.next()) {
    const s = ss.at();
    const it = s.iterator();
    const d: Drained = { labels: s.labels.toString(), ts: [], vs: [] };
    while (it.next() !== 'none') {
      d.ts.push(it.atT());
      d.vs.push(it.atF());
    }
    const err = it.err();
    if (err) throw err;
    out.push(d);
  }
  const err = ss.err();
  if (err) throw err;
  return out;
}

/** What a select over `series` must return, computed by brute force. */
export function expected(
  series: readonly SampleSeries[],
  matchers: readonly Matcher[],
  mint: number,
  maxt: number,
  deleted?: (labels: string, t: number) => boolean,
): Drained[] {
  const out: Drained[] = [];
  for (const s of series) {
    if (!seriesMatches(s.labels, matchers)) continue;
    const d: Drained = { labels: s.labels.toString(), ts: [], vs: [] };
    for (let i = 0; i < s.ts.length; i++) {
      const t = s.ts[i]!;
      if (t < mint || t > maxt || deleted?.(d.labels, t) === true) continue;
      d.ts.push(t);
      d.vs.push(s.vs[i]!);
    }
    if (d.ts.length > 0) out.push(d);
  }
  return out;
}
