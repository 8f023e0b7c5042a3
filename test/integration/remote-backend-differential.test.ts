/**
 * The PromQL differential test with the remote backend underneath: a `kansoku server` with
 * `--storage.backend=remote` in raw mode on Debian's VictoriaMetrics (cluster paths through the
 * test proxy) against Debian's Prometheus holding the same data. The compliance query templates
 * (`promql-compliance/promql-test-queries.yml`) are expanded and both answers compared through
 * the HTTP API within 1e-9 relative, as `promql-differential.test.ts` does for the embedded
 * storage; its known differences apply here too, plus the ones listed below.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { WriteRequestEncoder, encodeSnappyBody } from '../../src/parsers/index.js';
import { demoData, toOpenMetrics } from '../support/demo-data.js';
import { PEER_SKIP, PEER_SUITES } from '../support/paths.js';
import { Peer, findBinary, freePort, waitHTTP } from '../support/process.js';
import { KNOWN_DIFFERENCES } from './promql-differential.known.js';
import {
  PROM_SKIP,
  VM_SKIP,
  startVictoriaMetrics,
  type RunningBackend,
} from './remote-backend-peers.js';
import { startKansoku, type KansokuProcess } from './server-harness.js';

const PROMTOOL = findBinary('/usr/bin/promtool');
const skip = PEER_SKIP || VM_SKIP || PROM_SKIP || (PROMTOOL ? false : 'promtool not installed');

/**
 * VictoriaMetrics keeps values as decimals with about 12 significant digits: large counters
 * lose their last digits, which `%` and the last-two-samples functions magnify past 1e-9.
 */
const DECIMAL_DIGITS = 'VictoriaMetrics stores about 12 significant decimal digits';

/** Differences that come from VictoriaMetrics underneath (beyond the embedded engine's). */
const REMOTE_KNOWN: Readonly<Record<string, string>> = {
  'demo_memory_usage_bytes % 1.2345': DECIMAL_DIGITS,
  'demo_memory_usage_bytes % (1 * 2 + 4 / 6 - 10)': DECIMAL_DIGITS,
  'idelta(demo_cpu_usage_seconds_total[1m])': DECIMAL_DIGITS,
  'idelta(demo_cpu_usage_seconds_total[5m])': DECIMAL_DIGITS,
  'idelta(demo_cpu_usage_seconds_total[15m])': DECIMAL_DIGITS,
  'irate(demo_cpu_usage_seconds_total[1m])': DECIMAL_DIGITS,
  'irate(demo_cpu_usage_seconds_total[5m])': DECIMAL_DIGITS,
  'irate(demo_cpu_usage_seconds_total[15m])': DECIMAL_DIGITS,
};

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

interface Case {
  readonly query: string;
  readonly shouldFail: boolean;
}

function loadCases(): Case[] {
  const doc: unknown = parseYaml(
    readFileSync(path.join(PEER_SUITES, 'promql-compliance', 'promql-test-queries.yml'), 'utf8'),
  );
  const out: Case[] = [];
  for (const tc of (doc as { test_cases?: unknown[] }).test_cases ?? []) {
    const o = tc as { query?: unknown; variant_args?: unknown; should_fail?: unknown };
    if (typeof o.query !== 'string') continue;
    let qs = [o.query];
    for (const a of Array.isArray(o.variant_args) ? o.variant_args.map(String) : []) {
      const vals = VARIANTS[a] ?? [];
      qs = qs.flatMap((q) => vals.map((v) => q.replaceAll(`{{.${a}}}`, v)));
    }
    for (const q of qs) out.push({ query: q, shouldFail: o.should_fail === true });
  }
  return out;
}

interface Answer {
  status: string;
  error?: string;
  data?: { resultType: string; result: unknown };
}

async function api(base: string, p: string, params: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${base}${p}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  return (await res.json()) as Answer;
}

function close(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) && Number.isNaN(y)) return true;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y;
  return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y)) || Math.abs(x - y) < 1e-300;
}

type S = { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] };

