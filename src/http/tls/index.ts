/** TLS of the web listener: certificate sources, the redirect listener and the expiry metric. */
export {
  CertificateError,
  FileCertificateSource,
  validatePair,
  type CertificatePair,
  type CertificateSource,
  type FileCertificateSourceOptions,
} from './source.js';
export { RedirectServer, httpsLocation, type Http01Responder } from './redirect.js';
export { registerTlsMetrics } from './metrics.js';
