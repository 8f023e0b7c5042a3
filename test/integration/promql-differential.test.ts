/**
 * Differential PromQL tests: the same data in Kansoku and in a real Prometheus (Debian's 2.42),
 * the compliance query templates (`promql-compliance/promql-test-queries.yml`) expanded plus our
 * own queries, compared through the HTTP API of both. Values must agree within 1e-9 relative.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { WriteRequestEncoder, encodeSnappyBody } from '../../src/parsers/index.js';
import { demoData, toOpenMetrics, type DemoSeries } from '../support/demo-data.js';
import { PEER_SUITES, PEER_SKIP } from '../support/paths.js';
import { Peer, findBinary, freePort, waitHTTP } from '../support/process.js';
import { startKansoku, type KansokuProcess } from './server-harness.js';
import { KNOWN_DIFFERENCES } from './promql-differential.known.js';

const PROMETHEUS = findBinary('/usr/bin/prometheus');
const PROMTOOL = findBinary('/usr/bin/promtool');
const skip =
  PEER_SKIP ||
  (!PROMETHEUS || !PROMTOOL
    ? 'prometheus/promtool not installed (bash .ci/run installs them)'
    : false);

/** Values of the template variables, as the compliance tester's defaults. */
const VARIANTS: Record<string, string[]> = {
  range: ['1m', '5m', '15m'],
  offset: ['1m', '5m', '10m'],
  simpleAggrOp: ['sum', 'avg', 'max', 'min', 'count', 'stddev', 'stdvar', 'group'],
  topBottomOp: ['topk', 'bottomk'],
  quantile: ['-0.5', '0.1', '0.5', '0.75', '0.95', '0.90', '0.99', '1', '1.5'],
  arithBinOp: ['+', '-', '*', '/', '%', '^'],
  compBinOp: ['==', '!=', '<', '>', '<=', '>='],
  binOp: ['+', '-', '*', '/', '%', '^', '==', '!=', '<', '>', '<=', '>='],
  simpleMathFunc: ['abs', 'ceil', 'floor', 'exp', 'sqrt', 'ln', 'log2', 'log10', 'round'],
  extrapolatedRateFunc: ['delta', 'rate', 'increase'],
  simpleTimeAggrOp: ['sum', 'avg', 'max', 'min', 'count', 'stddev', 'stdvar', 'last', 'present'],
  dateFunc: ['day_of_month', 'day_of_week', 'days_in_month', 'hour', 'minute', 'month', 'year'],
  instantRateFunc: ['idelta', 'irate'],
  clampFunc: ['clamp_min', 'clamp_max'],
};

/** Our own queries beyond the compliance set: selectors, subqueries, @, histograms, sorting. */
const OWN_QUERIES = [
  'sum by (instance) (rate(demo_cpu_usage_seconds_total{mode!="idle"}[5m]))',
  'histogram_quantile(0.99, sum by (le) (rate(demo_api_request_duration_seconds_bucket[5m])))',
  'histogram_quantile(0.5, sum by (le, method) (rate(demo_api_request_duration_seconds_bucket[2m])))',
  'topk(3, demo_memory_usage_bytes)',
  'bottomk(2, sum by (instance) (demo_memory_usage_bytes))',
  'max_over_time(rate(demo_cpu_usage_seconds_total[1m])[10m:1m])',
  'avg_over_time(demo_memory_usage_bytes[10m:30s])',
  'rate(demo_cpu_usage_seconds_total[5m] offset 10m)',
  'demo_memory_usage_bytes{type=~"free|used"} / ignoring(type) group_left sum without(type) (demo_memory_usage_bytes)',
  'count by (job) (demo_num_cpus > 2)',
  'sum(demo_memory_usage_bytes) by (type) > 3e9',
  'demo_num_cpus and on(instance) demo_disk_usage_bytes > 0',
  'demo_num_cpus or demo_disk_usage_bytes',
  'demo_num_cpus unless on(instance) demo_num_cpus > 4',
  'absent_over_time(demo_intermittent_metric[1m])',
  'present_over_time(demo_intermittent_metric[1m])',
  'changes(demo_num_cpus[10m])',
  'count_over_time(demo_intermittent_metric[3m])',
  'quantile(0.9, demo_memory_usage_bytes)',
  'count_values("cpus", demo_num_cpus)',
  'sort_desc(sum by (instance) (demo_memory_usage_bytes))',
  'sgn(demo_memory_usage_bytes - 2e9)',
  'demo_memory_usage_bytes @ end()',
  'holt_winters(demo_disk_usage_bytes[10m], 0.5, 0.5)',
  'stddev_over_time(demo_memory_usage_bytes[5m])',
  'increase(demo_api_request_duration_seconds_count[10m])',
  'sum(rate(demo_api_request_duration_seconds_sum[5m])) / sum(rate(demo_api_request_duration_seconds_count[5m]))',
  'label_replace(rate(demo_cpu_usage_seconds_total[1m]), "m", "$1", "mode", "(.).*")',
  'vector(1) + on() group_left demo_num_cpus',
  'scalar(sum(demo_num_cpus)) * demo_num_cpus',
  'timestamp(demo_batch_last_success_timestamp_seconds)',
  'deriv(demo_memory_usage_bytes[5m])',
];

