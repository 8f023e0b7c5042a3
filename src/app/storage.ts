/**
 * Opening the storage behind `--storage.backend`: the embedded database (`--storage.tsdb.*`),
 * a remote engine (`--storage.remote.*` and the `storage:` section of `--storage.config.file`),
 * or both in fanout mode; and adapting it for the HTTP layer (admin operations, head
 * statistics, query push-down).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Registry } from 'prom-client';
import { parse as parseYaml } from 'yaml';
import {
  QueryForwarder,
  RemoteHttpClient,
  RemoteStorage,
  TieredStorage,
  defaultRemoteBackendOptions,
  detectFlavor,
  type PushdownPolicy,
  type RemoteAuth,
  type RemoteBackendOptions,
  type RemoteFlavor,
} from '../backends/remote/index.js';
import type { RemoteWriteStats } from '../backends/remotewrite/index.js';
import { parseDuration, type ServerFlags } from '../config/index.js';
import type { HeadStats, TsdbAdmin } from '../http/index.js';
import { Labels } from '../model/index.js';
import type { Storage } from '../storage/index.js';
import { openDB, type DB, type DBOptions, type TsdbGauges } from '../tsdb/index.js';
import type { Logger } from '../util/index.js';
import { sourceGauge } from './selfmon.js';

/** An open storage with what the HTTP layer needs beside the storage interface. */
export interface OpenStorage {
  readonly storage: Storage;
  readonly admin: TsdbAdmin;
  readonly headStats: () => HeadStats;
  /** Push-down of whole queries (remote mode `pushdown` only). */
  readonly forwarder?: QueryForwarder;
  /** Cheap figures of the embedded database (local and fanout backends). */
  readonly tsdbGauges?: () => TsdbGauges;
  /** Counters of the remote backend's write queue (remote and fanout backends). */
  readonly remoteStats?: () => RemoteWriteStats;
}

/**
 * Registers the remote backend's self-metrics (`kansoku_remote_storage_*`), read from `stats`
 * at scrape time; nothing is exported while it returns undefined (the local backend).
 */
export function registerRemoteStorageMetrics(
  registry: Registry,
  stats: () => RemoteWriteStats | undefined,
): void {
  const gauge = sourceGauge(registry, stats);
  gauge(
    'kansoku_remote_storage_pending_samples',
    'Samples acknowledged to writers and queued on disk, not yet accepted by the remote engine.',
    (s) => s.pendingSamples,
  );
  gauge(
    'kansoku_remote_storage_oldest_pending_age_seconds',
    'Age of the oldest batch not yet accepted by the remote engine.',
    (s) => s.oldestPendingAgeMs / 1000,
  );
  gauge(
    'kansoku_remote_storage_sent_samples',
    'Samples accepted by the remote engine since start.',
    (s) => s.sentSamples,
  );
  gauge(
    'kansoku_remote_storage_failed_samples',
    'Samples the remote engine refused for good since start.',
    (s) => s.failedSamples,
  );
  gauge(
    'kansoku_remote_storage_dropped_samples',
    'Samples dropped because the write queue exceeded its disk budget (queue_max_size).',
    (s) => s.droppedSamples,
  );
}

/** A storage settings file or flag combination that cannot work. */
export class StorageConfigError extends Error {
  override readonly name = 'StorageConfigError';
}

/**
 * Opens the storage selected by `--storage.backend`. The embedded database lives in
 * `--storage.tsdb.path` (created when missing, its write-ahead log replayed); the remote
 * backend's write queue lives in `<storage.tsdb.path>/remote-queue`. `tsdb` adds options of the
 * embedded database (for example the series admission of the limits).
 */
export async function openStorage(
  flags: ServerFlags,
  logger: Logger,
  tsdb: Partial<DBOptions> = {},
): Promise<OpenStorage> {
  const file = readStorageFile(flags.storageGiven['config.file']);
  const backend = flags.storageGiven['backend'] ?? file.backend ?? flags.storageBackend;
  if (backend === 'local') return openLocal(flags, logger, tsdb);
  if (backend !== 'remote' && backend !== 'fanout')
    throw new StorageConfigError(`cannot open storage: unknown backend ${JSON.stringify(backend)}`);
  const { options, policy, boundaryMs } = await remoteSettings(flags, file, logger);
  const remote = new RemoteStorage(options);
  const forwarder =
    options.mode === 'pushdown'
      ? new QueryForwarder(
          remote.httpClient(),
          options.readUrl,
          options.flavor,
          policy,
          options.externalLabels.size > 0,
        )
      : undefined;
  logger.info('remote storage opened', {
    backend,
    flavor: options.flavor,
    mode: options.mode,
    write_url: options.writeUrl,
    read_url: options.readUrl,
  });
  if (backend === 'remote') {
    return {
      storage: remote,
      admin: remoteAdmin(),
      headStats: () => ({ numSeries: 0, chunkCount: 0, minTime: 0, maxTime: 0 }),
      remoteStats: () => remote.stats(),
      ...(forwarder ? { forwarder } : {}),
    };
  }
  const local = await openLocal(flags, logger, tsdb);
  const boundary = boundaryMs > 0 ? boundaryMs : flags.retentionTimeMs;
  if (boundary <= 0)
    throw new StorageConfigError(
      'cannot open fanout storage: no boundary (set --storage.remote.fanout-boundary or --storage.tsdb.retention.time)',
    );
  return {
    ...local,
    storage: new TieredStorage(local.storage, remote, boundary, logger),
    remoteStats: () => remote.stats(),
    ...(forwarder ? { forwarder } : {}),
  };
}

