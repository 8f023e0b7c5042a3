import { readHTTPClient } from './http.js';
import { readRelabelList } from './relabel.js';
import type { QueueConfig, RemoteReadConfig, RemoteWriteConfig } from './types.js';
import { ConfigError, ObjReader, isNull, lineOf, type ReadContext } from './yamlnode.js';

const RESERVED_HEADERS = [
  'content-encoding',
  'content-type',
  'x-prometheus-remote-write-version',
  'user-agent',
  'x-prometheus-remote-read-version',
];
const PROTOBUF_MESSAGES = ['prometheus.WriteRequest', 'io.prometheus.write.v2.Request'] as const;

/** Rejects headers that Kansoku sets itself, with Prometheus' messages. */
export function checkHeaders(
  o: ObjReader,
  headers: Readonly<Record<string, string>>,
  authMessage: string,
): void {
  for (const h of Object.keys(headers)) {
    const l = h.toLowerCase();
    if (l === 'authorization') throw new ConfigError(authMessage, o.lineOf('headers'));
    if (RESERVED_HEADERS.includes(l)) {
      throw new ConfigError(
        `${l} is a reserved header. It must not be changed`,
        o.lineOf('headers'),
      );
    }
  }
}

function readHeaders(o: ObjReader): Record<string, string> {
  return Object.fromEntries(o.strMap('headers').map(([k, v]) => [k, v]));
}

/** Reads the `remote_write` list. */
export function readRemoteWrites(ctx: ReadContext, nodes: readonly unknown[]): RemoteWriteConfig[] {
  const names = new Set<string>();
  return nodes.map((n) => {
    if (isNull(n))
      throw new ConfigError('empty or null remote write config section', lineOf(ctx, n));
    const o = new ObjReader(ctx, n, 'config.plain');
    const url = o.str('url');
    const name = o.str('name');
    const headers = readHeaders(o);
    const protobufMessage = o.str('protobuf_message', 'prometheus.WriteRequest');
    const q = o.obj('queue_config', 'config.plain');
    const queueConfig = readQueue(q);
    const m = o.obj('metadata_config', 'config.plain');
    const metadataConfig = {
      send: m?.bool('send', true) ?? true,
      sendIntervalMs: m?.duration('send_interval', 60_000) ?? 60_000,
      maxSamplesPerSend: m?.int('max_samples_per_send', 2000) ?? 2000,
    };
    m?.done();
    const cfg: RemoteWriteConfig = {
      url,
      name,
      remoteTimeoutMs: o.duration('remote_timeout', 30_000),
      protobufMessage: protobufMessage as RemoteWriteConfig['protobufMessage'],
      sendExemplars: o.bool('send_exemplars', false),
      sendNativeHistograms: o.bool('send_native_histograms', false),
      writeRelabelConfigs: readRelabelList(
        ctx,
        o.list('write_relabel_configs'),
        'relabeling rule in remote write config',
      ),
      queueConfig,
      metadataConfig,
      http: { ...readHTTPClient(o), headers },
    };
    o.ignore('round_robin_dns');
    o.unsupported('remote_write', 'sigv4', 'azuread', 'google_iam');
    o.done();
    if (url === '') throw new ConfigError('url for remote_write is empty', lineOf(ctx, n));
    checkHeaders(
      o,
      headers,
      'authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, azuread or google_iam parameter',
    );
    if (!(PROTOBUF_MESSAGES as readonly string[]).includes(protobufMessage)) {
      throw new ConfigError(
        `invalid protobuf_message value: unknown type for remote write protobuf message ${protobufMessage}, supported: ${PROTOBUF_MESSAGES.join(', ')}`,
        o.lineOf('protobuf_message'),
      );
    }
    if (name !== '') {
      if (names.has(name))
        throw new ConfigError(
          `found multiple remote write configs with job name ${JSON.stringify(name)}`,
          o.lineOf('name'),
        );
      names.add(name);
    }
    return cfg;
  });
}

function readQueue(q: ObjReader | undefined): QueueConfig {
  const c: QueueConfig = {
    capacity: q?.int('capacity', 10_000) ?? 10_000,
    maxShards: q?.int('max_shards', 50) ?? 50,
    minShards: q?.int('min_shards', 1) ?? 1,
    maxSamplesPerSend: q?.int('max_samples_per_send', 2000) ?? 2000,
    batchSendDeadlineMs: q?.duration('batch_send_deadline', 5000) ?? 5000,
    minBackoffMs: q?.duration('min_backoff', 30) ?? 30,
    maxBackoffMs: q?.duration('max_backoff', 5000) ?? 5000,
    retryOnHttp429: q?.bool('retry_on_http_429', true) ?? true,
    sampleAgeLimitMs: q?.duration('sample_age_limit', 0) ?? 0,
  };
  if (!q) return c;
  q.done();
  const fail = (msg: string): never => {
    throw new ConfigError(`remote write queue ${msg}`, lineOf(q.ctx, q.node));
  };
  if (c.maxSamplesPerSend <= 0) fail('max_samples_per_send must be positive');
  if (c.maxShards <= 0) fail('max_shards must be positive');
  if (c.minShards <= 0) fail('min_shards must be positive');
  if (c.capacity <= 0) fail('capacity must be positive');
  if (c.minShards > c.maxShards) fail('min_shards must not be greater than max_shards');
  if (c.maxBackoffMs < c.minBackoffMs) fail('max_backoff must not be less than min_backoff');
  return c;
}

/** Reads the `remote_read` list. */
export function readRemoteReads(ctx: ReadContext, nodes: readonly unknown[]): RemoteReadConfig[] {
  const names = new Set<string>();
  return nodes.map((n) => {
    if (isNull(n))
      throw new ConfigError('empty or null remote read config section', lineOf(ctx, n));
    const o = new ObjReader(ctx, n, 'config.plain');
    const url = o.str('url');
    const name = o.str('name');
    const headers = readHeaders(o);
    const cfg: RemoteReadConfig = {
      url,
      name,
      remoteTimeoutMs: o.duration('remote_timeout', 60_000),
      readRecent: o.bool('read_recent', false),
      requiredMatchers: Object.fromEntries(o.strMap('required_matchers').map(([k, v]) => [k, v])),
      http: { ...readHTTPClient(o), headers },
    };
    o.ignore('filter_external_labels');
    o.done();
    if (url === '') throw new ConfigError('url for remote_read is empty', lineOf(ctx, n));
    checkHeaders(
      o,
      headers,
      'authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, azuread or google_iam parameter',
    );
    if (name !== '') {
      if (names.has(name))
        throw new ConfigError(
          `found multiple remote read configs with job name ${JSON.stringify(name)}`,
          o.lineOf('name'),
        );
      names.add(name);
    }
    return cfg;
  });
}
