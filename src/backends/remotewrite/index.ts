/** Remote write out: a disk-backed store-and-forward queue implementing `Appendable`. */
export {
  RemoteWriteQueue,
  defaultRemoteWriteOptions,
  type RemoteWriteOptions,
  type RemoteWriteProtocol,
  type RemoteWriteStats,
} from './queue.js';
export { OAuth2Error, OAuth2TokenSource, type OAuth2Options } from './oauth2.js';
export {
  HttpTransport,
  TransportError,
  defaultTransportTLS,
  type TransportResponse,
  type TransportTLSOptions,
} from './transport.js';
export { V2Transcoder, metadataOf, type MetadataLookup } from './v2.js';
