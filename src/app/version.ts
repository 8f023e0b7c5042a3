/** Build information: the version from package.json and the runtime. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What `--version` and `/api/v1/status/buildinfo` report. */
export interface BuildInfo {
  readonly version: string;
  readonly revision: string;
  readonly branch: string;
  readonly buildUser: string;
  readonly buildDate: string;
  readonly goVersion: string;
}

/**
 * Finds the project root (the directory holding package.json) by walking up from this module,
 * which works both from `src/` (tsx) and from `dist/src/` (compiled).
 */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('BUG: cannot find package.json above the program files');
    dir = up;
  }
}

/** Reads the build information once; `goVersion` holds the Node.js version (field name kept for API compatibility). */
export function buildInfo(): BuildInfo {
  let version = '0.0.0';
  try {
    const pkg: unknown = JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8'));
    if (
      typeof pkg === 'object' &&
      pkg !== null &&
      'version' in pkg &&
      typeof pkg.version === 'string'
    ) {
      version = pkg.version;
    }
  } catch {
    // Keep the placeholder: the version is informational.
  }
  return {
    version,
    revision: 'unknown',
    branch: 'unknown',
    buildUser: 'unknown',
    buildDate: 'unknown',
    goVersion: process.version,
  };
}
