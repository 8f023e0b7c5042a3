/** Small domain-free helpers. */
export {
  Logger,
  defaultLoggerOptions,
  type LogFields,
  type LogFormat,
  type LogLevel,
  type LoggerOptions,
  type LogSink,
} from './log.js';
export {
  GoDuration,
  GoInt,
  SafeHTML,
  Template,
  TemplateError,
  formatFloat,
  goTime,
  printValue,
  prometheusFuncs,
  sprintf,
  truthy,
  type PrometheusFuncOptions,
  type TemplateFunc,
  type TemplateSample,
} from './gotemplate/index.js';
export { HAS_NATIVE_CRC32, crc32, crc32Table, type Crc32Fn } from './crc32.js';
export {
  HttpTransport,
  TransportError,
  defaultTransportTLS,
  type TransportRequest,
  type TransportResponse,
  type TransportTLSOptions,
} from './http/transport.js';
export { OAuth2Error, OAuth2TokenSource, type OAuth2Options } from './http/oauth2.js';
export {
  HttpClientPool,
  bypasses,
  defaultHttpClientSettings,
  proxyFor,
  type ClientRequest,
  type HttpClientSettings,
} from './http/client.js';
