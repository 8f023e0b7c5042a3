/** Automatic certificates over ACME (RFC 8555) with HTTP-01 and TLS-ALPN-01 challenges. */
export {
  AcmeCertificateSource,
  AcmeSetupError,
  defaultAcmeTiming,
  type AcmeSourceOptions,
} from './manager.js';
export { ChallengeResponder, ACME_TLS_ALPN } from './challenges.js';
export {
  AcmeOrderError,
  type AcmeChallengeType,
  type OrderFn,
  type OrderRequest,
} from './client.js';
export { registerAcmeMetrics, type AcmeMetrics } from './metrics.js';
export { AcmeStore, AcmeStoreError, ACME_FILES, type StoredCertificate } from './store.js';
export { RENEW_WHEN_REMAINING, renewAtMs, renewalReason, retryDelayMs } from './renewal.js';
