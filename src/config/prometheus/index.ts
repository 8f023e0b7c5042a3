/** `prometheus.yml`: types, parsing and validation as strict as Prometheus'. */
export {
  expandGlob,
  loadPrometheusConfigFile,
  parsePrometheusConfig,
  type ParseOptions,
} from './load.js';
export { parseTargetGroups, readTargetGroup, UNSUPPORTED_SD_KEYS } from './sd.js';
export { DEFAULT_SCRAPE_PROTOCOLS, SCRAPE_PROTOCOLS } from './scrape.js';
export { defaultHTTPClientConfig } from './http.js';
export { loadIngestConfigFile, parseIngestConfig, type IngestConfig } from './ingest.js';
export { ConfigError, ObjReader, parseYaml } from './yamlnode.js';
export type {
  AlertmanagerConfig,
  GlobalConfig,
  HTTPClientConfig,
  PrometheusConfig,
  QueueConfig,
  RemoteReadConfig,
  RemoteWriteConfig,
  SDConfig,
  ScrapeConfig,
  ScrapeProtocol,
  TLSConfig,
  TargetGroup,
} from './types.js';
