/**
 * The sending side of a backup: finding the blocks and state files of a directory, hashing them
 * into a manifest, and writing the backup as a tar stream (manifest first, then the blocks the
 * receiver does not have yet, then the state files).
 */
import { createReadStream, readdirSync, copyFileSync, mkdirSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import {
  BLOCKS_DIR,
  MANIFEST_FILE,
  STATE_DIR,
  alreadyHas,
  blockChecksum,
  encodeManifest,
  type HashCache,
  type HaveBlocks,
  type Manifest,
  type ManifestBlock,
  type ManifestFile,
} from './manifest.js';
import { TarWriter } from './tar.js';

/** Folders of the data directory that hold state worth keeping, besides the blocks. */
export const STATE_PATHS = ['meta', 'alertmanager', 'pushgateway'] as const;

/** Temporary files of atomic writes, never part of a backup. */
const TMP_FILE = /\.(tmp|partial)$/;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** A backup ready to send: the manifest and where each archive path's bytes are. */
export interface BackupPlan {
  readonly manifest: Manifest;
  /** Archive path (`blocks/<ULID>/index`, `state/meta/…`) → file on disk. */
  readonly files: ReadonlyMap<string, string>;
}

/** What went into the manifest besides the files. */
export interface PlanInfo {
  readonly mode: Manifest['mode'];
  readonly metadata: Manifest['metadata'];
  readonly kansokuVersion: string;
  readonly now: number;
}

/** A block directory found on disk. */
interface FoundBlock {
  readonly ulid: string;
  readonly dir: string;
  readonly minTime: number;
  readonly maxTime: number;
}

/**
 * Builds the plan of a backup from the block directories directly under `blocksRoot` and the
 * `statePaths` (folders or files, relative) under `stateRoot`.
 */
export async function planBackup(
  blocksRoot: string,
  stateRoot: string,
  statePaths: readonly string[],
  info: PlanInfo,
  cache: HashCache,
): Promise<BackupPlan> {
  const files = new Map<string, string>();
  const blocks: ManifestBlock[] = [];
  for (const b of await findBlocks(blocksRoot)) {
    const list: ManifestFile[] = [];
    for (const rel of await listFiles(b.dir)) {
      const abs = path.join(b.dir, rel);
      list.push({ path: rel, ...(await cache.hash(abs)) });
      files.set(`${BLOCKS_DIR}/${b.ulid}/${rel}`, abs);
    }
    blocks.push({
      ulid: b.ulid,
      minTime: b.minTime,
      maxTime: b.maxTime,
      checksum: blockChecksum(list),
      files: list,
    });
  }
  const state: ManifestFile[] = [];
  for (const p of statePaths) {
    for (const rel of await listFiles(path.join(stateRoot, p))) {
      const relPath = rel === '' ? p : `${p}/${rel}`;
      const abs = path.join(stateRoot, relPath);
      state.push({ path: relPath, ...(await cache.hash(abs)) });
      files.set(`${STATE_DIR}/${relPath}`, abs);
    }
  }
  cache.prune();
  return {
    manifest: {
      kind: 'kansoku-backup',
      version: 1,
      createdAt: info.now,
      kansokuVersion: info.kansokuVersion,
      mode: info.mode,
      metadata: info.metadata,
      blocks,
      state,
    },
    files,
  };
}

/** The plan of an existing backup directory (for restoring from it): files by the manifest. */
export function planFromBackupDir(dir: string, manifest: Manifest): BackupPlan {
  const files = new Map<string, string>();
  for (const b of manifest.blocks)
    for (const f of b.files)
      files.set(`${BLOCKS_DIR}/${b.ulid}/${f.path}`, path.join(dir, BLOCKS_DIR, b.ulid, f.path));
  for (const f of manifest.state)
    files.set(`${STATE_DIR}/${f.path}`, path.join(dir, STATE_DIR, f.path));
  return { manifest, files };
}

/** Counts of what a tar stream carried. */
export interface SendStats {
  readonly blocksSent: number;
  readonly blocksSkipped: number;
  readonly bytes: number;
}

/**
 * Writes the backup as tar to `out`: the manifest, every block not in `have`, the state files,
 * the end marker. Does not end `out`. Stops with the abort reason when `signal` fires.
 */
export async function writeBackupTar(
  plan: BackupPlan,
  have: HaveBlocks,
  out: Writable,
  signal?: AbortSignal,
): Promise<SendStats> {
  const tar = new TarWriter(out);
  const m = plan.manifest;
  await tar.addBuffer(MANIFEST_FILE, encodeManifest(m), m.createdAt);
  let bytes = 0;
  let sent = 0;
  const send = async (name: string, f: ManifestFile): Promise<void> => {
    signal?.throwIfAborted();
    const abs = plan.files.get(name);
    if (abs === undefined) throw new Error(`BUG: no file behind ${name}`);
    const st = await stat(abs);
    await tar.addFile(name, f.size, st.mtimeMs, createReadStream(abs, { highWaterMark: 1 << 20 }));
    bytes += f.size;
  };
  for (const b of m.blocks) {
    if (alreadyHas(have, b)) continue;
    sent++;
    for (const f of b.files) await send(`${BLOCKS_DIR}/${b.ulid}/${f.path}`, f);
  }
  for (const f of m.state) await send(`${STATE_DIR}/${f.path}`, f);
  await tar.finish();
  return { blocksSent: sent, blocksSkipped: m.blocks.length - sent, bytes };
}

/** Block directories (ULID names with a `meta.json`) directly under `root`, oldest first. */
export async function findBlocks(root: string): Promise<FoundBlock[]> {
  const out: FoundBlock[] = [];
  for (const e of await readdir(root, { withFileTypes: true })) {
    if (!e.isDirectory() || !ULID.test(e.name)) continue;
    const dir = path.join(root, e.name);
    let meta: unknown;
    try {
      meta = JSON.parse(await readFile(path.join(dir, 'meta.json'), 'utf8'));
    } catch {
      continue; // not a complete block (a crash mid-write leaves no meta.json)
    }
    const o = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>) : {};
    const minTime = o['minTime'];
    const maxTime = o['maxTime'];
    if (typeof minTime !== 'number' || typeof maxTime !== 'number') continue;
    out.push({ ulid: e.name, dir, minTime, maxTime });
  }
  return out.sort((a, b) => (a.ulid < b.ulid ? -1 : 1));
}

