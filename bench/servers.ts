/**
 * The servers under test and their processes: Prometheus and VictoriaMetrics from the system
 * packages, Kansoku from this checkout. Each runs on 127.0.0.1 with a free port and a data
 * directory of its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { probe } from './http.js';

/** The servers the benchmark knows. */
export type ServerKind = 'prometheus' | 'victoriametrics' | 'kansoku';

/** All server kinds, in the order of the report's columns. */
export const SERVER_KINDS: readonly ServerKind[] = ['kansoku', 'prometheus', 'victoriametrics'];

/** How to run one server. */
export interface ServerSpec {
  readonly kind: ServerKind;
  /** Column title, with the version when known. */
  readonly title: string;
  /** The executable. */
  readonly command: string;
  /** Arguments for a port and a directory owned by this run. */
  args(port: number, dir: string): string[];
  /** The data directory inside `dir`. */
  dataDir(dir: string): string;
  /** A path that answers 200 once the server is ready. */
  readonly readyPath: string;
  /** Why the server cannot run here, or undefined when it can. */
  unavailable(): string | undefined;
}

/** Returns the spec of a server kind; `root` is the project root (for Kansoku). */
export function serverSpec(kind: ServerKind, root: string): ServerSpec {
  switch (kind) {
    case 'prometheus':
      return {
        kind,
        title: 'Prometheus 2.42',
        command: '/usr/bin/prometheus',
        args: (port, dir) => {
          const config = path.join(dir, 'prometheus.yml');
          writeFileSync(config, 'global:\n  scrape_interval: 15s\nscrape_configs: []\n');
          return [
            `--config.file=${config}`,
            `--web.listen-address=127.0.0.1:${port}`,
            `--storage.tsdb.path=${path.join(dir, 'data')}`,
            '--web.enable-remote-write-receiver',
            '--web.enable-admin-api',
            '--log.level=warn',
          ];
        },
        dataDir: (dir) => path.join(dir, 'data'),
        readyPath: '/-/ready',
        unavailable: () =>
          existsSync('/usr/bin/prometheus') ? undefined : '/usr/bin/prometheus is not installed',
      };
    case 'victoriametrics':
      return {
        kind,
        title: 'VictoriaMetrics 1.79',
        command: '/usr/bin/victoria-metrics',
        args: (port, dir) => [
          `-storageDataPath=${path.join(dir, 'data')}`,
          `-httpListenAddr=127.0.0.1:${port}`,
          '-retentionPeriod=100y',
          '-loggerLevel=WARN',
        ],
        dataDir: (dir) => path.join(dir, 'data'),
        readyPath: '/health',
        unavailable: () =>
          existsSync('/usr/bin/victoria-metrics')
            ? undefined
            : '/usr/bin/victoria-metrics is not installed',
      };
    case 'kansoku':
      return {
        kind,
        title: 'Kansoku',
        command: process.execPath,
        args: (port, dir) => [
          path.join(root, 'bin', 'kansoku.js'),
          'server',
          `--web.listen-address=127.0.0.1:${port}`,
          `--storage.tsdb.path=${path.join(dir, 'data')}`,
        ],
        dataDir: (dir) => path.join(dir, 'data'),
        readyPath: '/-/ready',
        unavailable: () =>
          existsSync(path.join(root, 'dist', 'src', 'app', 'cli.js'))
            ? undefined
            : 'the server is not built yet (no dist/src/app/cli.js; `bin/kansoku.js server` cannot start)',
      };
  }
}

/** Finds a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => {
        resolve(port);
      });
    });
  });
}

/** One running server process. */
export class ServerProcess {
  private exited = false;
  private exitCode: number | null = null;

  private constructor(
    readonly spec: ServerSpec,
    readonly port: number,
    readonly dir: string,
    private readonly child: ChildProcess,
    private readonly logFile: string,
  ) {
    child.on('exit', (code) => {
      this.exited = true;
      this.exitCode = code;
    });
  }

  /** Starts the server; its output goes to `<dir>/server.log`. Does not wait for readiness. */
  static start(spec: ServerSpec, port: number, dir: string): ServerProcess {
    mkdirSync(spec.dataDir(dir), { recursive: true });
    const logFile = path.join(dir, 'server.log');
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(spec.command, spec.args(port, dir), {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    return new ServerProcess(spec, port, dir, child, logFile);
  }

  /** The process id. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The base URL. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Waits until the ready path answers 200; returns the ms waited. Throws if it exits or times out. */
  async waitReady(timeoutMs: number): Promise<number> {
    const t0 = performance.now();
    while (performance.now() - t0 < timeoutMs) {
      if (this.exited)
        throw new Error(`${this.spec.title} exited with code ${this.exitCode}: ${this.logTail()}`);
      if ((await probe(this.url + this.spec.readyPath, 1000)) === 200)
        return performance.now() - t0;
      await sleep(25);
    }
    throw new Error(`${this.spec.title} not ready after ${timeoutMs} ms: ${this.logTail()}`);
  }

  /** Sends SIGTERM and waits for the exit (SIGKILL after `timeoutMs`); returns the ms waited. */
  async stop(timeoutMs = 120_000): Promise<number> {
    const t0 = performance.now();
    if (this.exited) return 0;
    this.child.kill('SIGTERM');
    while (!this.exited) {
      if (performance.now() - t0 > timeoutMs) {
        this.child.kill('SIGKILL');
        await sleep(200);
        break;
      }
      await sleep(20);
    }
    return performance.now() - t0;
  }

  /** The last lines of the server's output, for error messages. */
  logTail(lines = 8): string {
    try {
      return readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-lines).join(' | ');
    } catch {
      return '(no log)';
    }
  }
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
