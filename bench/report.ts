/** The side-by-side table of the ingestion results and the micro-benchmark listing. */
import type { IngestResult } from './ingest.js';
import { flattenFigures, type MicroResult } from './micro.js';

type Row = [label: string, value: (r: IngestResult) => string];

const MB = 1024 * 1024;

function num(v: number | undefined, digits = 0): string {
  if (v === undefined || !Number.isFinite(v)) return 'n/a';
  return v.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

/** Rows of the side-by-side table; `samples` and `series` give the expected counts. */
function rows(samples: number, series: number, loadExpected: number): Row[] {
  return [
    ['ingest rate, samples/s', (r) => num(r.samplesPerSec)],
    ['server CPU s per 1M samples', (r) => num(r.cpuSecondsPerMillion, 2)],
    ['  of which while sending, s', (r) => num(r.cpuSecondsDuringSend, 1)],
    ['  busy after last response, s', (r) => num(r.settleSeconds, 1)],
    ['RSS idle, MiB', (r) => num(r.rssIdleBytes === undefined ? undefined : r.rssIdleBytes / MB)],
    [
      '  at the first idle second, MiB',
      (r) => num(r.rssAtIdleBytes === undefined ? undefined : r.rssAtIdleBytes / MB),
    ],
    [
      'RSS after ingest (settled), MiB',
      (r) => num(r.rssAfterBytes === undefined ? undefined : r.rssAfterBytes / MB),
    ],
    ['RSS per active series, bytes', (r) => num(r.rssBytesPerSeries)],
    [
      'disk after compaction, MiB',
      (r) => num(r.disk?.bytes === undefined ? undefined : r.disk.bytes / MB, 1),
    ],
    ['disk bytes per sample', (r) => num(r.bytesPerSample, 2)],
    ['startup (empty) to ready, ms', (r) => num(r.startupMs)],
    ['shutdown (SIGTERM to exit), ms', (r) => num(r.shutdownMs)],
    ['restart to ready, ms', (r) => num(r.restartMs)],
    [`series visible (expect ${series})`, (r) => num(r.checks?.seriesVisible)],
    [`node_load1 samples (expect ${loadExpected})`, (r) => num(r.checks?.loadSamples)],
    [
      `failed requests (of ${Math.ceil(samples / 500)}+)`,
      (r) => (r.send === undefined ? 'n/a' : `${r.send.failed} (${r.send.retries} retries)`),
    ],
  ];
}

/** Renders the side-by-side table as monospace text. */
export function ingestTable(
  results: readonly IngestResult[],
  samples: number,
  series: number,
  loadExpected: number,
): string {
  const cols = results.map((r) => r.title);
  const body = rows(samples, series, loadExpected).map(([label, f]) => [
    label,
    ...results.map((r) =>
      r.skipped !== undefined ? 'skipped' : r.error !== undefined ? 'error' : f(r),
    ),
  ]);
  const table = [['', ...cols], ...body];
  const widths =
    table[0]?.map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length))) ?? [];
  const line = (row: string[]): string =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  ');
  const out = [line(['', ...cols]), line(widths.map((w) => '-'.repeat(w)))];
  for (const row of body) out.push(line(row));
  for (const r of results) {
    if (r.skipped !== undefined) out.push(`${r.title}: skipped — ${r.skipped}`);
    if (r.error !== undefined) out.push(`${r.title}: error — ${r.error}`);
    if (r.send?.firstError !== undefined)
      out.push(`${r.title}: first failed request — ${r.send.firstError}`);
    if (r.disk !== undefined) out.push(`${r.title}: disk = ${r.disk.method}`);
    if (r.checks?.error !== undefined) out.push(`${r.title}: check failed — ${r.checks.error}`);
  }
  return out.join('\n');
}

/** Renders the micro-benchmark figures, one block per module. */
export function microTable(results: readonly MicroResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(`${r.module} ${r.fn}() — ${(r.ms / 1000).toFixed(1)} s`);
    if (r.error !== undefined) out.push(`  error: ${r.error}`);
    if (r.figures !== undefined)
      for (const [k, v] of flattenFigures(r.figures)) out.push(`  ${k.padEnd(36)} ${v}`);
  }
  return out.join('\n');
}