/**
 * Regular files under `p` as sorted `/`-separated relative paths, without temporary files; `['']`
 * when `p` is a file itself, `[]` when it does not exist.
 */
export async function listFiles(p: string): Promise<string[]> {
  let st;
  try {
    st = await stat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  if (st.isFile()) return [''];
  if (!st.isDirectory()) return [];
  const out: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
      if (e.isDirectory()) await walk(path.join(dir, e.name), rel);
      else if (e.isFile() && !TMP_FILE.test(e.name)) out.push(rel);
    }
  };
  await walk(p, '');
  return out.sort();
}

/**
 * Copies the state folders `paths` of `dataDir` into `dest` in one synchronous pass, so that no
 * other code of this process runs in between: every document is copied as it is at one moment
 * (writers replace files atomically, so each copy is a whole old or new version). Files that
 * vanish while copying are skipped.
 */
export function copyStateSync(dataDir: string, dest: string, paths: readonly string[]): number {
  let n = 0;
  const walk = (from: string, to: string): void => {
    let entries;
    try {
      entries = readdirSync(from, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    mkdirSync(to, { recursive: true, mode: 0o700 });
    for (const e of entries) {
      const a = path.join(from, e.name);
      const b = path.join(to, e.name);
      if (e.isDirectory()) walk(a, b);
      else if (e.isFile() && !TMP_FILE.test(e.name)) {
        try {
          copyFileSync(a, b);
          n++;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
      }
    }
  };
  for (const p of paths) walk(path.join(dataDir, p), path.join(dest, p));
  return n;
}
