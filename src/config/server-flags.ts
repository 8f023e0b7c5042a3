/**
 * The flags of `kansoku server`, declared as data, and their conversion into typed settings.
 * Names follow Prometheus where Prometheus has the same setting.
 */
import { parseBytes, parseDuration } from './duration.js';
import { FlagError, flagText, type FlagSpec, type ParsedArgs } from './flags.js';

/** Severity threshold of the log (the same union as the logger's). */
export type LogLevelSetting = 'debug' | 'info' | 'warn' | 'error';

/** The WAL fsync policy. */
export type WalFsyncSetting = 'commit' | 'never';

/** Where samples are stored (`--storage.backend`). */
export type StorageBackendSetting = 'local' | 'remote' | 'fanout';

/** Encoding of log lines. */
export type LogFormatSetting = 'logfmt' | 'json';

/** The flags of `kansoku server` (and the shared flags of `kansoku agent`). */
export const SERVER_FLAGS: readonly FlagSpec[] = [
  {
    name: 'config.file',
    kind: 'string',
    help: 'Kansoku configuration file (prometheus.yml format). Without it Kansoku only scrapes itself.',
    placeholder: 'FILE',
  },
  {
    name: 'alertmanager.config.file',
    kind: 'string',
    help: 'Configuration of the built-in Alertmanager (alertmanager.yml format). Without it alerts are kept and shown but not sent anywhere.',
    placeholder: 'FILE',
  },
  {
    name: 'web.listen-address',
    kind: 'string',
    help: 'Address to listen on for the UI, API and telemetry (host:port).',
    default: '127.0.0.1:9777',
    placeholder: 'ADDRESS',
  },
  {
    name: 'web.enable-admin-api',
    kind: 'bool',
    help: 'Enable the admin endpoints (snapshot, delete series, clean tombstones, compact). Defaults to on when listening on a loopback address, off otherwise.',
  },
  {
    name: 'web.enable-lifecycle',
    kind: 'bool',
    help: 'Enable PUT/POST /-/reload (re-read the configuration files) and /-/quit (shut down gracefully); admin-only when authentication is on. On by default; --no-web.enable-lifecycle answers 403.',
  },
  {
    name: 'auth.enabled',
    kind: 'bool',
    help: 'Require sign-in or an API token for everything but health checks and the static UI. Defaults to on when listening on a non-loopback address; give it to force it on loopback.',
  },
  {
    name: 'auth.admin-password-file',
    kind: 'string',
    help: 'On the first start (no users yet), create the user "admin" with the password read from this file instead of printing a one-time setup link.',
    placeholder: 'FILE',
  },
  {
    name: 'auth.token-rate-limit',
    kind: 'string',
    help: 'Requests per second each API token, signed-in user or share link may make (anonymous requests: each client address other than loopback); more get 429 with Retry-After. 0 means no limit.',
    default: '100',
    placeholder: 'RATE',
  },
  {
    name: 'auth.token-rate-burst',
    kind: 'int',
    help: 'Requests above --auth.token-rate-limit a client may make at once before being limited.',
    default: '200',
    placeholder: 'N',
  },
  {
    name: 'web.tls-cert-file',
    kind: 'string',
    help: 'PEM certificate (the leaf first, then intermediates) to serve HTTPS on --web.listen-address; reloaded when the file changes. Needs --web.tls-key-file.',
    placeholder: 'FILE',
  },
  {
    name: 'web.tls-key-file',
    kind: 'string',
    help: 'PEM private key of --web.tls-cert-file; reloaded when the file changes.',
    placeholder: 'FILE',
  },
  {
    name: 'web.redirect-http',
    kind: 'string',
    help: 'With TLS: also listen with plain HTTP on this address (host:port) and redirect every request to HTTPS (308), answering /-/healthy directly.',
    placeholder: 'ADDRESS',
  },
  {
    name: 'web.hsts',
    kind: 'bool',
    help: 'With TLS: send Strict-Transport-Security: max-age=31536000 on every response. Defaults to on when TLS is on.',
  },
  {
    name: 'web.acme.domain',
    kind: 'string',
    help: 'Serve HTTPS with a certificate obtained over ACME for these domain names (comma-separated, the first is the common name); kept in <storage.tsdb.path>/acme and renewed when a third of its lifetime remains. Excludes --web.tls-cert-file.',
    placeholder: 'NAMES',
  },
  {
    name: 'web.acme.email',
    kind: 'string',
    help: "Contact address of the ACME account (the CA's expiry and policy mail).",
    placeholder: 'ADDRESS',
  },
  {
    name: 'web.acme.directory-url',
    kind: 'string',
    help: "The ACME CA's directory URL (https).",
    default: 'https://acme-v02.api.letsencrypt.org/directory',
    placeholder: 'URL',
  },
  {
    name: 'web.acme.challenge',
    kind: 'enum',
    help: 'How the CA checks control of the domains: http-01 = on the plain-HTTP listener of --web.redirect-http (port 80 for the CA), tls-alpn-01 = on the HTTPS listener (port 443 for the CA).',
    default: 'http-01',
    choices: ['http-01', 'tls-alpn-01'],
    placeholder: 'TYPE',
  },
  {
    name: 'web.acme.ca-file',
    kind: 'string',
    help: "Extra PEM CA certificates to trust for the ACME directory's TLS (a private or test CA).",
    placeholder: 'FILE',
  },
  {
    name: 'web.acme.accept-tos',
    kind: 'bool',
    help: "Agree to the ACME CA's terms of service (required with --web.acme.domain).",
  },
  {
    name: 'rules.builtin',
    kind: 'bool',
    help: 'Load the built-in self-monitoring alert rules (disk budget, WAL, rejected ingestion, remote write, certificates, targets down). On by default; --no-rules.builtin turns them off.',
  },
  {
    name: 'web.remote-write.max-body-size',
    kind: 'bytes',
    help: 'Largest remote-write request body accepted, both compressed and decompressed.',
    default: '64MB',
    placeholder: 'SIZE',
  },
  {
    name: 'ingest.config.file',
    kind: 'string',
    help: 'YAML file with relabel_configs applied to every pushed series (remote write, line protocol, OTLP, Pushgateway, imports); reloaded with the configuration.',
    placeholder: 'FILE',
  },
  {
    name: 'ingest.max-label-names',
    kind: 'int',
    help: 'Most labels (the metric name included) a series pushed by line protocol or import may have; 0 means no limit.',
    default: '64',
    placeholder: 'N',
  },
  {
    name: 'ingest.max-label-name-length',
    kind: 'int',
    help: 'Longest label name accepted from line protocol and imports, in characters; 0 means no limit.',
    default: '256',
    placeholder: 'N',
  },
  {
    name: 'ingest.max-label-value-length',
    kind: 'int',
    help: 'Longest label value accepted from line protocol and imports, in characters; 0 means no limit.',
    default: '4096',
    placeholder: 'N',
  },
  {
    name: 'storage.max-series',
    kind: 'int',
    help: 'Most active series in the head; samples of new series beyond it are refused (existing series keep taking samples). 0 means no limit.',
    default: '300000',
    placeholder: 'N',
  },
  {
    name: 'storage.max-series-per-metric',
    kind: 'int',
    help: 'Most active series with one metric name; 0 means no limit.',
    default: '100000',
    placeholder: 'N',
  },
  {
    name: 'storage.max-new-series-per-hour',
    kind: 'int',
    help: 'Most series created in any sliding hour (series churn); 0 means no limit.',
    default: '300000',
    placeholder: 'N',
  },
  {
    name: 'storage.memory-budget',
    kind: 'string',
    help: 'Memory (resident set) the process should stay within: auto (60% of the cgroup memory limit or of the RAM), a size such as 512MB, or 0 for no budget. Near it writes and expensive queries get 503 with Retry-After and caches are dropped.',
    default: 'auto',
    placeholder: 'SIZE',
  },
  {
    name: 'storage.tsdb.path',
    kind: 'string',
    help: 'Directory of the embedded time-series database; created when missing.',
    default: './data',
    placeholder: 'DIR',
  },
  {
    name: 'storage.tsdb.retention.time',
    kind: 'duration',
    help: 'How long to keep samples. 0 keeps them until the size limit removes them.',
    default: '15d',
    placeholder: 'DURATION',
  },
  {
    name: 'storage.tsdb.retention.size',
    kind: 'bytes',
    help: 'Maximum bytes of persisted blocks to keep (B, KB, MB, GB, TB, PB, EB; base 1024). 0 means no limit.',
    default: '0',
    placeholder: 'SIZE',
  },
  {
    name: 'storage.tsdb.wal-fsync',
    kind: 'enum',
    help: 'When a write is acknowledged: never = once the operating system has the data (survives a crash of the process, not of the machine; like Prometheus), commit = after the write-ahead log is fsynced (survives power loss; concurrent writes share one fsync).',
    default: 'never',
    choices: ['commit', 'never'],
    placeholder: 'POLICY',
  },
  {
    name: 'storage.backend',
    kind: 'enum',
    help: 'Where samples are stored: local = the embedded database; remote = a remote engine (VictoriaMetrics, Mimir, Thanos, Prometheus) through --storage.remote.*; fanout = recent data in the embedded database and everything in the remote engine, older data read from the remote engine.',
    default: 'local',
    choices: ['local', 'remote', 'fanout'],
    placeholder: 'BACKEND',
  },
  {
    name: 'storage.config.file',
    kind: 'string',
    help: "Kansoku storage settings file (YAML with a 'storage:' section: backend, remote URLs, auth, TLS, tenant). Flags given on the command line win over the file.",
    placeholder: 'FILE',
  },
  {
    name: 'storage.remote.write-url',
    kind: 'string',
    help: 'Remote-write URL of the remote engine, e.g. http://vminsert:8480/insert/0/prometheus/api/v1/write or http://mimir:8080/api/v1/push.',
    placeholder: 'URL',
  },
  {
    name: 'storage.remote.read-url',
    kind: 'string',
    help: "Base URL of the remote engine's query API (without /api/v1), e.g. http://vmselect:8481/select/0/prometheus or http://mimir:8080/prometheus.",
    placeholder: 'URL',
  },
  {
    name: 'storage.remote.mode',
    kind: 'enum',
    help: "How queries use the remote engine: raw = read samples and evaluate PromQL in Kansoku; pushdown = forward whole /api/v1/query and /api/v1/query_range requests when the engine's semantics match (rules always evaluate in Kansoku).",
    default: 'raw',
    choices: ['raw', 'pushdown'],
    placeholder: 'MODE',
  },
  {
    name: 'storage.remote.flavor',
    kind: 'enum',
    help: 'The remote engine; auto detects it from the URLs or by asking the read URL.',
    default: 'auto',
    choices: ['auto', 'prometheus', 'victoriametrics', 'mimir', 'thanos'],
    placeholder: 'FLAVOR',
  },
  {
    name: 'storage.remote.tenant',
    kind: 'string',
    help: 'Tenant sent as X-Scope-OrgID on every remote request (Mimir, Cortex, Thanos receive).',
    placeholder: 'TENANT',
  },
  {
    name: 'storage.remote.read-timeout',
    kind: 'duration',
    help: 'Timeout of one read or forwarded query against the remote engine.',
    default: '1m',
    placeholder: 'DURATION',
  },
  {
    name: 'storage.remote.fanout-boundary',
    kind: 'duration',
    help: 'With --storage.backend=fanout: data younger than this is read from the embedded database, older data from the remote engine. 0 uses --storage.tsdb.retention.time.',
    default: '0',
    placeholder: 'DURATION',
  },
  {
    name: 'log.level',
    kind: 'enum',
    help: 'Only log messages with the given severity or above.',
    default: 'info',
    choices: ['debug', 'info', 'warn', 'error'],
    placeholder: 'LEVEL',
  },
  {
    name: 'log.format',
    kind: 'enum',
    help: 'Output format of log messages.',
    default: 'logfmt',
    choices: ['logfmt', 'json'],
    placeholder: 'FORMAT',
  },
  {
    name: 'query.lookback-delta',
    kind: 'duration',
    help: 'The maximum lookback duration for retrieving metrics during expression evaluations and federation.',
    default: '5m',
    placeholder: 'DURATION',
  },
  {
    name: 'query.timeout',
    kind: 'duration',
    help: 'Maximum time a query may take before being aborted.',
    default: '2m',
    placeholder: 'DURATION',
  },
  {
    name: 'query.max-samples',
    kind: 'int',
    help: 'Maximum number of samples a single query can load into memory (about 16 bytes each). Prometheus defaults to 50000000; Kansoku to 10000000 to fit a 1 GB machine.',
    default: '10000000',
    placeholder: 'N',
  },
  {
    name: 'query.max-concurrency',
    kind: 'int',
    help: 'Maximum number of queries executed concurrently.',
    default: '20',
    placeholder: 'N',
  },
  {
    name: 'query.cache-max-size',
    kind: 'bytes',
    help: 'Most memory (estimated) the range-query result cache may use; 0 turns the cache off.',
    default: '64MB',
    placeholder: 'SIZE',
  },
  {
    name: 'query.cache-timestamp-offset',
    kind: 'duration',
    help: 'Steps of range queries newer than this before now are never cached, since their data may still arrive (at least 1m).',
    default: '5m',
    placeholder: 'DURATION',
  },
  {
    name: 'query.max-queue-wait',
    kind: 'duration',
    help: 'Longest a query waits for a free slot when --query.max-concurrency queries run; then it gets 503 with Retry-After.',
    default: '5s',
    placeholder: 'DURATION',
  },
  {
    name: 'dashboards.dir',
    kind: 'string',
    help: 'Directory of dashboards as code: its *.json files (Grafana dashboard JSON, subdirectories are folders) are loaded at start and whenever they change, and shown as provisioned.',
    placeholder: 'DIR',
  },
  {
    name: 'dashboards.write-back',
    kind: 'bool',
    help: 'Write edits of provisioned dashboards made in the UI or API back to their files in --dashboards.dir; without it provisioned dashboards are read-only.',
  },
  {
    name: 'dashboards.rescan-interval',
    kind: 'duration',
    help: 'How often --dashboards.dir is rescanned in full, besides watching it for changes; 0 only watches.',
    default: '30s',
    placeholder: 'DURATION',
  },
  {
    name: 'meta.postgres-url',
    kind: 'string',
    help: 'Keep dashboards, users, tokens, silences and the notification log in this PostgreSQL database (postgres://user:password@host:port/db) instead of the data directory, so that several servers share them (high availability: one of them, the leader, evaluates rules and sends notifications).',
    placeholder: 'URL',
  },
  {
    name: 'meta.postgres-url-file',
    kind: 'string',
    help: 'Read --meta.postgres-url from this file (keeps the password out of the process list).',
    placeholder: 'FILE',
  },
  {
    name: 'ha.lease-duration',
    kind: 'duration',
    help: 'With --meta.postgres-url: how long the leader lease lasts without renewal; another server takes over within this time after the leader dies.',
    default: '15s',
    placeholder: 'DURATION',
  },
  {
    name: 'ha.instance',
    kind: 'string',
    help: "With --meta.postgres-url: this server's name in the leader lease (default: host name, listen address and a random part).",
    placeholder: 'NAME',
  },
];