interface Case {
  readonly query: string;
  readonly shouldFail: boolean;
}

function expand(template: string, args: readonly string[]): string[] {
  let out = [template];
  for (const a of args) {
    const values = VARIANTS[a];
    if (!values) throw new Error(`no values for template variable ${a}`);
    out = out.flatMap((q) => values.map((v) => q.replaceAll(`{{.${a}}}`, v)));
  }
  return out;
}

function loadCases(): Case[] {
  const doc: unknown = parseYaml(
    readFileSync(path.join(PEER_SUITES, 'promql-compliance', 'promql-test-queries.yml'), 'utf8'),
  );
  const tcs = (doc as { test_cases?: unknown[] }).test_cases ?? [];
  const out: Case[] = [];
  for (const tc of tcs) {
    const o = tc as { query?: unknown; variant_args?: unknown; should_fail?: unknown };
    if (typeof o.query !== 'string') continue;
    const args = Array.isArray(o.variant_args) ? o.variant_args.map(String) : [];
    for (const q of expand(o.query, args))
      out.push({ query: q, shouldFail: o.should_fail === true });
  }
  for (const q of OWN_QUERIES) out.push({ query: q, shouldFail: false });
  return out;
}

interface ApiAnswer {
  status: string;
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: unknown };
}

async function api(base: string, p: string, params: Record<string, string>): Promise<ApiAnswer> {
  const res = await fetch(`${base}${p}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  return (await res.json()) as ApiAnswer;
}

function close(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) && Number.isNaN(y)) return true;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y;
  return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y)) || Math.abs(x - y) < 1e-300;
}

/** Compares two API answers; returns '' when they agree, else a short description. */
export function compareAnswers(want: ApiAnswer, got: ApiAnswer): string {
  if (want.status !== got.status) {
    return `status ${got.status} (${got.error ?? ''}) but Prometheus says ${want.status} (${want.error ?? ''})`;
  }
  if (want.status !== 'success') return '';
  const w = want.data!;
  const g = got.data!;
  if (w.resultType !== g.resultType) return `resultType ${g.resultType}, want ${w.resultType}`;
  if (w.resultType === 'scalar' || w.resultType === 'string') {
    const [wt, wv] = w.result as [number, string];
    const [gt, gv] = g.result as [number, string];
    return wt === gt && close(wv, gv)
      ? ''
      : `got ${JSON.stringify(g.result)}, want ${JSON.stringify(w.result)}`;
  }
  type S = {
    metric: Record<string, string>;
    value?: [number, string];
    values?: [number, string][];
  };
  const key = (s: S): string => JSON.stringify(Object.entries(s.metric).sort());
  const ws = [...(w.result as S[])].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  const gs = [...(g.result as S[])].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  if (ws.length !== gs.length) return `${gs.length} series, want ${ws.length}`;
  for (let i = 0; i < ws.length; i++) {
    const a = ws[i]!;
    const b = gs[i]!;
    if (key(a) !== key(b)) return `series ${key(b)}, want ${key(a)}`;
    const av = a.value ? [a.value] : (a.values ?? []);
    const bv = b.value ? [b.value] : (b.values ?? []);
    if (av.length !== bv.length) return `${key(a)}: ${bv.length} points, want ${av.length}`;
    for (let j = 0; j < av.length; j++) {
      if (av[j]![0] !== bv[j]![0] || !close(av[j]![1], bv[j]![1])) {
        return `${key(a)} point ${j}: got ${JSON.stringify(bv[j])}, want ${JSON.stringify(av[j])}`;
      }
    }
  }
  return '';
}

describe('PromQL differential against Prometheus 2.42', { skip, timeout: 600_000 }, () => {
  const END = 1_700_000_000_000;
  const START = END - 2 * 3_600_000;
  let dir = '';
  let prom: Peer | undefined;
  let promBase = '';
  let kansoku: KansokuProcess | undefined;
  const results = { pass: 0, fail: 0, known: 0 };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kansoku-diff-'));
    const data: DemoSeries[] = demoData(START, END);
    writeFileSync(path.join(dir, 'data.om'), toOpenMetrics(data));
    execFileSync(
      PROMTOOL!,
      [
        'tsdb',
        'create-blocks-from',
        'openmetrics',
        path.join(dir, 'data.om'),
        path.join(dir, 'prom'),
      ],
      { stdio: 'pipe' },
    );
    writeFileSync(path.join(dir, 'prometheus.yml'), 'global: {}\n');
    const port = await freePort();
    promBase = `http://127.0.0.1:${port}`;
    prom = new Peer(PROMETHEUS!, [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'prom')}`,
      '--storage.tsdb.retention.time=100y',
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    await waitHTTP(`${promBase}/-/ready`, 30_000);
    kansoku = await startKansoku(path.join(dir, 'kansoku'), ['--storage.tsdb.retention.time=100y']);
    await waitHTTP(`${kansoku.base}/-/ready`, 30_000);
    // Load the same samples through remote write, in batches.
    let enc = new WriteRequestEncoder();
    let n = 0;
    const flush = async (): Promise<void> => {
      const res = await fetch(`${kansoku!.base}/api/v1/write`, {
        method: 'POST',
        headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' },
        body: encodeSnappyBody(enc.writer.finish()),
      });
      assert.equal(res.status, 204, await res.text());
      enc = new WriteRequestEncoder();
      n = 0;
    };
    for (const s of data) {
      const flat = Object.entries(s.labels)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .flat();
      enc.addSeries(flat, s.ts, s.vs);
      n += s.ts.length;
      if (n > 20_000) await flush();
    }
    await flush();
  });

  after(async () => {
    await prom?.stop();
    await kansoku?.stop('SIGTERM');
    console.log(
      `promql differential: ${results.pass} agree, ${results.fail} differ, ${results.known} known differences`,
    );
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  const cases = skip ? [] : loadCases();
  const evalTime = ((END - 20 * 60_000) / 1000).toFixed(3);
  const rangeParams = {
    start: ((END - 50 * 60_000) / 1000).toString(),
    end: ((END - 10 * 60_000) / 1000).toString(),
    step: '30',
  };
  for (const c of cases) {
    const known = KNOWN_DIFFERENCES[c.query];
    it(c.query, { skip: known ? `known difference: ${known}` : false }, async () => {
      try {
        for (const [p, params] of [
          ['/api/v1/query', { query: c.query, time: evalTime }],
          ['/api/v1/query_range', { query: c.query, ...rangeParams }],
        ] as const) {
          const want = await api(promBase, p, params);
          const got = await api(kansoku!.base, p, params);
          if (c.shouldFail)
            assert.equal(want.status, 'error', 'Prometheus accepted a should_fail query');
          const diff = compareAnswers(want, got);
          assert.equal(diff, '', `${p}: ${diff}`);
        }
        results.pass++;
      } catch (e) {
        results.fail++;
        throw e;
      }
    });
  }
  if (!skip) {
    it('ran every expanded query', () => {
      assert.ok(cases.length > 300, `${cases.length} cases`);
      results.known = cases.filter((c) => KNOWN_DIFFERENCES[c.query] !== undefined).length;
    });
  }
});
