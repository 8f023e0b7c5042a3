/**
 * Files of the dashboards directory: finding `*.json` files (subdirectories are folders), keeping
 * every path inside the directory, and writing a dashboard back atomically as stable JSON.
 */
import { open, readdir, realpath, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { stableStringify } from '../json.js';
import { omit } from '../json.js';
import type { Dashboard } from '../model.js';

/** Deepest folder nesting scanned, so that a directory loop cannot make a scan endless. */
const MAX_DEPTH = 8;

/** A dashboard file relative to the directory, with forward slashes (`team/app.json`). */
export type RelPath = string;

/** Every `*.json` file under `dir` (hidden entries skipped, links included), relative and sorted. */
export async function listDashboardFiles(dir: string): Promise<RelPath[]> {
  const out: RelPath[] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(r, depth + 1);
      // Symbolic links are followed (Kubernetes mounts ConfigMap files as links); `safePath`
      // refuses those pointing outside the directory when the file is read.
      else if ((e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.json')) out.push(r);
    }
  };
  await walk('', 0);
  return out.sort();
}

/**
 * The absolute path of `rel` inside `dir`; throws when it would leave the directory (`..`,
 * absolute paths, or a symbolic link pointing outside).
 */
export async function safePath(dir: string, rel: RelPath): Promise<string> {
  const root = await realpath(dir);
  const p = path.resolve(root, rel);
  if (path.isAbsolute(rel) || rel.split(/[\\/]/).includes('..') || !inside(root, p))
    throw new Error(
      `cannot use dashboard file ${JSON.stringify(rel)}: it is outside --dashboards.dir`,
    );
  let real: string;
  try {
    real = await realpath(p);
  } catch {
    real = path.join(await realpath(path.dirname(p)), path.basename(p));
  }
  if (!inside(root, real))
    throw new Error(
      `cannot use dashboard file ${JSON.stringify(rel)}: it links outside --dashboards.dir`,
    );
  return real;
}

function inside(root: string, p: string): boolean {
  const r = path.relative(root, p);
  return r !== '' && !r.startsWith('..') && !path.isAbsolute(r);
}

/** The JSON text a dashboard is written as: sorted keys, two-space indent, no version or id. */
export function dashboardFileText(d: Dashboard): string {
  return stableStringify(omit(d, ['version', 'id']));
}

/** Writes `text` to `file` atomically: a temporary file beside it, fsync, rename. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fh = await open(tmp, 'w', 0o644);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
