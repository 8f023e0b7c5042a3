/** Starts `node bin/kansoku.js` as a child process on a free loopback port, for end-to-end tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../support/paths.js';

/** A running Kansoku process. */
export interface KansokuProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  /** The data directory (inside `tmp`). */
  readonly dataDir: string;
  /** Everything written to standard error so far. */
  stderr(): string;
  /** Sends a signal and resolves with the exit code (or the signal name) and the time it took. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | string; ms: number }>;
}

/** Makes a temporary directory; remove it with `removeTemp`. */
export function makeTemp(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'kansoku-it-'));
}

/** Removes a temporary directory. */
export function removeTemp(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** Runs the CLI to completion; resolves with exit code, stdout and stderr. */
export function runCli(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'kansoku.js'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Starts `kansoku server` on 127.0.0.1 with an OS-assigned port and the given data directory,
 * and waits until it logs its listen address.
 */
export async function startKansoku(
  dataDir: string,
  extraArgs: string[] = [],
): Promise<KansokuProcess> {
  const child = spawn(
    process.execPath,
    [
      path.join(PROJECT_ROOT, 'bin', 'kansoku.js'),
      'server',
      '--web.listen-address=127.0.0.1:0',
      `--storage.tsdb.path=${dataDir}`,
      ...extraArgs,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`kansoku did not log its address within 10s:\n${err}`));
    }, 10_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /msg=listening address=(\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(`http://${m[1]!}`);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`kansoku exited with ${code} before listening:\n${err}`));
    });
  });
  return {
    child,
    base,
    dataDir,
    stderr: () => err,
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      const t0 = Date.now();
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return { code, ms: Date.now() - t0 };
    },
  };
}

/** Polls `url` until it answers 200 or `timeoutMs` passes; returns the last status seen. */
export async function waitFor200(url: string, timeoutMs = 10_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  let status = 0;
  while (Date.now() < end) {
    try {
      const res = await fetch(url);
      status = res.status;
      await res.body?.cancel();
      if (status === 200) return status;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return status;
}
