import type { Labels, RelabelRule } from '../../model/index.js';

/** TLS settings of an HTTP client (`tls_config`). */
export interface TLSConfig {
  readonly caFile: string;
  readonly ca: string;
  readonly certFile: string;
  readonly cert: string;
  readonly keyFile: string;
  readonly key: string;
  readonly serverName: string;
  readonly insecureSkipVerify: boolean;
  readonly minVersion: string;
  readonly maxVersion: string;
}

/** Credentials and transport settings shared by every HTTP client in the config. */
export interface HTTPClientConfig {
  readonly basicAuth:
    | {
        readonly username: string;
        readonly usernameFile: string;
        readonly password: string;
        readonly passwordFile: string;
      }
    | undefined;
  /** `authorization` (or the older `bearer_token`/`bearer_token_file`, mapped to type Bearer). */
  readonly authorization:
    | { readonly type: string; readonly credentials: string; readonly credentialsFile: string }
    | undefined;
  readonly oauth2:
    | {
        readonly clientId: string;
        readonly clientSecret: string;
        readonly clientSecretFile: string;
        readonly tokenUrl: string;
        readonly scopes: readonly string[];
        readonly endpointParams: Readonly<Record<string, string>>;
      }
    | undefined;
  readonly tlsConfig: TLSConfig;
  readonly proxyUrl: string;
  readonly noProxy: string;
  readonly proxyFromEnvironment: boolean;
  readonly followRedirects: boolean;
  readonly enableHttp2: boolean;
  /** Extra request headers (`http_headers` or remote write `headers`). */
  readonly headers: Readonly<Record<string, string>>;
}

/** A group of targets with common labels (`static_configs` entry or a file_sd group). */
export interface TargetGroup {
  readonly targets: readonly string[];
  readonly labels: Labels;
  /** Where the group came from (for example the file name), for the targets page. */
  readonly source: string;
}

/** Service discovery mechanisms Kansoku runs. */
export type SDConfig =
  | { readonly kind: 'static'; readonly groups: readonly TargetGroup[] }
  | { readonly kind: 'file'; readonly files: readonly string[]; readonly refreshIntervalMs: number }
  | {
      readonly kind: 'http';
      readonly url: string;
      readonly refreshIntervalMs: number;
      readonly http: HTTPClientConfig;
    }
  | {
      readonly kind: 'dns';
      readonly names: readonly string[];
      readonly type: 'SRV' | 'A' | 'AAAA' | 'MX' | 'NS';
      readonly port: number;
      readonly refreshIntervalMs: number;
    }
  | {
      readonly kind: 'kubernetes';
      readonly role: 'node' | 'pod' | 'service' | 'endpoints' | 'endpointslice' | 'ingress';
      readonly apiServer: string;
      readonly kubeconfigFile: string;
      readonly namespaces: { readonly ownNamespace: boolean; readonly names: readonly string[] };
      readonly selectors: readonly {
        readonly role: string;
        readonly label: string;
        readonly field: string;
      }[];
      readonly attachMetadata: { readonly node: boolean; readonly namespace: boolean };
      readonly http: HTTPClientConfig;
    };

/** Exposition formats a scrape may negotiate, in Prometheus' names. */
export type ScrapeProtocol =
  | 'OpenMetricsText1.0.0'
  | 'OpenMetricsText0.0.1'
  | 'PrometheusText1.0.0'
  | 'PrometheusText0.0.4'
  | 'PrometheusProto';

