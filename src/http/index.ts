/**
 * The HTTP layer: the server, the router, the Prometheus-compatible endpoints, and the one
 * function that maps errors to statuses.
 */
export { addAdminRoutes, parseSelectorParam, type AdminDeps, type TsdbAdmin } from './admin.js';
export {
  addApiV1Routes,
  NO_TARGETS,
  astToJson,
  type ApiV1Deps,
  type TargetsView,
  type HeadStats,
  type RuntimeFacts,
} from './api/v1/index.js';
export { readBody } from './body.js';
export { addAlertmanagerRoutes, type AlertmanagerApiDeps } from './alertmanager/v2.js';
export { addRemoteReadRoute, type RemoteReadDeps } from './read/remote-read.js';
export {
  HttpError,
  errorEnvelope,
  errorResponse,
  type ApiErrorType,
  type ErrorEnvelope,
  type ErrorResponse,
} from './errors.js';
export { formParams } from './form.js';
export { addHealthRoutes, type ReadinessFn } from './health.js';
export { HttpMetrics } from './metrics.js';
export {
  RequestLimits,
  TokenBuckets,
  routeClass,
  type MemoryState,
  type RequestLimitOptions,
} from './limits/index.js';
export {
  BadParamError,
  parseBoolParam,
  parseDurationParam,
  parseGoFloat,
  parseTimeParam,
} from './params.js';
export { sendEmpty, sendError, sendJson, sendSuccess, sendText } from './respond.js';
export {
  Router,
  type Handler,
  type Method,
  type RequestContext,
  type Route,
  type RouteMatch,
} from './router.js';
export { buildRouter, type HttpDeps } from './routes.js';
export {
  HttpServer,
  defaultHttpServerOptions,
  type HttpServerOptions,
  type HttpServerTls,
} from './server.js';
export {
  AcmeCertificateSource,
  defaultAcmeTiming,
  registerAcmeMetrics,
  CertificateError,
  FileCertificateSource,
  RedirectServer,
  registerTlsMetrics,
  type CertificatePair,
  type CertificateSource,
} from './tls/index.js';
export { IngestCounters, RemoteWriteMetrics } from './write/metrics.js';
export { addPushRoutes, type PushDeps } from './write/push.js';
export { addPushgatewayRoutes, type PushgatewayDeps } from './write/pushgateway.js';
export { addOTLPRoute, type OTLPDeps } from './write/otlp.js';
export {
  RemoteWriteHandler,
  SampleRejectedError,
  defaultRemoteWriteOptions,
  type RemoteWriteOptions,
} from './write/remote-write.js';
export { InvalidSeriesError } from './write/validate.js';