/** The ACME challenge type (`--web.acme.challenge`). */
export type AcmeChallengeSetting = 'http-01' | 'tls-alpn-01';

/** The settings of `--web.acme.*`. */
export interface AcmeSettings {
  /** Lower-case domain names, the common name first. */
  readonly domains: readonly string[];
  readonly email: string | undefined;
  readonly directoryUrl: string;
  readonly challenge: AcmeChallengeSetting;
  readonly caFile: string | undefined;
}

/** Typed settings of `kansoku server`, in base units (milliseconds, bytes). */
export interface ServerFlags {
  /** Path of the configuration file, or undefined to run with no configuration. */
  readonly configFile: string | undefined;
  /** Path of the built-in Alertmanager's configuration, or undefined for the default. */
  readonly alertmanagerConfigFile: string | undefined;
  readonly listenAddress: string;
  readonly enableAdminApi: boolean;
  /** Whether `/-/reload` and `/-/quit` work (`--web.enable-lifecycle`). */
  readonly enableLifecycle: boolean;
  /** Whether requests must be authenticated (on by default off loopback). */
  readonly authEnabled: boolean;
  /** File with the first admin's password, or undefined to print a setup link. */
  readonly authAdminPasswordFile: string | undefined;
  /** `--web.tls-cert-file` and `--web.tls-key-file`, or undefined to serve plain HTTP. */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  /** `--web.redirect-http` (with TLS), or undefined. */
  readonly redirectHttpAddress: string | undefined;
  /** Whether HTTPS responses carry Strict-Transport-Security (false without TLS). */
  readonly hsts: boolean;
  /** `--web.acme.*`: certificates over ACME, or undefined (excludes `tls`). */
  readonly acme: AcmeSettings | undefined;
  /** Whether the built-in self-monitoring rules are loaded. */
  readonly rulesBuiltin: boolean;
  readonly remoteWriteMaxBytes: number;
  /** Label limits of the push paths (line protocol, imports); 0 means no limit. */
  /** `--ingest.config.file`, or undefined. */
  readonly ingestConfigFile: string | undefined;
  readonly ingestMaxLabelNames: number;
  readonly ingestMaxLabelNameLength: number;
  readonly ingestMaxLabelValueLength: number;
  /** Series limits (`--storage.max-series*`, `--storage.max-new-series-per-hour`); 0 = none. */
  readonly storageMaxSeries: number;
  readonly storageMaxSeriesPerMetric: number;
  readonly storageMaxNewSeriesPerHour: number;
  /** `--storage.memory-budget` in bytes: 'auto' (derive from the machine), or 0 for none. */
  readonly memoryBudget: number | 'auto';
  /** `--auth.token-rate-limit` (requests/s, 0 = none) and `--auth.token-rate-burst`. */
  readonly tokenRateLimit: number;
  readonly tokenRateBurst: number;
  /** `--query.max-queue-wait` in ms. */
  readonly queryMaxQueueWaitMs: number;
  readonly tsdbPath: string;
  /** Retention by time in ms; 0 means no time limit. */
  readonly retentionTimeMs: number;
  /** Retention by size in bytes; 0 means no size limit. */
  readonly retentionSizeBytes: number;
  /** When writes are acknowledged: after fsync of the WAL (`commit`) or without fsync (`never`). */
  readonly walFsync: WalFsyncSetting;
  /** `--storage.backend`. */
  readonly storageBackend: StorageBackendSetting;
  /**
   * The remote-storage flags exactly as given (absent when not given), so that a storage
   * settings file can fill in the rest: `config.file`, `remote.write-url`, `remote.read-url`,
   * `remote.mode`, `remote.flavor`, `remote.tenant`, `remote.read-timeout` (ms as text),
   * `remote.fanout-boundary` (ms as text), `backend`.
   */
  readonly storageGiven: Readonly<Record<string, string>>;
  readonly logLevel: LogLevelSetting;
  readonly logFormat: LogFormatSetting;
  readonly lookbackDeltaMs: number;
  readonly queryTimeoutMs: number;
  readonly queryMaxSamples: number;
  readonly queryMaxConcurrency: number;
  /** `--query.cache-max-size` in bytes; 0 turns the range-query result cache off. */
  readonly queryCacheMaxBytes: number;
  /** `--query.cache-timestamp-offset` in ms: steps newer than now minus this are not cached. */
  readonly queryCacheTimestampOffsetMs: number;
  /** The dashboards-as-code directory, or undefined when not set. */
  readonly dashboardsDir: string | undefined;
  /** Whether API edits of provisioned dashboards are written back to their files. */
  readonly dashboardsWriteBack: boolean;
  /** Full rescan interval of the dashboards directory in ms; 0 only watches. */
  readonly dashboardsRescanMs: number;
  /** `--meta.postgres-url` (or undefined: the embedded metadata store). */
  readonly metaPostgresUrl: string | undefined;
  /** `--meta.postgres-url-file`. */
  readonly metaPostgresUrlFile: string | undefined;
  /** The leader lease's duration, ms. */
  readonly haLeaseMs: number;
  /** `--ha.instance`, or undefined for a generated name. */
  readonly haInstance: string | undefined;
  /** Every flag as text (given or default), by name, for `/api/v1/status/flags`. */
  readonly asText: Readonly<Record<string, string>>;
}

