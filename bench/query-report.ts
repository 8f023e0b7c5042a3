/** The side-by-side table of the query benchmark and its series-count comparison. */
import type { QueryCaseResult, QueryServerResult } from './query.js';
import { QUERY_SET, caseRange } from './query-set.js';

function ms(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return 'n/a';
  return v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);
}

function caseOf(r: QueryServerResult, id: string): QueryCaseResult | undefined {
  return r.cases?.find((c) => c.id === id);
}

/** The cell of one case on one server: "median / p90", or why there is none. */
function cell(r: QueryServerResult, id: string): string {
  if (r.skipped !== undefined) return 'skipped';
  if (r.error !== undefined) return 'error';
  const c = caseOf(r, id);
  if (c === undefined) return 'n/a';
  if (c.error !== undefined) return 'error';
  return `${ms(c.medianMs)} / ${ms(c.p90Ms)}`;
}

/**
 * Cases whose result counts differ between the servers that answered them, as printable lines
 * (`id: Kansoku 362, Prometheus 362, VictoriaMetrics 361`).
 */
export function countMismatches(results: readonly QueryServerResult[]): string[] {
  const out: string[] = [];
  for (const q of QUERY_SET) {
    const counts: [string, number][] = [];
    for (const r of results) {
      const n = caseOf(r, q.id)?.resultCount;
      if (n !== undefined) counts.push([r.title, n]);
    }
    if (new Set(counts.map(([, n]) => n)).size > 1)
      out.push(`${q.id}: ${counts.map(([t, n]) => `${t} ${n}`).join(', ')}`);
  }
  return out;
}

/** The result count column: the count when all servers agree, else each count ("a|b|c"). */
function countCell(results: readonly QueryServerResult[], id: string): string {
  const counts = results.map((r) => caseOf(r, id)?.resultCount);
  const known = counts.filter((n): n is number => n !== undefined);
  if (known.length === 0) return 'n/a';
  if (new Set(known).size === 1) return String(known[0]);
  return counts.map((n) => (n === undefined ? '-' : String(n))).join('|') + ' !';
}

/** Renders the query results as monospace text. */
export function queryTable(results: readonly QueryServerResult[], repeat: number): string {
  const head = ['', 'range', ...results.map((r) => r.title), 'series'];
  const body: string[][] = QUERY_SET.map((q) => [
    q.id,
    caseRange(q),
    ...results.map((r) => cell(r, q.id)),
    countCell(results, q.id),
  ]);
  const figure = (label: string, f: (r: QueryServerResult) => string): string[] => [
    label,
    '',
    ...results.map((r) =>
      r.skipped !== undefined ? 'skipped' : r.error !== undefined ? 'error' : f(r),
    ),
    '',
  ];
  body.push(figure('sum of medians, ms', (r) => ms(r.sumMedianMs)));
  body.push(figure('server CPU s, query phase', (r) => (r.cpuSeconds ?? Number.NaN).toFixed(2)));
  body.push(figure('wall s, query phase', (r) => (r.wallSeconds ?? Number.NaN).toFixed(1)));
  body.push(figure('start on ingested data, ms', (r) => ms(r.readyMs)));
  const widths = head.map((_, c) =>
    Math.max(...[head, ...body].map((row) => (row[c] ?? '').length)),
  );
  const line = (row: readonly string[]): string =>
    row
      .map((v, c) => (c === 0 ? v.padEnd(widths[c] ?? 0) : v.padStart(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [
    `median / p90 ms of ${repeat} timed requests after one warm-up; series = result count`,
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
  ];
  for (const r of results) {
    if (r.skipped !== undefined) out.push(`${r.title}: skipped — ${r.skipped}`);
    if (r.error !== undefined) out.push(`${r.title}: error — ${r.error}`);
    for (const c of r.cases ?? [])
      if (c.error !== undefined) out.push(`${r.title}: ${c.id} failed — ${c.error.slice(0, 160)}`);
  }
  const mismatches = countMismatches(results);
  if (mismatches.length > 0) out.push('result counts differ:', ...mismatches.map((m) => `  ${m}`));
  return out.join('\n');
}
