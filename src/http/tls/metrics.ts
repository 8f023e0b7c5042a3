/** Self-metric of the HTTPS listener's certificate. */
import { Gauge, type Registry } from 'prom-client';
import type { CertificateSource } from './source.js';

/** Registers `kansoku_tls_certificate_expiry_timestamp_seconds`, read from `source` on scrape. */
export function registerTlsMetrics(registry: Registry, source: CertificateSource): void {
  new Gauge({
    name: 'kansoku_tls_certificate_expiry_timestamp_seconds',
    help: 'When the certificate served by the HTTPS listener expires, in seconds since the epoch.',
    registers: [registry],
    collect() {
      this.set(source.current().notAfterMs / 1000);
    },
  });
}
