/**
 * The flags of the scrape, line-protocol and import benchmarks, taken out of the command line
 * before `parseFlags` sees it: the `scrape`, `lineprotocol` and `import` sections of `--only`
 * (all on by default) and their own `--scrape-*` and `--push-*` flags.
 */
import { FlagError } from './flags.js';

/** Usage lines of these flags, printed after the main usage. */
export const SCRAPE_USAGE = `  --only=...,scrape,lineprotocol,import   these sections run by default
  --scrape-targets=50   scrape targets on 127.0.0.1 (--quick: 10)
  --scrape-series=2000  series per target (--quick: 1000)
  --scrape-interval=1   scrape interval, seconds
  --scrape-seconds=20   measured window per server, seconds (--quick: 8)
  --push-series=20000   series of the line-protocol and import data (--quick: 5000)
  --push-hours=1        time span of that data at 15 s (--quick: 0.5)`;

/** The options of these sections and the remaining command line. */
export interface ScrapeFlags {
  readonly scrape: boolean;
  readonly lineprotocol: boolean;
  readonly import: boolean;
  readonly targets: number;
  readonly targetSeries: number;
  readonly intervalS: number;
  readonly seconds: number;
  readonly pushSeries: number;
  readonly pushHours: number;
  /** The command line for the other parsers, without these flags and sections. */
  readonly rest: string[];
}

const SECTIONS = ['scrape', 'lineprotocol', 'import'] as const;

/** Splits the scrape and push flags off `argv`. */
export function splitScrapeFlags(argv: readonly string[]): ScrapeFlags {
  const quick = argv.includes('--quick') || argv.includes('--quick=true');
  const vals = new Map<string, number>();
  let only: string[] | undefined;
  const rest: string[] = [];
  for (const a of argv) {
    const m =
      /^--(scrape-targets|scrape-series|scrape-interval|scrape-seconds|push-series|push-hours)=(.*)$/.exec(
        a,
      );
    if (m?.[1] !== undefined) {
      const n = Number(m[2]);
      if (!Number.isFinite(n) || n <= 0)
        throw new FlagError(`--${m[1]} must be a positive number, got ${m[2] ?? ''}`);
      vals.set(m[1], n);
    } else if (a.startsWith('--only=')) {
      const items = a
        .slice('--only='.length)
        .split(',')
        .filter((x) => x !== '');
      only = items;
      rest.push(
        `--only=${items.filter((x) => !(SECTIONS as readonly string[]).includes(x)).join(',')}`,
      );
    } else rest.push(a);
  }
  const on = (s: (typeof SECTIONS)[number]): boolean => only === undefined || only.includes(s);
  const get = (k: string, def: number, quickDef: number): number =>
    vals.get(k) ?? (quick ? quickDef : def);
  return {
    scrape: on('scrape'),
    lineprotocol: on('lineprotocol'),
    import: on('import'),
    targets: Math.floor(get('scrape-targets', 50, 10)),
    targetSeries: Math.floor(get('scrape-series', 2000, 1000)),
    intervalS: get('scrape-interval', 1, 1),
    seconds: get('scrape-seconds', 20, 8),
    pushSeries: Math.floor(get('push-series', 20_000, 5000)),
    pushHours: get('push-hours', 1, 0.5),
    rest,
  };
}