/** One `scrape_configs` entry with every default filled in. */
export interface ScrapeConfig {
  readonly jobName: string;
  readonly honorLabels: boolean;
  readonly honorTimestamps: boolean;
  readonly trackTimestampsStaleness: boolean;
  readonly params: Readonly<Record<string, readonly string[]>>;
  readonly scrapeIntervalMs: number;
  readonly scrapeTimeoutMs: number;
  readonly scrapeProtocols: readonly ScrapeProtocol[];
  readonly fallbackScrapeProtocol: ScrapeProtocol | '';
  readonly metricsPath: string;
  readonly scheme: 'http' | 'https';
  readonly enableCompression: boolean;
  readonly bodySizeLimitBytes: number;
  readonly sampleLimit: number;
  readonly targetLimit: number;
  readonly labelLimit: number;
  readonly labelNameLengthLimit: number;
  readonly labelValueLengthLimit: number;
  readonly keepDroppedTargets: number;
  readonly http: HTTPClientConfig;
  readonly sd: readonly SDConfig[];
  readonly relabelConfigs: readonly RelabelRule[];
  readonly metricRelabelConfigs: readonly RelabelRule[];
}

/** `queue_config` of a remote write. */
export interface QueueConfig {
  readonly capacity: number;
  readonly maxShards: number;
  readonly minShards: number;
  readonly maxSamplesPerSend: number;
  readonly batchSendDeadlineMs: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly retryOnHttp429: boolean;
  readonly sampleAgeLimitMs: number;
}

/** One `remote_write` entry. */
export interface RemoteWriteConfig {
  readonly url: string;
  readonly name: string;
  readonly remoteTimeoutMs: number;
  readonly protobufMessage: 'prometheus.WriteRequest' | 'io.prometheus.write.v2.Request';
  readonly sendExemplars: boolean;
  readonly sendNativeHistograms: boolean;
  readonly writeRelabelConfigs: readonly RelabelRule[];
  readonly queueConfig: QueueConfig;
  readonly metadataConfig: {
    readonly send: boolean;
    readonly sendIntervalMs: number;
    readonly maxSamplesPerSend: number;
  };
  readonly http: HTTPClientConfig;
}

/** One `remote_read` entry. */
export interface RemoteReadConfig {
  readonly url: string;
  readonly name: string;
  readonly remoteTimeoutMs: number;
  readonly readRecent: boolean;
  readonly requiredMatchers: Readonly<Record<string, string>>;
  readonly http: HTTPClientConfig;
}

/** One `alerting.alertmanagers` entry. */
export interface AlertmanagerConfig {
  readonly scheme: 'http' | 'https';
  readonly pathPrefix: string;
  readonly timeoutMs: number;
  readonly apiVersion: 'v2';
  readonly http: HTTPClientConfig;
  readonly sd: readonly SDConfig[];
  readonly relabelConfigs: readonly RelabelRule[];
  readonly alertRelabelConfigs: readonly RelabelRule[];
}

/** The `global` section with defaults. */
export interface GlobalConfig {
  readonly scrapeIntervalMs: number;
  readonly scrapeTimeoutMs: number;
  readonly evaluationIntervalMs: number;
  readonly ruleQueryOffsetMs: number;
  readonly externalLabels: Labels;
  readonly queryLogFile: string;
  readonly scrapeFailureLogFile: string;
  readonly bodySizeLimitBytes: number;
  readonly sampleLimit: number;
  readonly targetLimit: number;
  readonly labelLimit: number;
  readonly labelNameLengthLimit: number;
  readonly labelValueLengthLimit: number;
  readonly keepDroppedTargets: number;
  readonly scrapeProtocols: readonly ScrapeProtocol[];
}

/** A loaded `prometheus.yml`. */
export interface PrometheusConfig {
  readonly global: GlobalConfig;
  readonly ruleFiles: readonly string[];
  readonly scrapeConfigFiles: readonly string[];
  readonly scrapeConfigs: readonly ScrapeConfig[];
  readonly alerting: {
    readonly alertRelabelConfigs: readonly RelabelRule[];
    readonly alertmanagers: readonly AlertmanagerConfig[];
  };
  readonly remoteWrite: readonly RemoteWriteConfig[];
  readonly remoteRead: readonly RemoteReadConfig[];
  readonly storage: { readonly outOfOrderTimeWindowMs: number };
  /** Settings that were read but that Kansoku does not act on, by dotted path. */
  readonly unsupported: readonly string[];
  /** The file the config came from ('' for text). */
  readonly file: string;
}
