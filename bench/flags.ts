/** Command-line flags of `npm run bench` (`node dist/bench/run.js`). */
import { SERVER_KINDS, type ServerKind } from './servers.js';

/** The benchmark sections. */
export type Section = 'ingest' | 'micro';

/** Parsed options. */
export interface BenchOptions {
  readonly series: number;
  readonly hours: number;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly seed: number;
  readonly only: readonly Section[];
  readonly servers: readonly ServerKind[];
  readonly quick: boolean;
  readonly out: string;
  readonly keepData: boolean;
}

/** Usage text. */
export const USAGE = `usage: node dist/bench/run.js [flags]
  --series=50000        series to generate (node_exporter- and app-like, 138 per host)
  --hours=2             time span of the data (15 s interval)
  --batch=500           samples per remote-write request
  --concurrency=4       sender connections
  --seed=42             data seed
  --only=ingest,micro   sections to run
  --servers=kansoku,prometheus,victoriametrics
  --quick               smoke run: 5000 series x 0.5 h unless given
  --out=bench/results/latest.json
  --keep-data           keep the servers' data directories`;

/** Thrown for bad flags; `run.ts` prints it with the usage. */
export class FlagError extends Error {
  override readonly name = 'FlagError';
}

/** Parses `--name=value` flags. */
export function parseFlags(argv: readonly string[]): BenchOptions {
  const vals = new Map<string, string>();
  for (const a of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (m?.[1] === undefined) throw new FlagError(`cannot parse flag ${a}`);
    vals.set(m[1], m[2] ?? 'true');
  }
  const known = [
    'series',
    'hours',
    'batch',
    'concurrency',
    'seed',
    'only',
    'servers',
    'quick',
    'out',
    'keep-data',
    'help',
  ];
  for (const k of vals.keys()) if (!known.includes(k)) throw new FlagError(`unknown flag --${k}`);
  if (vals.has('help')) throw new FlagError('');
  const quick = vals.get('quick') === 'true';
  const number = (k: string, def: number): number => {
    const v = vals.get(k);
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0)
      throw new FlagError(`--${k} must be a positive number, got ${v}`);
    return n;
  };
  const list = <T extends string>(k: string, all: readonly T[]): T[] => {
    const v = vals.get(k);
    if (v === undefined) return [...all];
    const items = v.split(',').filter((x) => x !== '');
    for (const i of items)
      if (!all.includes(i as T))
        throw new FlagError(`--${k}: unknown ${i} (know ${all.join(', ')})`);
    return items as T[];
  };
  return {
    series: Math.floor(number('series', quick ? 5000 : 50_000)),
    hours: number('hours', quick ? 0.5 : 2),
    batchSize: Math.floor(number('batch', 500)),
    concurrency: Math.floor(number('concurrency', 4)),
    seed: Math.floor(number('seed', 42)),
    only: list<Section>('only', ['ingest', 'micro']),
    servers: list<ServerKind>('servers', SERVER_KINDS),
    quick,
    out: vals.get('out') ?? 'bench/results/latest.json',
    keepData: vals.get('keep-data') === 'true',
  };
}