/** Converts parsed arguments into typed settings, applying defaults and cross-flag checks. */
export function serverFlagsFrom(parsed: ParsedArgs): ServerFlags {
  const text = (name: string): string => {
    const spec = SERVER_FLAGS.find((s) => s.name === name);
    if (!spec) throw new Error(`BUG: flag ${name} is not declared`);
    return flagText(parsed, spec) ?? '';
  };
  const listenAddress = text('web.listen-address');
  const hp = splitHostPort(listenAddress);
  const adminText = parsed.given.get('web.enable-admin-api');
  const enableAdminApi = adminText === undefined ? isLoopbackHost(hp.host) : adminText === 'true';
  const authText = parsed.given.get('auth.enabled');
  const authEnabled = authText === undefined ? !isLoopbackHost(hp.host) : authText === 'true';
  const positive = (name: string): number => {
    const n = Number(text(name));
    if (n <= 0)
      throw new FlagError(
        `invalid value ${JSON.stringify(text(name))} for flag '--${name}': must be greater than 0`,
        `--${name}`,
      );
    return n;
  };
  const nonNegative = (name: string): number => {
    const n = Number(text(name));
    if (n < 0) {
      throw new FlagError(
        `invalid value ${JSON.stringify(text(name))} for flag '--${name}': must not be negative`,
        `--${name}`,
      );
    }
    return n;
  };
  const asText: Record<string, string> = {};
  for (const s of SERVER_FLAGS) asText[s.name] = flagText(parsed, s) ?? '';
  asText['web.enable-admin-api'] = String(enableAdminApi);
  asText['auth.enabled'] = String(authEnabled);
  if (asText['meta.postgres-url'] !== '') asText['meta.postgres-url'] = '<secret>';
  const configFile = parsed.given.get('config.file');
  const optionalText = (name: string): string | undefined => {
    const v = parsed.given.get(name);
    return v === undefined || v === '' ? undefined : v;
  };
  return {
    configFile: configFile === undefined || configFile === '' ? undefined : configFile,
    alertmanagerConfigFile: optionalText('alertmanager.config.file'),
    listenAddress,
    enableAdminApi,
    enableLifecycle: parsed.given.get('web.enable-lifecycle') !== 'false',
    authEnabled,
    authAdminPasswordFile: optionalText('auth.admin-password-file'),
    ...tlsSettings(optionalText, parsed.given.get('web.hsts'), acmeSettings(optionalText, text)),
    rulesBuiltin: parsed.given.get('rules.builtin') !== 'false',
    remoteWriteMaxBytes: positiveBytes(
      'web.remote-write.max-body-size',
      text('web.remote-write.max-body-size'),
    ),
    ingestConfigFile: optionalText('ingest.config.file'),
    ingestMaxLabelNames: nonNegative('ingest.max-label-names'),
    ingestMaxLabelNameLength: nonNegative('ingest.max-label-name-length'),
    ingestMaxLabelValueLength: nonNegative('ingest.max-label-value-length'),
    storageMaxSeries: nonNegative('storage.max-series'),
    storageMaxSeriesPerMetric: nonNegative('storage.max-series-per-metric'),
    storageMaxNewSeriesPerHour: nonNegative('storage.max-new-series-per-hour'),
    memoryBudget: memoryBudgetSetting(text('storage.memory-budget')),
    tokenRateLimit: nonNegativeNumber('auth.token-rate-limit', text('auth.token-rate-limit')),
    tokenRateBurst: positive('auth.token-rate-burst'),
    queryMaxQueueWaitMs: parseDuration(text('query.max-queue-wait')),
    tsdbPath: text('storage.tsdb.path'),
    retentionTimeMs: parseDuration(text('storage.tsdb.retention.time')),
    retentionSizeBytes: parseBytes(text('storage.tsdb.retention.size')),
    walFsync: text('storage.tsdb.wal-fsync') as WalFsyncSetting,
    storageBackend: text('storage.backend') as StorageBackendSetting,
    storageGiven: storageGiven(parsed),
    logLevel: text('log.level') as LogLevelSetting,
    logFormat: text('log.format') as LogFormatSetting,
    lookbackDeltaMs: positiveDuration('query.lookback-delta', text('query.lookback-delta')),
    queryTimeoutMs: positiveDuration('query.timeout', text('query.timeout')),
    queryMaxSamples: positive('query.max-samples'),
    queryMaxConcurrency: positive('query.max-concurrency'),
    queryCacheMaxBytes: parseBytes(text('query.cache-max-size')),
    queryCacheTimestampOffsetMs: parseDuration(text('query.cache-timestamp-offset')),
    dashboardsDir: optionalText('dashboards.dir'),
    dashboardsWriteBack: parsed.given.get('dashboards.write-back') === 'true',
    dashboardsRescanMs: parseDuration(text('dashboards.rescan-interval')),
    metaPostgresUrl: optionalText('meta.postgres-url'),
    metaPostgresUrlFile: optionalText('meta.postgres-url-file'),
    haLeaseMs: positiveDuration('ha.lease-duration', text('ha.lease-duration')),
    haInstance: optionalText('ha.instance'),
    asText,
  };
}

