/**
 * The dashboard-typical requests of the query benchmark, written for the generated data
 * (`bench/datagen.ts`: `job="node"` node_exporter-like targets on `:9100`, `job="api"` HTTP
 * targets on `:8080`). The set mixes both ranges (1 h, 2 h) and both steps (15 s, 60 s), and adds
 * the metadata requests a dashboard makes for its variables.
 */

/** What a request asks. */
export type QueryKind = 'range' | 'series' | 'labels' | 'values';

/** One request of the benchmark. */
export interface QueryCase {
  /** Short name, the row label of the report. */
  readonly id: string;
  readonly kind: QueryKind;
  /** The PromQL expression (`range`) or the series selector (`match[]` of the others). */
  readonly expr: string;
  /** Range length in hours, ending at the end of the data. */
  readonly hours: number;
  /** Step in seconds (`range` only). */
  readonly stepSec: number;
  /** The label whose values are asked (`values` only). */
  readonly label?: string;
}

const cpuBusy = 'sum by (instance)(rate(node_cpu_seconds_total{mode!="idle"}[5m]))';

/** The requests, in report order. */
export const QUERY_SET: readonly QueryCase[] = [
  { id: 'cpu busy by instance', kind: 'range', expr: cpuBusy, hours: 1, stepSec: 15 },
  { id: 'cpu busy by instance 2h', kind: 'range', expr: cpuBusy, hours: 2, stepSec: 60 },
  {
    id: 'cpu by mode, no cpu label',
    kind: 'range',
    expr: 'sum without (cpu)(rate(node_cpu_seconds_total[5m]))',
    hours: 1,
    stepSec: 60,
  },
  {
    id: 'p99 latency (all)',
    kind: 'range',
    expr: 'histogram_quantile(0.99, sum by (le)(rate(http_request_duration_seconds_bucket[5m])))',
    hours: 2,
    stepSec: 60,
  },
  {
    id: 'p90 latency by handler, regex',
    kind: 'range',
    expr:
      'histogram_quantile(0.9, sum by (handler, le)' +
      '(rate(http_request_duration_seconds_bucket{handler=~"/api/v1/(orders|users)"}[5m])))',
    hours: 1,
    stepSec: 15,
  },
  {
    id: 'p50 latency by instance',
    kind: 'range',
    expr: 'histogram_quantile(0.5, sum by (instance, le)(rate(http_request_duration_seconds_bucket[5m])))',
    hours: 2,
    stepSec: 60,
  },
  {
    id: 'topk 10 network receive',
    kind: 'range',
    expr: 'topk(10, sum by (instance)(rate(node_network_receive_bytes_total{device!="lo"}[5m])))',
    hours: 1,
    stepSec: 15,
  },
  {
    id: 'errors by code, regex',
    kind: 'range',
    expr: 'sum by (code, method)(rate(http_requests_total{code=~"4..|5.."}[5m]))',
    hours: 2,
    stepSec: 15,
  },
  {
    id: 'error ratio by instance (a / b)',
    kind: 'range',
    expr:
      'sum by (instance)(rate(http_requests_total{code=~"5.."}[5m]))' +
      ' / sum by (instance)(rate(http_requests_total[5m]))',
    hours: 2,
    stepSec: 60,
  },
  {
    id: 'disk used ratio (a / b)',
    kind: 'range',
    expr:
      'max by (instance)(1 - node_filesystem_avail_bytes{fstype!="tmpfs"}' +
      ' / node_filesystem_size_bytes{fstype!="tmpfs"})',
    hours: 1,
    stepSec: 15,
  },
  {
    id: 'avg_over_time load1',
    kind: 'range',
    expr: 'avg_over_time(node_load1[10m])',
    hours: 1,
    stepSec: 60,
  },
  {
    id: 'count by job (targets)',
    kind: 'range',
    expr: 'count by (job)({__name__=~"node_load1|http_request_duration_seconds_count"})',
    hours: 2,
    stepSec: 15,
  },
  {
    id: 'label_replace host',
    kind: 'range',
    expr:
      'label_replace(sum by (instance)(rate(node_context_switches_total[5m])),' +
      ' "host", "$1", "instance", "(.*):9100")',
    hours: 1,
    stepSec: 60,
  },
  {
    id: 'subquery max of cpu user',
    kind: 'range',
    expr: 'max_over_time(sum by (instance)(rate(node_cpu_seconds_total{mode="user"}[5m]))[30m:1m])',
    hours: 1,
    stepSec: 60,
  },
  {
    id: 'memory available ratio',
    kind: 'range',
    expr: 'node_memory_MemAvailable_bytes / on (instance) node_memory_MemTotal_bytes',
    hours: 2,
    stepSec: 60,
  },
  {
    id: 'series idle cpu',
    kind: 'series',
    expr: 'node_cpu_seconds_total{mode="idle"}',
    hours: 2,
    stepSec: 0,
  },
  {
    id: 'series 5xx, regex',
    kind: 'series',
    expr: 'http_requests_total{code=~"5.."}',
    hours: 1,
    stepSec: 0,
  },
  { id: 'labels of load1', kind: 'labels', expr: 'node_load1', hours: 2, stepSec: 0 },
  {
    id: 'instance values (variable)',
    kind: 'values',
    expr: 'node_load1{job="node"}',
    hours: 1,
    stepSec: 0,
    label: 'instance',
  },
];

/**
 * The URL path and query string of a case, for a range ending at `endMs`. VictoriaMetrics gets
 * `nocache=1` so that repeating a request measures evaluation, not its response cache.
 */
export function caseUrl(c: QueryCase, endMs: number, victoria: boolean): string {
  const end = endMs / 1000;
  const start = end - c.hours * 3600;
  const p = new URLSearchParams();
  let pathname: string;
  switch (c.kind) {
    case 'range':
      pathname = '/api/v1/query_range';
      p.set('query', c.expr);
      p.set('step', String(c.stepSec));
      break;
    case 'series':
      pathname = '/api/v1/series';
      p.set('match[]', c.expr);
      break;
    case 'labels':
      pathname = '/api/v1/labels';
      p.set('match[]', c.expr);
      break;
    case 'values':
      pathname = `/api/v1/label/${encodeURIComponent(c.label ?? '__name__')}/values`;
      p.set('match[]', c.expr);
      break;
  }
  p.set('start', start.toFixed(3));
  p.set('end', end.toFixed(3));
  if (victoria) p.set('nocache', '1');
  return `${pathname}?${p.toString()}`;
}

/** A short "1h/15s" or "2h" description of a case's range and step. */
export function caseRange(c: QueryCase): string {
  return c.kind === 'range' ? `${c.hours}h/${c.stepSec}s` : `${c.hours}h`;
}
