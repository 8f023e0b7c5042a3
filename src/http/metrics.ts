/** Self-metrics of the HTTP layer, registered on an injected prom-client registry. */
import { Counter, Histogram, type Registry } from 'prom-client';

/** Request counts and durations by route pattern (`handler`) and status code. */
export class HttpMetrics {
  /** `kansoku_http_requests_total{handler,code}`. */
  readonly requests: Counter<'handler' | 'code'>;
  /** `kansoku_http_request_duration_seconds{handler}`. */
  readonly duration: Histogram<'handler'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'kansoku_http_requests_total',
      help: 'HTTP requests handled, by route and status code.',
      labelNames: ['handler', 'code'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'kansoku_http_request_duration_seconds',
      help: 'Time from receiving an HTTP request until its response is written, by route.',
      labelNames: ['handler'],
      // From 1 ms (health checks) to 1 min (slow queries).
      buckets: [0.001, 0.005, 0.025, 0.1, 0.25, 1, 2.5, 10, 60],
      registers: [registry],
    });
  }

  /** Records one finished request. */
  observe(handler: string, code: number, seconds: number): void {
    this.requests.inc({ handler, code: String(code) });
    this.duration.observe({ handler }, seconds);
  }
}