/** '' when both answers agree, else a short description. */
function compare(want: Answer, got: Answer): string {
  if (want.status !== got.status)
    return `status ${got.status} (${got.error ?? ''}), want ${want.status}`;
  if (want.status !== 'success' || !want.data || !got.data) return '';
  if (want.data.resultType !== got.data.resultType) return `resultType ${got.data.resultType}`;
  if (want.data.resultType === 'scalar' || want.data.resultType === 'string') {
    const [wt, wv] = want.data.result as [number, string];
    const [gt, gv] = got.data.result as [number, string];
    return wt === gt && close(wv, gv) ? '' : `got ${JSON.stringify(got.data.result)}`;
  }
  const key = (s: S): string => JSON.stringify(Object.entries(s.metric).sort());
  const ws = [...(want.data.result as S[])].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  const gs = [...(got.data.result as S[])].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  if (ws.length !== gs.length) return `${gs.length} series, want ${ws.length}`;
  for (let i = 0; i < ws.length; i++) {
    const a = ws[i]!;
    const b = gs[i]!;
    if (key(a) !== key(b)) return `series ${key(b)}, want ${key(a)}`;
    const av = a.value ? [a.value] : (a.values ?? []);
    const bv = b.value ? [b.value] : (b.values ?? []);
    if (av.length !== bv.length) return `${key(a)}: ${bv.length} points, want ${av.length}`;
    for (let j = 0; j < av.length; j++) {
      if (av[j]![0] !== bv[j]![0] || !close(av[j]![1], bv[j]![1]))
        return `${key(a)} point ${j}: got ${JSON.stringify(bv[j])}, want ${JSON.stringify(av[j])}`;
    }
  }
  return '';
}

void describe(
  'PromQL differential: remote backend (VictoriaMetrics, raw) vs Prometheus 2.42',
  { skip, timeout: 300_000 },
  () => {
    const END = 1_700_000_000_000;
    const START = END - 2 * 3_600_000;
    let dir = '';
    let prom: Peer | undefined;
    let promBase = '';
    let vm: RunningBackend | undefined;
    let kansoku: KansokuProcess | undefined;

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'kansoku-remote-diff-'));
      const data = demoData(START, END);
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
      prom = new Peer('/usr/bin/prometheus', [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'prom')}`,
        '--storage.tsdb.retention.time=100y',
        `--web.listen-address=127.0.0.1:${port}`,
      ]);
      vm = await startVictoriaMetrics();
      await waitHTTP(`${promBase}/-/ready`, 30_000);
      kansoku = await startKansoku(path.join(dir, 'kansoku'), [
        '--storage.backend=remote',
        `--storage.remote.write-url=${vm.writeUrl}`,
        `--storage.remote.read-url=${vm.readUrl}`,
        '--storage.remote.mode=raw',
      ]);
      await waitHTTP(`${kansoku.base}/-/ready`, 30_000);
      // Load through Kansoku: its remote-write endpoint → the storage's queue → VictoriaMetrics.
      let total = 0;
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
        enc.addSeries(
          Object.entries(s.labels)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .flat(),
          s.ts,
          s.vs,
        );
        n += s.ts.length;
        total += s.ts.length;
        if (n > 20_000) await flush();
      }
      await flush();
      // Delivery is asynchronous (acknowledged once queued): wait until VictoriaMetrics has it all.
      const until = Date.now() + 60_000;
      for (;;) {
        await fetch(vm.flushUrl);
        const a = await api(vm.directUrl, '/api/v1/query', {
          query: 'sum(count_over_time({__name__=~"demo_.+"}[3h]))',
          time: String(END / 1000),
        });
        const got = Number((a.data?.result as S[] | undefined)?.[0]?.value?.[1] ?? 0);
        if (got >= total) break;
        assert.ok(Date.now() < until, `only ${got} of ${total} samples arrived`);
        await new Promise((r) => setTimeout(r, 200));
      }
    });

    after(async () => {
      await kansoku?.stop();
      await prom?.stop();
      await vm?.stop();
      if (dir !== '') rmSync(dir, { recursive: true, force: true });
    });

    const cases = skip === false ? loadCases() : [];
    const evalTime = ((END - 20 * 60_000) / 1000).toFixed(3);
    const rangeParams = {
      start: ((END - 50 * 60_000) / 1000).toString(),
      end: ((END - 10 * 60_000) / 1000).toString(),
      step: '30',
    };
    for (const c of cases) {
      const known = KNOWN_DIFFERENCES[c.query] ?? REMOTE_KNOWN[c.query];
      void it(c.query, { skip: known ? `known difference: ${known}` : false }, async () => {
        for (const [p, params] of [
          ['/api/v1/query', { query: c.query, time: evalTime }],
          ['/api/v1/query_range', { query: c.query, ...rangeParams }],
        ] as const) {
          const diff = compare(await api(promBase, p, params), await api(kansoku!.base, p, params));
          assert.equal(diff, '', `${p}: ${diff}`);
        }
      });
    }
    if (skip === false) {
      void it('ran every expanded query', () => {
        assert.ok(cases.length > 300, `${cases.length} cases`);
      });
    }
  },
);
