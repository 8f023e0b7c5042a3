/**
 * Durations and query resolution for dashboards, the way Grafana's Prometheus data source
 * computes them: `$__interval` from the range and the panel width, `$__rate_interval`, and the
 * query step. Pure functions, no DOM.
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** The scrape interval assumed when neither the target nor the panel sets a minimum (Grafana's default). */
export const DEFAULT_SCRAPE_INTERVAL_MS = 15_000;

/**
 * Parses a duration like `15s`, `1m30s`, `500ms`, `2h` or a bare number of seconds into
 * milliseconds; returns undefined for anything else (including an empty string).
 */
export function parseDurationMs(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(t); m !== null; m = re.exec(t)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0);
    pos = re.lastIndex;
  }
  return pos === t.length && pos > 0 ? total : undefined;
}

/**
 * Formats milliseconds as a PromQL duration: the largest whole unit that divides it
 * (`60000` → `1m`, `90000` → `90s`, `500` → `500ms`). PromQL does not accept fractions.
 */
export function formatDuration(ms: number): string {
  const v = Math.max(0, Math.round(ms));
  if (v === 0) return '0s';
  for (const u of ['y', 'w', 'd', 'h', 'm', 's'] as const) {
    const f = UNIT_MS[u] ?? 1;
    if (v % f === 0) return `${v / f}${u}`;
  }
  return `${v}ms`;
}

/** Grafana's table of "nice" intervals: an upper bound and the interval chosen below it. */
const ROUND_STEPS: readonly (readonly [number, number])[] = [
  [10, 1],
  [15, 10],
  [35, 20],
  [75, 50],
  [150, 100],
  [350, 200],
  [750, 500],
  [1500, 1000],
  [3500, 2000],
  [7500, 5000],
  [12500, 10_000],
  [17500, 15_000],
  [25000, 20_000],
  [45000, 30_000],
  [90000, 60_000],
  [210000, 120_000],
  [450000, 300_000],
  [750000, 600_000],
  [1050000, 900_000],
  [1500000, 1_200_000],
  [2700000, 1_800_000],
  [5400000, 3_600_000],
  [9000000, 7_200_000],
  [16200000, 10_800_000],
  [32400000, 21_600_000],
  [86400000, 43_200_000],
  [604800000, 86_400_000],
  [1814400000, 604_800_000],
  [3628800000, 2_592_000_000],
];

/** Rounds an interval to a "nice" one (1s, 2s, 5s, 10s, 15s, 20s, 30s, 1m, 2m, 5m, …). */
export function roundInterval(ms: number): number {
  for (const [limit, v] of ROUND_STEPS) if (ms <= limit) return v;
  return 31_536_000_000;
}

/**
 * Grafana's `$__interval`: the range divided by the resolution (max data points, or the panel
 * width in pixels), rounded to a nice interval and raised to `minMs`.
 */
export function calculateIntervalMs(rangeMs: number, resolution: number, minMs = 1): number {
  const res = resolution > 0 ? resolution : 1000;
  return Math.max(roundInterval(rangeMs / res), minMs);
}

/** The inputs of {@link queryResolution}. */
export interface ResolutionInput {
  /** The time range in milliseconds. */
  readonly rangeMs: number;
  /** The panel's `maxDataPoints`, or its width in pixels. */
  readonly resolution: number;
  /** The panel's minimum interval (`panel.interval`), e.g. `1m`; empty for none. */
  readonly panelInterval?: string | undefined;
  /** The target's minimum interval (`target.interval`), overriding the scrape interval. */
  readonly targetInterval?: string | undefined;
  /** The target's `intervalFactor` (legacy, default 1). */
  readonly intervalFactor?: number | undefined;
  /** The scrape interval assumed when neither interval is set. */
  readonly scrapeIntervalMs?: number;
}

/** What a target's query runs with. */
export interface Resolution {
  /** `$__interval` in milliseconds, equal to the step. */
  readonly intervalMs: number;
  /** `$__rate_interval` in milliseconds. */
  readonly rateIntervalMs: number;
  /** The query step in seconds. */
  readonly stepSec: number;
}

/** Prometheus refuses queries with more than 11,000 points per series. */
const MAX_POINTS = 11_000;

/**
 * The step, `$__interval` and `$__rate_interval` of one target, as Grafana's Prometheus data
 * source computes them: step = max(interval × intervalFactor, minimum interval, range / 11000),
 * rate interval = max(step + scrape interval, 4 × scrape interval).
 */
export function queryResolution(inp: ResolutionInput): Resolution {
  const panelMin = parseDurationMs(inp.panelInterval ?? '');
  const targetMin = parseDurationMs(inp.targetInterval ?? '');
  const scrape = targetMin ?? panelMin ?? inp.scrapeIntervalMs ?? DEFAULT_SCRAPE_INTERVAL_MS;
  const base = calculateIntervalMs(inp.rangeMs, inp.resolution, panelMin ?? 1);
  const factor =
    inp.intervalFactor !== undefined && inp.intervalFactor > 0 ? inp.intervalFactor : 1;
  const safe = Math.ceil(inp.rangeMs / MAX_POINTS / 1000) * 1000;
  const intervalMs = Math.max(base * factor, scrape, safe);
  return {
    intervalMs,
    rateIntervalMs: Math.max(intervalMs + scrape, 4 * scrape),
    stepSec: intervalMs / 1000,
  };
}

/** Aligns a query range to the step so that refreshes hit the same sample times. */
export function alignRange(
  fromMs: number,
  toMs: number,
  stepSec: number,
): { start: number; end: number } {
  const step = stepSec > 0 ? stepSec : 1;
  return {
    start: Math.floor(fromMs / 1000 / step) * step,
    end: Math.ceil(toMs / 1000 / step) * step,
  };
}
