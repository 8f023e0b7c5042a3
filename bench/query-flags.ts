/**
 * The query benchmark's flags, taken out of the command line before `parseFlags` sees it: the
 * `query` section of `--only` (on by default) and `--query-repeat`.
 */
import { FlagError } from './flags.js';

/** Usage lines of the query flags, printed after the main usage. */
export const QUERY_USAGE = `  --only=...,query      the query benchmark runs by default; it needs ingest (added if missing)
  --query-repeat=7      timed repetitions per request after one warm-up (--quick: 3)`;

/** The query options and the remaining command line. */
export interface QueryFlags {
  /** Whether to run the query benchmark. */
  readonly query: boolean;
  /** Timed repetitions per request. */
  readonly repeat: number;
  /** True when `ingest` was added to `--only` only because the queries need the data. */
  readonly ingestAdded: boolean;
  /** The command line for `parseFlags`, without the query flags. */
  readonly rest: string[];
}

/** Splits the query flags off `argv`. */
export function splitQueryFlags(argv: readonly string[]): QueryFlags {
  const quick = argv.includes('--quick') || argv.includes('--quick=true');
  let query = true;
  let ingestAdded = false;
  let repeat = quick ? 3 : 7;
  const rest: string[] = [];
  for (const a of argv) {
    if (a.startsWith('--query-repeat=')) {
      const v = a.slice('--query-repeat='.length);
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0)
        throw new FlagError(`--query-repeat must be a positive integer, got ${v}`);
      repeat = n;
    } else if (a.startsWith('--only=')) {
      const items = a
        .slice('--only='.length)
        .split(',')
        .filter((x) => x !== '');
      query = items.includes('query');
      const others = items.filter((x) => x !== 'query');
      if (query && !others.includes('ingest')) {
        others.push('ingest');
        ingestAdded = true;
      }
      rest.push(`--only=${others.join(',')}`);
    } else rest.push(a);
  }
  return { query, repeat, ingestAdded, rest };
}