async function openLocal(
  flags: ServerFlags,
  logger: Logger,
  tsdb: Partial<DBOptions>,
): Promise<OpenStorage> {
  const db = await openDB(flags.tsdbPath, {
    ...tsdb,
    retentionMs: flags.retentionTimeMs,
    retentionBytes: flags.retentionSizeBytes,
    fsync: flags.walFsync,
    logger,
  });
  return {
    storage: db,
    admin: dbAdmin(db, flags.tsdbPath),
    headStats: () => headStats(db),
    tsdbGauges: () => db.gauges(),
  };
}

/** The `storage:` section of a storage settings file (all optional). */
export interface StorageFileSettings {
  readonly backend?: string;
  readonly remote: Readonly<Record<string, unknown>>;
}

const REMOTE_KEYS = new Set([
  'write_url',
  'read_url',
  'mode',
  'flavor',
  'tenant',
  'headers',
  'basic_auth',
  'authorization',
  'bearer_token',
  'bearer_token_file',
  'tls_config',
  'read_timeout',
  'read_max_bytes',
  'write_timeout',
  'send_deadline',
  'queue_max_size',
  'pushdown_queries',
  'fanout_boundary',
  'external_labels',
]);

/** Reads and checks the `storage:` section of `file` (nothing when no file is given). */
export function readStorageFile(file: string | undefined): StorageFileSettings {
  if (file === undefined) return { remote: {} };
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new StorageConfigError(
      `cannot load storage settings ${file}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const storage = obj(doc, 'storage', file) ?? {};
  for (const k of Object.keys(storage)) {
    if (k !== 'backend' && k !== 'remote')
      throw new StorageConfigError(
        `cannot load storage settings ${file}: unknown field storage.${k}`,
      );
  }
  const remote = obj(storage, 'remote', file) ?? {};
  for (const k of Object.keys(remote)) {
    if (!REMOTE_KEYS.has(k))
      throw new StorageConfigError(
        `cannot load storage settings ${file}: unknown field storage.remote.${k}`,
      );
  }
  const backend = storage['backend'];
  return { ...(typeof backend === 'string' ? { backend } : {}), remote };
}

function obj(o: unknown, key: string, file: string): Record<string, unknown> | undefined {
  const v = typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v))
    throw new StorageConfigError(`cannot load storage settings ${file}: ${key} must be a mapping`);
  return v as Record<string, unknown>;
}

/** The remote backend's settings: flags first, then the file, then defaults. */
async function remoteSettings(
  flags: ServerFlags,
  file: StorageFileSettings,
  logger: Logger,
): Promise<{ options: RemoteBackendOptions; policy: PushdownPolicy; boundaryMs: number }> {
  const g = flags.storageGiven;
  const r = file.remote;
  const str = (flag: string, key: string): string => {
    const v = g[flag] ?? r[key];
    return typeof v === 'string' ? v : '';
  };
  const ms = (flag: string, key: string, dflt: number): number => {
    const f = g[flag];
    if (f !== undefined) return Number(f);
    const v = r[key];
    return typeof v === 'string' ? parseDuration(v) : dflt;
  };
  const writeUrl = str('remote.write-url', 'write_url');
  const readUrl = str('remote.read-url', 'read_url');
  if (writeUrl === '' || readUrl === '')
    throw new StorageConfigError(
      'cannot open remote storage: set --storage.remote.write-url and --storage.remote.read-url (or storage.remote.write_url and read_url)',
    );
  const mode = str('remote.mode', 'mode') || 'raw';
  if (mode !== 'raw' && mode !== 'pushdown')
    throw new StorageConfigError(
      `cannot open remote storage: mode must be raw or pushdown, got ${JSON.stringify(mode)}`,
    );
  const policy = typeof r['pushdown_queries'] === 'string' ? r['pushdown_queries'] : 'compatible';
  if (policy !== 'compatible' && policy !== 'all')
    throw new StorageConfigError(
      'cannot open remote storage: pushdown_queries must be compatible or all',
    );
  const base = defaultRemoteBackendOptions(
    writeUrl,
    readUrl,
    path.join(flags.tsdbPath, 'remote-queue'),
    logger.child({ component: 'remote-storage' }),
  );
  const tls = objOf(r['tls_config']);
  const opts: RemoteBackendOptions = {
    ...base,
    mode,
    tenant: str('remote.tenant', 'tenant'),
    headers: stringMap(r['headers']),
    auth: authOf(r),
    tls: {
      ca: fileText(tls['ca_file']),
      cert: fileText(tls['cert_file']),
      key: fileText(tls['key_file']),
      serverName: typeof tls['server_name'] === 'string' ? tls['server_name'] : '',
      insecureSkipVerify: tls['insecure_skip_verify'] === true,
    },
    readTimeoutMs: ms('remote.read-timeout', 'read_timeout', 60_000),
    readMaxBytes: typeof r['read_max_bytes'] === 'number' ? r['read_max_bytes'] : base.readMaxBytes,
    writeTimeoutMs: ms('', 'write_timeout', 30_000),
    sendDeadlineMs: ms('', 'send_deadline', 1000),
    queueBudgetBytes: typeof r['queue_max_size'] === 'number' ? r['queue_max_size'] : 1 << 30,
    externalLabels: Labels.fromRecord(stringMap(r['external_labels'])),
  };
  const flavorText = str('remote.flavor', 'flavor') || 'auto';
  let flavor: RemoteFlavor;
  if (flavorText === 'auto') {
    const probe = new RemoteHttpClient({ ...opts, readTimeoutMs: 5000 });
    try {
      flavor = await detectFlavor(probe, writeUrl, opts.readUrl);
    } finally {
      probe.close();
    }
  } else if (['prometheus', 'victoriametrics', 'mimir', 'thanos'].includes(flavorText)) {
    flavor = flavorText as RemoteFlavor;
  } else {
    throw new StorageConfigError(
      `cannot open remote storage: unknown flavor ${JSON.stringify(flavorText)}`,
    );
  }
  return {
    options: { ...opts, flavor },
    policy,
    boundaryMs: ms('remote.fanout-boundary', 'fanout_boundary', 0),
  };
}

function objOf(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : {};
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(objOf(v))) out[k] = String(x);
  return out;
}

function fileText(v: unknown): string {
  return typeof v === 'string' && v !== '' ? readFileSync(v, 'utf8') : '';
}

/** `basic_auth`, `authorization` or `bearer_token(_file)`, as in prometheus.yml. */
function authOf(r: Readonly<Record<string, unknown>>): RemoteAuth {
  const ba = objOf(r['basic_auth']);
  if (Object.keys(ba).length > 0) {
    const pwFile = ba['password_file'];
    return {
      kind: 'basic',
      username: typeof ba['username'] === 'string' ? ba['username'] : '',
      password:
        typeof pwFile === 'string' && pwFile !== ''
          ? readFileSync(pwFile, 'utf8').trim()
          : typeof ba['password'] === 'string'
            ? ba['password']
            : '',
    };
  }
  const a = objOf(r['authorization']);
  const credFile = a['credentials_file'] ?? r['bearer_token_file'];
  const cred = a['credentials'] ?? r['bearer_token'];
  if (Object.keys(a).length > 0 || credFile !== undefined || cred !== undefined) {
    return {
      kind: 'authorization',
      type: typeof a['type'] === 'string' ? a['type'] : 'Bearer',
      credentials:
        typeof credFile === 'string' && credFile !== ''
          ? readFileSync(credFile, 'utf8').trim()
          : typeof cred === 'string'
            ? cred
            : '',
    };
  }
  return { kind: 'none' };
}

/** Admin operations are the remote engine's own (its admin API), not Kansoku's. */
function remoteAdmin(): TsdbAdmin {
  const no = (what: string): Promise<never> =>
    Promise.reject(
      new StorageConfigError(
        `cannot ${what}: the storage is a remote engine; use the engine's own admin API`,
      ),
    );
  return {
    snapshot: () => no('snapshot'),
    deleteSeries: () => no('delete series'),
    cleanTombstones: () => no('clean tombstones'),
    compact: () => no('compact'),
  };
}

/** The admin operations of the embedded database. */
function dbAdmin(db: DB, dataDir: string): TsdbAdmin {
  return {
    async snapshot(skipHead) {
      const name = snapshotName(new Date());
      await db.snapshot(path.join(dataDir, 'snapshots', name), !skipHead);
      return name;
    },
    deleteSeries: (mint, maxt, matchers) => db.deleteSeries(mint, maxt, matchers),
    cleanTombstones: () => db.cleanTombstones(),
    compact: (flushHead) => db.compact(flushHead),
  };
}

/** A snapshot directory name like Prometheus': `20171210T211224Z-2be650b6d019eb54`. */
export function snapshotName(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(8).toString('hex')}`;
}

function headStats(db: DB): HeadStats {
  const s = db.stats();
  return {
    numSeries: s.numSeries,
    chunkCount: s.chunks,
    minTime: s.headMinTime ?? 0,
    maxTime: s.headMaxTime ?? 0,
  };
}
