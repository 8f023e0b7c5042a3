import { Matcher, isStaleNaN } from '../../src/model/index.js';
import type { Queryable } from '../../src/storage/index.js';

/** One series read back from storage, for assertions. */
export interface ReadSeries {
  labels: Record<string, string>;
  samples: [number, number | 'stale'][];
}

/** Reads every series matching `{name=value,…}` equality matchers over all time, sorted. */
export async function readAll(q: Queryable, eq: Record<string, string>): Promise<ReadSeries[]> {
  const querier = await q.querier(-8.64e15, 8.64e15);
  try {
    const ms = Object.entries(eq).map(([k, v]) => new Matcher('=', k, v));
    const set = await querier.select(true, undefined, ms);
    const out: ReadSeries[] = [];
    while (set.next()) {
      const s = set.at();
      const it = s.iterator();
      const samples: [number, number | 'stale'][] = [];
      while (it.next() !== 'none') {
        const v = it.atF();
        samples.push([it.atT(), isStaleNaN(v) ? 'stale' : v]);
      }
      const err = it.err();
      if (err) throw err;
      out.push({ labels: s.labels.toRecord(), samples });
    }
    const err = set.err();
    if (err) throw err;
    return out;
  } finally {
    querier.close();
  }
}
