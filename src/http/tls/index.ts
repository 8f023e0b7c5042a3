/** TLS of the web listener: certificate sources, the redirect listener and the expiry metric. */
export {
  CertificateError,
  FileCertificateSource,
  validatePair,
  type CertificatePair,
  type CertificateSource,
  type FileCertificateSourceOptions,
  type TlsHandshakeHooks,
} from './source.js';
export { RedirectServer, httpsLocation, type Http01Responder } from './redirect.js';
export { registerTlsMetrics } from './metrics.js';
export {
  AcmeCertificateSource,
  AcmeSetupError,
  defaultAcmeTiming,
  registerAcmeMetrics,
  type AcmeChallengeType,
  type AcmeSourceOptions,
} from './acme/index.js';
