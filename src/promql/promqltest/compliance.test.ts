/**
 * Runs the PromQL compliance tester's query list (`../shared/peer-suites/promql-compliance`)
 * against synthetic data shaped like its demo service: every query must evaluate without an
 * internal error (instant and range), and the ones marked `should_fail` must be rejected. The list
 * has no expected values; results are compared with Prometheus by the peer script tests instead.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { Labels, STALE_NAN } from '../../model/index.js';
import { MemStorage } from '../../storage/index.js';
import { Engine, QueryError } from '../index.js';

function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir)
      throw new Error('cannot find project root: no package.json above the test file');
    dir = up;
  }
  return dir;
}

/** Values the compliance tester substitutes for each template variable. */
const VARIANTS: Record<string, string[]> = {
  offset: ['1m', '5m', '10m'],
  simpleAggrOp: ['sum', 'avg', 'max', 'min', 'count', 'stddev', 'stdvar', 'group'],
  topBottomOp: ['topk', 'bottomk'],
  quantile: ['-0.5', '0.1', '0.5', '0.75', '0.95', '0.90', '0.99', '1', '1.5'],
  arithBinOp: ['+', '-', '*', '/', '%', '^'],
  compBinOp: ['==', '!=', '<', '>', '<=', '>='],
  binOp: ['+', '-', '*', '/', '%', '^', '==', '!=', '<', '>', '<=', '>='],
  simpleTimeAggrOp: ['sum', 'avg', 'max', 'min', 'count', 'stddev', 'stdvar', 'last', 'present'],
  range: ['1s', '15s', '1m', '5m', '15m'],
  simpleMathFunc: ['abs', 'ceil', 'floor', 'exp', 'sqrt', 'ln', 'log2', 'log10', 'round'],
  extrapolatedRateFunc: ['delta', 'rate', 'increase'],
  instantRateFunc: ['idelta', 'irate'],
  clampFunc: ['clamp_min', 'clamp_max'],
  dateFunc: ['day_of_month', 'day_of_week', 'days_in_month', 'hour', 'minute', 'month', 'year'],
};

/**
 * Queries the list marks `should_fail` that Prometheus 3 accepts: label names are validated as
 * UTF-8 since Prometheus 3, so `~invalid` is a valid destination label.
 */
const ACCEPTED_SINCE_PROMETHEUS_3 = new Set([
  'label_replace(demo_num_cpus, "~invalid", "", "src", "(.*)")',
  'label_join(demo_num_cpus, "~invalid", "-", "instance")',
]);

interface Case {
  query: string;
  shouldFail: boolean;
}

function expand(query: string, args: string[]): string[] {
  if (args.length === 0) return [query];
  const [first, ...rest] = args as [string, ...string[]];
  const values = VARIANTS[first];
  if (!values) throw new Error(`unknown template variable ${first}`);
  return values.flatMap((v) => expand(query.replaceAll(`{{.${first}}}`, v), rest));
}

const STEP = 15_000;
const POINTS = 121; // 30 minutes

async function demoStorage(): Promise<MemStorage> {
  const st = new MemStorage();
  const app = st.appender();
  const add = (rec: Record<string, string>, f: (k: number) => number | undefined): void => {
    const l = Labels.fromRecord(rec);
    for (let k = 0; k < POINTS; k++) {
      const v = f(k);
      if (v !== undefined) app.append(0, l, k * STEP, v);
    }
  };
  const les = ['0.0001', '0.00015', '0.001', '0.01', '0.1', '0.5', '1', '2.5', '+Inf'];
  for (let i = 0; i < 3; i++) {
    const base = { job: 'demo', instance: `demo.promlabs.com:1000${i}` };
    ['buffers', 'cached', 'free', 'used'].forEach((type, t) => {
      add(
        { ...base, __name__: 'demo_memory_usage_bytes', type },
        (k) => 1e9 * (t + 1) + k * 1000 * (i + 1),
      );
    });
    add({ ...base, __name__: 'demo_num_cpus' }, () => 4);
    ['idle', 'user', 'system'].forEach((mode, m) => {
      add({ ...base, __name__: 'demo_cpu_usage_seconds_total', mode }, (k) =>
        k === 60 && m === 1 ? 3 : (k % 60) * 15 * (m + 1) * 0.3,
      );
    });
    add({ ...base, __name__: 'demo_disk_usage_bytes' }, (k) => 1e10 + k * 12345);
    add(
      { ...base, __name__: 'demo_batch_last_success_timestamp_seconds' },
      (k) => Math.floor((k * STEP) / 300_000) * 300,
    );
    add({ ...base, __name__: 'demo_intermittent_metric' }, (k) =>
      k % 40 < 20 ? k : k % 40 === 20 ? STALE_NAN : undefined,
    );
    for (const method of ['GET', 'POST'])
      for (const status of ['200', '500']) {
        const b = { ...base, method, path: '/api/foo', status };
        les.forEach((le, j) => {
          add(
            { ...b, __name__: 'demo_api_request_duration_seconds_bucket', le },
            (k) => k * (j + 1),
          );
        });
        add({ ...b, __name__: 'demo_api_request_duration_seconds_count' }, (k) => k * les.length);
        add({ ...b, __name__: 'demo_api_request_duration_seconds_sum' }, (k) => k * 0.7);
      }
  }
  await app.commit();
  return st;
}

const PEER =
  process.env['PEER_SUITES_DIR'] ?? path.resolve(projectRoot(), '..', 'shared', 'peer-suites');
const FILE = path.join(PEER, 'promql-compliance', 'promql-test-queries.yml');

if (!fs.existsSync(FILE)) {
  test(
    'promql compliance queries',
    { skip: `not found at ${FILE} (set PEER_SUITES_DIR)` },
    () => {},
  );
} else {
  const doc = parseYaml(fs.readFileSync(FILE, 'utf8')) as {
    test_cases: { query: string; should_fail?: boolean; variant_args?: string[] }[];
  };
  const cases: Case[] = doc.test_cases.flatMap((c) =>
    expand(c.query, c.variant_args ?? []).map((query) => ({
      query,
      shouldFail: c.should_fail === true && !ACCEPTED_SINCE_PROMETHEUS_3.has(query),
    })),
  );
  const st = await demoStorage();
  const engine = new Engine();

  describe('promql-compliance/promql-test-queries.yml', () => {
    for (const c of cases) {
      it(c.query, async () => {
        const run = async (): Promise<void> => {
          await engine.instantQuery(st, c.query, 20 * 60_000);
          await engine.rangeQuery(st, c.query, 10 * 60_000, 30 * 60_000, 60_000);
        };
        if (c.shouldFail) {
          await assert.rejects(run(), QueryError);
          return;
        }
        try {
          await run();
        } catch (err) {
          // Data-dependent execution errors (for example duplicate matches) are legitimate;
          // internal errors are not.
          assert.ok(err instanceof QueryError, `non-query error: ${String(err)}`);
          assert.equal(err.errorType, 'execution', err.message);
          assert.ok(!err.message.startsWith('BUG'), err.message);
        }
      });
    }
  });
}
