/** Remote write out: a disk-backed store-and-forward queue implementing `Appendable`. */
export {
  RemoteWriteQueue,
  defaultRemoteWriteOptions,
  type RemoteWriteOptions,
  type RemoteWriteProtocol,
  type RemoteWriteStats,
} from './queue.js';
export {
  HttpTransport,
  OAuth2Error,
  OAuth2TokenSource,
  TransportError,
  defaultTransportTLS,
  type OAuth2Options,
  type TransportResponse,
  type TransportTLSOptions,
} from '../../util/index.js';
export { V2Transcoder, metadataOf, type MetadataLookup } from './v2.js';
