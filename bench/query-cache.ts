/**
 * The repeated-load benchmark: the range requests of `QUERY_SET` form one dashboard whose panels
 * are all requested at once, as a browser does on each refresh. Each server is measured cold
 * (`nocache=1`, which Kansoku and VictoriaMetrics honour; Prometheus has no result cache) and
 * warm (its result cache on, after one load that fills it), for two windows: ending at the end of
 * the data and 10 minutes earlier. Steps newer than 5 minutes are never cached (Kansoku's
 * `--query.cache-timestamp-offset`, VictoriaMetrics' `-search.cacheTimestampOffset`), so how far
 * the window's end lies behind the clock (its age, in the table) decides how much is reused.
 * Figures are the median and p90 wall time of whole dashboard loads, plus how Kansoku's cache
 * served the warm panels (`X-Kansoku-Cache`).
 */
import { median, percentile, resultCount } from './query.js';
import { QUERY_SET, caseUrl } from './query-set.js';
import { ServerProcess, freePort, sleep, type ServerSpec } from './servers.js';

/** Figures of one dashboard window on one server. */
export interface RepeatedLoadWindow {
  /** Which window: ending at the end of the data, or 10 minutes before it. */
  readonly window: string;
  /** How far the window's end was behind the wall clock when measured, ms. */
  readonly ageMs: number;
  /** Whole-dashboard wall time without the result cache, ms. */
  readonly coldMedianMs: number;
  readonly coldP90Ms: number;
  /** Whole-dashboard wall time with the result cache filled, ms. */
  readonly warmMedianMs: number;
  readonly warmP90Ms: number;
  /** Cache outcomes of the warm panels (Kansoku's `X-Kansoku-Cache` header), by outcome. */
  readonly outcomes: Readonly<Record<string, number>>;
}

/** Figures of one server. */
export interface RepeatedLoadResult {
  readonly server: string;
  readonly title: string;
  readonly skipped?: string;
  readonly error?: string;
  /** Panels per dashboard load. */
  readonly panels?: number;
  /** Timed loads per mode. */
  readonly loads?: number;
  readonly windows?: readonly RepeatedLoadWindow[];
}

/** Options of `benchRepeatedLoad`. */
export interface RepeatedLoadOptions {
  /** The end of the data, ms. */
  readonly endMs: number;
  /** Timed loads per mode. */
  readonly loads: number;
  readonly log: (line: string) => void;
}

/** The dashboard windows: ending at the end of the data (live), and 10 minutes earlier. */
const WINDOWS: readonly { readonly name: string; readonly backMs: number }[] = [
  { name: 'end of data', backMs: 0 },
  { name: 'end - 10 min', backMs: 10 * 60_000 },
];

const PANELS = QUERY_SET.filter((c) => c.kind === 'range');

/** One dashboard load: every panel at once. Returns the wall time and the cache outcomes. */
async function load(
  base: string,
  endMs: number,
  nocache: boolean,
  outcomes: Map<string, number> | undefined,
): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    PANELS.map(async (c) => {
      // `caseUrl` adds nocache=1 when asked (its VictoriaMetrics switch); every server ignores
      // what it does not know. The start is aligned to the step, as Grafana and Kansoku's
      // dashboards send it.
      const url = alignStart(base + caseUrl(c, endMs, nocache));
      const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${c.id}: HTTP ${res.status}: ${body.slice(0, 200)}`);
      resultCount(body, 'range');
      const o = res.headers.get('x-kansoku-cache');
      if (outcomes !== undefined && o !== null) outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
    }),
  );
  return performance.now() - t0;
}

/** The URL with its `start` moved back to a multiple of its `step` (both in seconds). */
function alignStart(url: string): string {
  const u = new URL(url);
  const step = Number(u.searchParams.get('step'));
  const start = Number(u.searchParams.get('start'));
  if (step > 0 && Number.isFinite(start))
    u.searchParams.set('start', String(Math.floor(start / step) * step));
  return u.toString();
}

/** Runs the repeated-load benchmark against one server whose ingested data is in `dir`. */
export async function benchRepeatedLoad(
  spec: ServerSpec,
  dir: string,
  opts: RepeatedLoadOptions,
): Promise<RepeatedLoadResult> {
  const base = { server: spec.kind, title: spec.title };
  const log = (s: string): void => {
    opts.log(`[${spec.kind}] ${s}`);
  };
  const server = ServerProcess.start(spec, await freePort(), dir);
  try {
    await server.waitReady(600_000);
    await sleep(1000);
    log(`repeated dashboard loads: ${PANELS.length} panels, ${opts.loads} loads cold and warm`);
    // One untimed cold load warms the process (JIT, page cache) without filling result caches.
    await load(server.url, opts.endMs, true, undefined);
    const windows: RepeatedLoadWindow[] = [];
    for (const w of WINDOWS) {
      const end = opts.endMs - w.backMs;
      const cold: number[] = [];
      for (let i = 0; i < opts.loads; i++) cold.push(await load(server.url, end, true, undefined));
      await load(server.url, end, false, undefined);
      const warm: number[] = [];
      const outcomes = new Map<string, number>();
      for (let i = 0; i < opts.loads; i++) warm.push(await load(server.url, end, false, outcomes));
      const r: RepeatedLoadWindow = {
        window: w.name,
        ageMs: Date.now() - end,
        coldMedianMs: median(cold),
        coldP90Ms: percentile(cold, 90),
        warmMedianMs: median(warm),
        warmP90Ms: percentile(warm, 90),
        outcomes: Object.fromEntries(outcomes),
      };
      log(
        `${w.name}: cold ${r.coldMedianMs.toFixed(1)} ms, warm ${r.warmMedianMs.toFixed(1)} ms (median)`,
      );
      windows.push(r);
    }
    return { ...base, panels: PANELS.length, loads: opts.loads, windows };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    log(`failed: ${error}`);
    return { ...base, error };
  } finally {
    await server.stop();
  }
}

function fmt(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return 'n/a';
  return v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);
}

/** The table: per server and window, cold and warm dashboard loads and the speed-up. */
export function repeatedLoadTable(results: readonly RepeatedLoadResult[]): string {
  const rows: string[][] = [
    [
      'server',
      'window (age)',
      'cold ms (median / p90)',
      'warm ms (median / p90)',
      'cold / warm',
      'warm panels',
    ],
  ];
  for (const r of results) {
    if (r.skipped !== undefined || r.error !== undefined) {
      rows.push([r.title, r.skipped ?? 'error', '', '', '', '']);
      continue;
    }
    for (const w of r.windows ?? []) {
      const outcomes = Object.entries(w.outcomes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      rows.push([
        r.title,
        `${w.window} (${(w.ageMs / 60_000).toFixed(1)} min)`,
        `${fmt(w.coldMedianMs)} / ${fmt(w.coldP90Ms)}`,
        `${fmt(w.warmMedianMs)} / ${fmt(w.warmP90Ms)}`,
        w.warmMedianMs > 0 ? `${(w.coldMedianMs / w.warmMedianMs).toFixed(1)}x` : 'n/a',
        outcomes === '' ? '-' : outcomes,
      ]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows
    .map((row) =>
      row
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
