/**
 * The remote backend: Kansoku's storage on a distributed engine (VictoriaMetrics cluster,
 * Mimir, Thanos, Prometheus). Writes through the disk-backed remote-write queue; reads as raw
 * samples or by pushing whole queries down.
 */
export {
  REMOTE_FLAVORS,
  RAW_READ_METHOD,
  defaultRemoteBackendOptions,
  flavorFromUrls,
  type RawReadMethod,
  type RemoteAuth,
  type RemoteBackendOptions,
  type RemoteFlavor,
  type RemoteMode,
  type RemoteTlsOptions,
  type RemoteVisibility,
} from './options.js';
export { RemoteHttpClient, RemoteRequestError } from './http.js';
export { RemoteStorage, RemoteWriteRejectedError } from './storage.js';
export { RemoteQuerier } from './querier.js';
export {
  QueryForwarder,
  pushdownAllowed,
  type ForwardedAnswer,
  type PushdownPolicy,
} from './pushdown.js';
export { FlavorDetectionError, detectFlavor } from './detect.js';
export { TieredStorage } from './tiered.js';
export { parseExportLines, parseMatrix, selectorOf } from './readers.js';
export { decodeChunkedResponse, decodeReadResponse, encodeReadRequest } from './proto.js';
