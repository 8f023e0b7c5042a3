/** Formatting of series names, values and times for display. */
import type { Metric } from '../api/types.js';

/** `name{a="x", b="y"}`, Prometheus style. */
export function formatMetric(m: Metric): string {
  const name = m['__name__'] ?? '';
  const labels = Object.entries(m)
    .filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  if (labels.length === 0) return name || '{}';
  return `${name}{${labels.join(', ')}}`;
}

/** A number in a short form for axes and legends (SI prefixes for large and small values). */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e15 || a < 1e-6) return v.toExponential(2);
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [f, u] of units) if (a >= f) return `${trim(v / f)}${u}`;
  return trim(v);
}

function trim(v: number): string {
  return String(Number(v.toPrecision(4)));
}

/** A Unix time in seconds as a local date and time. */
export function formatTime(sec: number): string {
  return new Date(sec * 1000).toLocaleString();
}
