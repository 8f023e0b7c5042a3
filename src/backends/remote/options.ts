/**
 * Settings of the remote backend: where it writes and reads, how it authenticates, and which
 * engine sits behind the URLs (the flavor decides how raw samples are read).
 */
import { Labels } from '../../model/index.js';
import type { Logger } from '../../util/index.js';

/** The engine behind the URLs. */
export type RemoteFlavor = 'prometheus' | 'victoriametrics' | 'mimir' | 'thanos';

/** All flavors, for flag and config validation. */
export const REMOTE_FLAVORS: readonly RemoteFlavor[] = [
  'prometheus',
  'victoriametrics',
  'mimir',
  'thanos',
];

/**
 * How queries are answered: `raw` reads samples and evaluates PromQL in Kansoku; `pushdown`
 * forwards whole queries to the backend's PromQL API when the flavor's semantics match (see
 * `pushdown.ts`), and reads raw samples otherwise.
 */
export type RemoteMode = 'raw' | 'pushdown';

/**
 * How raw samples are fetched: Prometheus remote read (`/api/v1/read`, streamed XOR chunks when
 * offered, else samples), VictoriaMetrics' `/api/v1/export` (JSON lines), or an instant query of
 * a range selector (`/api/v1/query`), which every Prometheus-compatible API answers with the raw
 * samples of the range.
 */
export type RawReadMethod = 'remote-read' | 'export' | 'query';

/** The raw read method of each flavor. */
export const RAW_READ_METHOD: Readonly<Record<RemoteFlavor, RawReadMethod>> = {
  prometheus: 'remote-read',
  mimir: 'remote-read',
  victoriametrics: 'export',
  // Thanos Query has no remote-read endpoint; its query API returns raw samples of ranges.
  thanos: 'query',
};

/**
 * When `commit()` resolves: `queued` = once the batch is fsynced into the local queue (the
 * backend receives it within the queue's send deadline; reads may not see it yet); `delivered`
 * = once the queue has delivered everything up to this batch and, when `flushUrl` is set, the
 * backend has been asked to make it searchable.
 */
export type RemoteVisibility = 'queued' | 'delivered';

/** TLS settings of every request: writes (the queue's transport), reads and forwarded queries. */
export interface RemoteTlsOptions {
  /** PEM CA bundle text (not a path); empty = the system's CAs. */
  readonly ca: string;
  /** PEM client certificate and key text for mutual TLS; empty = none. */
  readonly cert: string;
  readonly key: string;
  /** Server name to verify instead of the URL's host. */
  readonly serverName: string;
  /** Skip verification of the server certificate (testing only). */
  readonly insecureSkipVerify: boolean;
}

/** Authentication, sent on every write, read and query request. */
export type RemoteAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'authorization'; readonly type: string; readonly credentials: string };

/** Settings of one remote backend. */
export interface RemoteBackendOptions {
  /** Full remote-write URL, e.g. `http://vminsert:8480/insert/0/prometheus/api/v1/write`. */
  readonly writeUrl: string;
  /**
   * Base URL of the read API without `/api/v1`, e.g. `http://vmselect:8481/select/0/prometheus`,
   * `http://prometheus:9090` or `http://mimir:8080/prometheus`.
   */
  readonly readUrl: string;
  readonly flavor: RemoteFlavor;
  readonly mode: RemoteMode;
  /** Tenant sent as `X-Scope-OrgID` (Mimir, Cortex, Thanos receive); empty = none. */
  readonly tenant: string;
  /** Extra headers on every request. */
  readonly headers: Readonly<Record<string, string>>;
  readonly auth: RemoteAuth;
  readonly tls: RemoteTlsOptions;
  /** Timeout of one read or query request in ms. */
  readonly readTimeoutMs: number;
  /**
   * Largest answer body of one read or forwarded query, in bytes (0 = no limit). Raw reads
   * buffer an answer whole before decoding, so this bounds the memory one select can take.
   */
  readonly readMaxBytes: number;
  /** Timeout of one write request in ms. */
  readonly writeTimeoutMs: number;
  /** Directory of the disk-backed write queue. */
  readonly queueDir: string;
  /** Disk budget of the write queue in bytes (0 = unlimited). */
  readonly queueBudgetBytes: number;
  /** Most time a queued batch waits for more samples before it is sent, in ms. */
  readonly sendDeadlineMs: number;
  readonly visibility: RemoteVisibility;
  /** URL asked (GET) after delivery to make fresh data searchable (VictoriaMetrics' `/internal/force_flush`); empty = none. */
  readonly flushUrl: string;
  /**
   * Labels that identify this writer's data in a shared backend: added to every written series
   * that lacks them, added as equality matchers to every read, and removed from read results
   * (as Prometheus does with `external_labels` and remote read).
   */
  readonly externalLabels: Labels;
  readonly logger: Logger;
}

/** Defaults for everything but the URLs and the logger. */
export function defaultRemoteBackendOptions(
  writeUrl: string,
  readUrl: string,
  queueDir: string,
  logger: Logger,
): RemoteBackendOptions {
  return {
    writeUrl,
    readUrl: readUrl.replace(/\/+$/, ''),
    flavor: 'prometheus',
    mode: 'raw',
    tenant: '',
    headers: {},
    auth: { kind: 'none' },
    tls: { ca: '', cert: '', key: '', serverName: '', insecureSkipVerify: false },
    readTimeoutMs: 60_000,
    // 256 MiB: about 10 M samples of export text; fits beside the engine on a 1 GB machine.
    readMaxBytes: 256 << 20,
    writeTimeoutMs: 30_000,
    queueDir,
    queueBudgetBytes: 1 << 30,
    sendDeadlineMs: 1000,
    visibility: 'queued',
    flushUrl: '',
    externalLabels: Labels.EMPTY,
    logger,
  };
}

/**
 * Guesses the flavor from the URLs: VictoriaMetrics cluster paths (`/insert/<t>/prometheus`,
 * `/select/<t>/prometheus`), Mimir's `/api/v1/push` and `/prometheus` prefix. Returns
 * undefined when the URLs do not tell; `detectFlavor` then asks the server.
 */
export function flavorFromUrls(writeUrl: string, readUrl: string): RemoteFlavor | undefined {
  const paths = [writeUrl, readUrl].map((u) => {
    try {
      return new URL(u).pathname;
    } catch {
      return '';
    }
  });
  if (paths.some((p) => /\/(insert|select)\/[^/]+\/prometheus/.test(p))) return 'victoriametrics';
  if (paths[0]?.endsWith('/api/v1/push') === true || paths[1]?.endsWith('/prometheus') === true)
    return 'mimir';
  return undefined;
}