/** The TLS settings from `--web.tls-*`, `--web.redirect-http` and `--web.hsts`. */
function tlsSettings(
  optionalText: (name: string) => string | undefined,
  hstsText: string | undefined,
  acme: AcmeSettings | undefined,
): Pick<ServerFlags, 'tls' | 'redirectHttpAddress' | 'hsts' | 'acme'> {
  const certFile = optionalText('web.tls-cert-file');
  const keyFile = optionalText('web.tls-key-file');
  const redirect = optionalText('web.redirect-http');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    const missing = certFile === undefined ? '--web.tls-cert-file' : '--web.tls-key-file';
    throw new FlagError(
      `cannot serve HTTPS: ${missing} is missing (give both --web.tls-cert-file and --web.tls-key-file)`,
      missing,
    );
  }
  const tls = certFile !== undefined && keyFile !== undefined ? { certFile, keyFile } : undefined;
  if (acme !== undefined && tls !== undefined) {
    throw new FlagError(
      'cannot serve HTTPS: --web.acme.domain and --web.tls-cert-file exclude each other (choose one source of certificates)',
      '--web.acme.domain',
    );
  }
  if (acme?.challenge === 'http-01' && redirect === undefined) {
    throw new FlagError(
      'cannot answer ACME http-01 challenges: give --web.redirect-http (the CA connects to port 80) or use --web.acme.challenge=tls-alpn-01',
      '--web.redirect-http',
    );
  }
  if (redirect !== undefined) {
    if (tls === undefined && acme === undefined) {
      throw new FlagError(
        'cannot redirect to HTTPS: --web.redirect-http needs --web.tls-cert-file and --web.tls-key-file, or --web.acme.domain',
        '--web.redirect-http',
      );
    }
    splitHostPort(redirect, 'web.redirect-http');
  }
  return {
    tls,
    acme,
    redirectHttpAddress: redirect,
    hsts: (tls !== undefined || acme !== undefined) && hstsText !== 'false',
  };
}

