/** Self-metrics of the ACME certificate source. */
import { Counter, Gauge, type Registry } from 'prom-client';

/** The counters and gauges `AcmeCertificateSource` updates. */
export interface AcmeMetrics {
  /** Orders started, by result (`success`, `failure`). */
  readonly orders: Counter<'result'>;
  /** When the next order or retry is planned, in seconds since the epoch. */
  readonly nextAttempt: Gauge;
}

/**
 * Registers `kansoku_acme_orders_total{result}` and `kansoku_acme_next_attempt_timestamp_seconds`
 * on `registry`. The certificate's expiry is `kansoku_tls_certificate_expiry_timestamp_seconds`
 * (registered by `registerTlsMetrics`).
 */
export function registerAcmeMetrics(registry: Registry): AcmeMetrics {
  const orders = new Counter({
    name: 'kansoku_acme_orders_total',
    help: 'ACME certificate orders by result (success, failure).',
    labelNames: ['result'],
    registers: [registry],
  });
  orders.inc({ result: 'success' }, 0);
  orders.inc({ result: 'failure' }, 0);
  const nextAttempt = new Gauge({
    name: 'kansoku_acme_next_attempt_timestamp_seconds',
    help: 'When the next ACME order (renewal or retry) is planned, in seconds since the epoch.',
    registers: [registry],
  });
  return { orders, nextAttempt };
}
