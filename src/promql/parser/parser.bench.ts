/**
 * Benchmark of parsing and printing typical dashboard and alerting queries (rates, aggregations,
 * histogram quantiles, vector matching, subqueries). Fixed query set; timings vary with the
 * machine.
 *
 * Run: `node --import tsx src/promql/parser/parser.bench.ts`
 */
import { fileURLToPath } from 'node:url';
import { exprToString, formatExpr, parseExpr } from './index.js';

/** Figures reported by `benchParser`. */
export interface ParserFigures {
  /** Mean time to parse and type-check one query, µs. */
  readonly parseUsPerQuery: number;
  /** Mean time to print one parsed query on one line, µs. */
  readonly printUsPerQuery: number;
  /** Mean time to pretty-print one parsed query, µs. */
  readonly prettyUsPerQuery: number;
  /** Mean query length, characters. */
  readonly meanQueryChars: number;
  /** Parse throughput, MB of query text per second. */
  readonly parseMBPerSec: number;
}

/** Options of `benchParser`. */
export interface ParserBenchOptions {
  /** Passes over the query set. */
  readonly rounds: number;
}

const QUERIES: readonly string[] = [
  'up',
  'rate(http_requests_total{job="api", code=~"5.."}[5m])',
  'sum by (job, instance) (rate(node_cpu_seconds_total{mode!="idle"}[$__rate_interval]))',
  'histogram_quantile(0.99, sum by (le, handler) (rate(http_request_duration_seconds_bucket{job="api"}[5m])))',
  '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])))',
  '(node_filesystem_avail_bytes{fstype!~"tmpfs|overlay"} / node_filesystem_size_bytes) * 100 < 10 and ' +
    'node_filesystem_readonly == 0',
  'sum(rate(container_cpu_usage_seconds_total{namespace="default", container!=""}[5m])) by (pod) ' +
    '/ on (pod) group_left sum(kube_pod_container_resource_requests{resource="cpu"}) by (pod)',
  'predict_linear(node_filesystem_free_bytes[6h], 24 * 3600) < 0',
  'max_over_time(rate(process_cpu_seconds_total[1m])[30m:1m] offset 1d)',
  'topk(10, sum without (instance) (increase(errors_total[1h])) > bool 5)',
  'label_replace(up{job=~"node|api"}, "host", "$1", "instance", "([^:]+):.*") unless absent(up)',
  'count_values("version", build_info @ end()) or vector(0)',
].map((q) => q.replaceAll('$__rate_interval', '1m'));

function timeUs(rounds: number, fn: (q: string) => void): number {
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const q of QUERIES) fn(q);
  return Number(process.hrtime.bigint() - t0) / 1e3 / (rounds * QUERIES.length);
}

/** Parses, prints and pretty-prints the query set `rounds` times. */
export function benchParser(opts: Partial<ParserBenchOptions> = {}): ParserFigures {
  const rounds = opts.rounds ?? 2000;
  const parsed = QUERIES.map((q) => parseExpr(q));
  const parseUs = timeUs(rounds, (q) => parseExpr(q));
  let i = 0;
  const printUs = timeUs(rounds, () => exprToString(parsed[i++ % parsed.length]!));
  const prettyUs = timeUs(rounds, () => formatExpr(parsed[i++ % parsed.length]!));
  const meanChars = QUERIES.reduce((n, q) => n + q.length, 0) / QUERIES.length;
  const round2 = (x: number): number => Math.round(x * 100) / 100;
  return {
    parseUsPerQuery: round2(parseUs),
    printUsPerQuery: round2(printUs),
    prettyUsPerQuery: round2(prettyUs),
    meanQueryChars: round2(meanChars),
    parseMBPerSec: round2(meanChars / parseUs),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  benchParser({ rounds: 200 }); // warm up
  console.log(JSON.stringify(benchParser(), null, 2));
}