/** The ACME settings from `--web.acme.*`, or undefined without `--web.acme.domain`. */
function acmeSettings(
  optionalText: (name: string) => string | undefined,
  text: (name: string) => string,
): AcmeSettings | undefined {
  const domainText = optionalText('web.acme.domain');
  if (domainText === undefined) {
    for (const name of ['web.acme.email', 'web.acme.ca-file']) {
      if (optionalText(name) !== undefined)
        throw new FlagError(`cannot use --${name}: it needs --web.acme.domain`, `--${name}`);
    }
    return undefined;
  }
  const domains = [...new Set(domainText.split(',').map((d) => d.trim().toLowerCase()))].filter(
    (d) => d !== '',
  );
  for (const d of domains) {
    if (
      !/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/.test(
        d,
      )
    ) {
      throw new FlagError(
        `invalid value ${JSON.stringify(d)} for flag '--web.acme.domain': expected a fully qualified domain name such as monitor.example.com (no wildcards or IP addresses)`,
        '--web.acme.domain',
      );
    }
  }
  if (domains.length === 0) {
    throw new FlagError(
      "invalid value for flag '--web.acme.domain': no domain name",
      '--web.acme.domain',
    );
  }
  if (optionalText('web.acme.accept-tos') !== 'true') {
    throw new FlagError(
      "cannot request certificates over ACME: give --web.acme.accept-tos to agree to the CA's terms of service",
      '--web.acme.accept-tos',
    );
  }
  const directoryUrl = text('web.acme.directory-url');
  let url: URL | undefined;
  try {
    url = new URL(directoryUrl);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:') {
    throw new FlagError(
      `invalid value ${JSON.stringify(directoryUrl)} for flag '--web.acme.directory-url': expected an https URL`,
      '--web.acme.directory-url',
    );
  }
  return {
    domains,
    email: optionalText('web.acme.email'),
    directoryUrl,
    challenge: text('web.acme.challenge') as AcmeChallengeSetting,
    caFile: optionalText('web.acme.ca-file'),
  };
}

