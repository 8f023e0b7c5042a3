/**
 * Micro-benchmarks that other areas keep beside their hot modules (`x.bench.ts`). Known ones are
 * listed in a small registry with the function to call; any other compiled `*.bench.js` under
 * `dist/src` is found too and run through its `run`, default, or single `bench…` export. A
 * missing module is reported, not fatal.
 *
 * Contract for a bench module: export a function that takes an optional options object and
 * returns (or resolves to) a plain object of named figures (numbers, or records of numbers).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** A known micro-benchmark: module path under `dist/` and its exported function. */
interface MicroEntry {
  readonly module: string;
  readonly fn: string;
  /** Options for a quick run (`--quick`). */
  readonly quick?: Record<string, number>;
}

const REGISTRY: readonly MicroEntry[] = [
  {
    module: 'src/parsers/remotewrite/decode.bench.js',
    fn: 'benchRemoteWriteDecode',
    quick: { rounds: 2 },
  },
  { module: 'src/tsdb/chunkenc/xor.bench.js', fn: 'benchXor', quick: { rounds: 2 } },
];

/** The outcome of one micro-benchmark. */
export interface MicroResult {
  readonly module: string;
  readonly fn: string;
  readonly figures?: Record<string, unknown>;
  readonly error?: string;
  readonly ms: number;
}

/** Runs every registered and discovered micro-benchmark under `distDir`. */
export async function runMicro(
  distDir: string,
  quick: boolean,
  log: (s: string) => void,
): Promise<MicroResult[]> {
  const entries = [...REGISTRY];
  for (const rel of discover(path.join(distDir, 'src'), distDir)) {
    if (!entries.some((e) => e.module === rel)) entries.push({ module: rel, fn: '' });
  }
  const out: MicroResult[] = [];
  for (const e of entries) {
    const file = path.join(distDir, e.module);
    const t0 = performance.now();
    if (!existsSync(file)) {
      log(`micro: ${e.module} not found, skipped`);
      continue;
    }
    let name = e.fn;
    try {
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      const picked = pickFunction(mod, e.fn);
      name = picked[0];
      log(`micro: ${e.module} ${name}()`);
      // Without registered options the function's own defaults apply.
      const figures: unknown = await (quick && e.quick !== undefined
        ? picked[1](e.quick)
        : picked[1]());
      out.push({
        module: e.module,
        fn: name,
        figures:
          typeof figures === 'object' && figures !== null
            ? (figures as Record<string, unknown>)
            : { result: figures },
        ms: performance.now() - t0,
      });
    } catch (err) {
      out.push({
        module: e.module,
        fn: name,
        error: err instanceof Error ? err.message : String(err),
        ms: performance.now() - t0,
      });
    }
  }
  return out;
}

type BenchFn = (opts?: Record<string, number>) => unknown;

function pickFunction(mod: Record<string, unknown>, wanted: string): [string, BenchFn] {
  const candidates = wanted === '' ? ['run', 'default'] : [wanted];
  for (const c of candidates) {
    const f = mod[c];
    if (typeof f === 'function') return [c, f as BenchFn];
  }
  const benches = Object.entries(mod).filter(
    ([k, v]) => k.startsWith('bench') && typeof v === 'function',
  );
  const only = benches.length === 1 ? benches[0] : undefined;
  if (only !== undefined) return [only[0], only[1] as BenchFn];
  throw new Error(
    `no run(), default or single bench…() export (exports: ${Object.keys(mod).join(', ')})`,
  );
}

function discover(dir: string, distDir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...discover(p, distDir));
    else if (name.endsWith('.bench.js'))
      out.push(path.relative(distDir, p).split(path.sep).join('/'));
  }
  return out.sort();
}

/** Flattens figures (nested records of numbers) into `key → printable value` lines. */
export function flattenFigures(figures: Record<string, unknown>, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(figures)) {
    const key = prefix === '' ? k : `${prefix}.${k}`;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      out.push(...flattenFigures(v as Record<string, unknown>, key));
    } else
      out.push([
        key,
        typeof v === 'number' ? String(Math.round(v * 100) / 100) : JSON.stringify(v),
      ]);
  }
  return out;
}
