/**
 * Test support for the remote backend: Debian's VictoriaMetrics (single node behind a small
 * proxy that presents the cluster's `/insert/0/prometheus` and `/select/0/prometheus` paths)
 * and Debian's Prometheus (remote-write receiver plus remote read), started once per test file
 * on loopback, and storage factories whose every instance sees only its own data (a unique
 * external label per instance).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  RemoteStorage,
  defaultRemoteBackendOptions,
  type RemoteBackendOptions,
  type RemoteFlavor,
} from '../../src/backends/remote/index.js';
import { Labels } from '../../src/model/index.js';
import type { ConformanceFactory } from '../../src/storage/conformance/index.js';
import { Logger } from '../../src/util/index.js';
import { Peer, findBinary, freePort, waitHTTP } from '../support/process.js';

/** The Debian VictoriaMetrics binary, when installed. */
export const VM_BIN = findBinary('/usr/bin/victoria-metrics');
/** The Debian Prometheus binary, when installed. */
export const PROM_BIN = findBinary('/usr/bin/prometheus');
/** Skip reasons. */
export const VM_SKIP: string | false = VM_BIN
  ? false
  : 'victoria-metrics not installed (bash .ci/run installs it)';
export const PROM_SKIP: string | false = PROM_BIN
  ? false
  : 'prometheus not installed (bash .ci/run installs it)';

/** A running backend: where to write and read, and how to stop it. */
export interface RunningBackend {
  readonly flavor: RemoteFlavor;
  readonly writeUrl: string;
  readonly readUrl: string;
  /** Makes freshly written data searchable (empty when not needed). */
  readonly flushUrl: string;
  /** The backend's own query API base (for direct comparisons). */
  readonly directUrl: string;
  /** Requests the proxy passed on: path, `Authorization` and `X-Scope-OrgID` (proxied backends). */
  readonly seen: { path: string; auth: string; tenant: string }[];
  stop(): Promise<void>;
}

/** Starts VictoriaMetrics single-node behind a cluster-path proxy. */
export async function startVictoriaMetrics(): Promise<RunningBackend> {
  if (!VM_BIN) throw new Error('victoria-metrics is not installed');
  const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-remote-vm-'));
  const port = await freePort();
  const vm = new Peer(VM_BIN, [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-storageDataPath=${dir}`,
    '-retentionPeriod=100y',
    '-search.latencyOffset=0s',
    '-search.disableCache',
    '-loggerLevel=ERROR',
  ]);
  const target = `http://127.0.0.1:${port}`;
  try {
    await waitHTTP(`${target}/health`, 30_000);
  } catch (e) {
    await vm.stop();
    throw new Error(`victoria-metrics did not start: ${vm.output.slice(-2000)}`, { cause: e });
  }
  const seen: RunningBackend['seen'] = [];
  const proxy = await startPathProxy(port, seen);
  const base = `http://127.0.0.1:${proxy.port}`;
  return {
    seen,
    flavor: 'victoriametrics',
    writeUrl: `${base}/insert/0/prometheus/api/v1/write`,
    readUrl: `${base}/select/0/prometheus`,
    flushUrl: `${base}/internal/force_flush`,
    directUrl: target,
    async stop() {
      await proxy.close();
      await vm.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A proxy that maps VictoriaMetrics cluster paths onto a single node:
 * `/insert/<t>/prometheus/X` and `/select/<t>/prometheus/X` → `/X`; others pass unchanged.
 */
async function startPathProxy(
  targetPort: number,
  seen: RunningBackend['seen'],
): Promise<{ port: number; close(): Promise<void> }> {
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    if (seen.length < 10_000) {
      seen.push({
        path: req.url ?? '',
        auth: req.headers.authorization ?? '',
        tenant: String(req.headers['x-scope-orgid'] ?? ''),
      });
    }
    const url = (req.url ?? '/').replace(/^\/(insert|select)\/[^/]+\/prometheus(?=\/)/, '');
    const up = http.request(
      {
        host: '127.0.0.1',
        port: targetPort,
        path: url,
        method: req.method,
        headers: req.headers,
        agent,
      },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    up.on('error', (e) => {
      res.writeHead(502);
      res.end(e.message);
    });
    req.pipe(up);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => {
          r();
        });
      }),
  };
}

/** Starts Prometheus with the remote-write receiver and an out-of-order window for old data. */
export async function startPrometheus(): Promise<RunningBackend> {
  if (!PROM_BIN) throw new Error('prometheus is not installed');
  const dir = mkdtempSync(path.join(tmpdir(), 'kansoku-remote-prom-'));
  const port = await freePort();
  const cfg = path.join(dir, 'prometheus.yml');
  writeFileSync(cfg, 'global: {}\nstorage:\n  tsdb:\n    out_of_order_time_window: 100y\n');
  const prom = new Peer(PROM_BIN, [
    `--config.file=${cfg}`,
    `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-remote-write-receiver',
    '--storage.tsdb.retention.time=100y',
    '--log.level=error',
  ]);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHTTP(`${base}/-/ready`, 30_000);
  } catch (e) {
    await prom.stop();
    throw new Error(`prometheus did not start: ${prom.output.slice(-2000)}`, { cause: e });
  }
  return {
    seen: [],
    flavor: 'prometheus',
    writeUrl: `${base}/api/v1/write`,
    readUrl: base,
    flushUrl: '',
    directUrl: base,
    async stop() {
      await prom.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let instances = 0;

/** Options of a remote storage on `b` whose data is isolated by a unique external label. */
export function remoteOptions(
  b: RunningBackend,
  dir: string,
  extra: Partial<RemoteBackendOptions> = {},
): RemoteBackendOptions {
  instances++;
  return {
    ...defaultRemoteBackendOptions(b.writeUrl, b.readUrl, path.join(dir, 'queue'), Logger.nop()),
    flavor: b.flavor,
    visibility: 'delivered',
    sendDeadlineMs: 5,
    flushUrl: b.flushUrl,
    externalLabels: Labels.fromRecord({ kansoku_test_instance: `${process.pid}-${instances}` }),
    ...extra,
  };
}

/**
 * A conformance factory over a lazily started backend: the first `open` starts it, `stop()`
 * stops it (call it from `after`).
 */
export function lazyBackendFactory(
  start: () => Promise<RunningBackend>,
  extra: Partial<RemoteBackendOptions> = {},
): ConformanceFactory & { backend(): Promise<RunningBackend>; stop(): Promise<void> } {
  let running: Promise<RunningBackend> | undefined;
  const backend = (): Promise<RunningBackend> => (running ??= start());
  return {
    backend,
    async open(dir: string) {
      return new RemoteStorage(remoteOptions(await backend(), dir, extra));
    },
    async stop() {
      if (running) await (await running).stop();
    },
  };
}