/** The `storage.*` flags of the remote backend that were given, by name without `storage.`. */
function storageGiven(parsed: ParsedArgs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [
    'backend',
    'config.file',
    'remote.write-url',
    'remote.read-url',
    'remote.mode',
    'remote.flavor',
    'remote.tenant',
  ]) {
    const v = parsed.given.get(`storage.${name}`);
    if (v !== undefined && v !== '') out[name] = v;
  }
  for (const name of ['remote.read-timeout', 'remote.fanout-boundary']) {
    const v = parsed.given.get(`storage.${name}`);
    if (v !== undefined && v !== '') out[name] = String(parseDuration(v));
  }
  return out;
}

/** `--storage.memory-budget`: `auto` or a size (0 = no budget). */
function memoryBudgetSetting(value: string): number | 'auto' {
  if (value === 'auto' || value === '') return 'auto';
  try {
    return parseBytes(value);
  } catch (err) {
    throw new FlagError(
      `invalid value ${JSON.stringify(value)} for flag '--storage.memory-budget': ${err instanceof Error ? err.message : String(err)} (use auto, a size such as 512MB, or 0)`,
      '--storage.memory-budget',
    );
  }
}

function nonNegativeNumber(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new FlagError(
      `invalid value ${JSON.stringify(value)} for flag '--${name}': must be a number of at least 0`,
      `--${name}`,
    );
  }
  return n;
}

function positiveBytes(name: string, value: string): number {
  const n = parseBytes(value);
  if (n <= 0) {
    throw new FlagError(
      `invalid value ${JSON.stringify(value)} for flag '--${name}': must be greater than 0`,
      `--${name}`,
    );
  }
  return n;
}

function positiveDuration(name: string, value: string): number {
  const ms = parseDuration(value);
  if (ms <= 0)
    throw new FlagError(
      `invalid value ${JSON.stringify(value)} for flag '--${name}': must be greater than 0`,
      `--${name}`,
    );
  return ms;
}

/** A listen address split into host and port. */
export interface HostPort {
  /** The host without brackets; '' means all interfaces. */
  readonly host: string;
  readonly port: number;
}

/**
 * Splits `host:port`, `[v6]:port` or `:port` into its parts. Throws `FlagError` for a missing or
 * invalid port.
 */
export function splitHostPort(addr: string, flag = 'web.listen-address'): HostPort {
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(addr);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new FlagError(
      `invalid value ${JSON.stringify(addr)} for flag '--${flag}': expected host:port, for example 127.0.0.1:9777`,
      `--${flag}`,
    );
  }
  return { host: m[1] ?? m[2] ?? '', port };
}

/** Whether a host name or address refers only to the local machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
