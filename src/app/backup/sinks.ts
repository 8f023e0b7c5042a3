/**
 * Where a received backup goes: a backup directory (kept up to date incrementally), a tar file
 * (optionally gzipped), or a data directory being restored. Each writes into a staging place and
 * moves the result into position only at `commit`, so a failed transfer leaves the previous state.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import {
  BLOCKS_DIR,
  MANIFEST_FILE,
  STATE_DIR,
  encodeManifest,
  parseManifest,
  type HaveBlocks,
  type Manifest,
} from './manifest.js';
import type { BackupSink } from './receive.js';
import { TarWriter } from './tar.js';

/** Staging folder of a backup directory while a backup arrives. */
const INCOMING = '.incoming';
/** Staging folder inside a data directory while a restore runs. */
export const RESTORE_STAGING = '.restore';

/** Writes `body` to `file` (created, parent folders too) and fsyncs it. */
export async function writeFileFrom(
  file: string,
  body: AsyncIterable<Buffer> | Iterable<Buffer>,
): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const fh = await open(file, 'w', 0o600);
  try {
    for await (const c of body) {
      let off = 0;
      while (off < c.length) off += (await fh.write(c, off, c.length - off)).bytesWritten;
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes `data` to `file` through a temporary file and a rename. */
async function writeAtomic(file: string, data: Buffer): Promise<void> {
  await writeFileFrom(`${file}.tmp`, [data]);
  await rename(`${file}.tmp`, file);
}

/**
 * The previous backup in a backup directory: its manifest and the blocks still present (ULID →
 * checksum), or undefined for an empty or missing directory. Throws for a non-empty directory
 * that is not a backup.
 */
export async function readBackupDir(
  dir: string,
): Promise<{ manifest: Manifest; have: HaveBlocks } | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n !== INCOMING);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (names.length === 0) return undefined;
  if (!names.includes(MANIFEST_FILE))
    throw new Error(
      `cannot back up into ${dir}: the directory is not empty and holds no ${MANIFEST_FILE} (not a Kansoku backup)`,
    );
  const manifest = parseManifest(await readFile(path.join(dir, MANIFEST_FILE), 'utf8'));
  const present = new Set(await readdir(path.join(dir, BLOCKS_DIR)).catch(() => []));
  const have = new Map<string, string>();
  for (const b of manifest.blocks) if (present.has(b.ulid)) have.set(b.ulid, b.checksum);
  return { manifest, have };
}

/**
 * A backup directory: `manifest.json`, `blocks/<ULID>/…`, `state/…`. New blocks and the state
 * arrive under `.incoming/`; `commit` moves them in, writes the manifest (the commit point) and
 * removes blocks the new manifest no longer lists. Blocks in `have` stay as they are.
 */
export class DirSink implements BackupSink {
  private readonly incoming: string;

  constructor(private readonly dir: string) {
    this.incoming = path.join(dir, INCOMING);
  }

  async begin(): Promise<void> {
    await rm(this.incoming, { recursive: true, force: true });
    await mkdir(this.incoming, { recursive: true, mode: 0o700 });
  }

  file(name: string, _size: number, _mtimeMs: number, body: AsyncIterable<Buffer>): Promise<void> {
    return writeFileFrom(path.join(this.incoming, name), body);
  }

  async commit(m: Manifest): Promise<void> {
    const blocksDir = path.join(this.dir, BLOCKS_DIR);
    await mkdir(blocksDir, { recursive: true, mode: 0o700 });
    for (const ulid of await readdir(path.join(this.incoming, BLOCKS_DIR)).catch(() => [])) {
      await rm(path.join(blocksDir, ulid), { recursive: true, force: true });
      await rename(path.join(this.incoming, BLOCKS_DIR, ulid), path.join(blocksDir, ulid));
    }
    const oldState = path.join(this.incoming, 'old-state');
    await rename(path.join(this.dir, STATE_DIR), oldState).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    });
    await mkdir(path.join(this.incoming, STATE_DIR), { recursive: true, mode: 0o700 });
    await rename(path.join(this.incoming, STATE_DIR), path.join(this.dir, STATE_DIR));
    await writeAtomic(path.join(this.dir, MANIFEST_FILE), encodeManifest(m));
    const keep = new Set(m.blocks.map((b) => b.ulid));
    for (const ulid of await readdir(blocksDir))
      if (!keep.has(ulid)) await rm(path.join(blocksDir, ulid), { recursive: true, force: true });
    await rm(this.incoming, { recursive: true, force: true });
  }

  async abort(): Promise<void> {
    await rm(this.incoming, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** A single tar file (gzipped when its name ends in `.gz` or `.tgz`), written as `<file>.partial`. */
export class TarFileSink implements BackupSink {
  private out: Writable | undefined;
  private tar: TarWriter | undefined;
  private done: Promise<void> | undefined;
  private readonly partial: string;

  constructor(private readonly target: string) {
    this.partial = `${target}.partial`;
  }

  async begin(m: Manifest): Promise<void> {
    await mkdir(path.dirname(path.resolve(this.target)), { recursive: true });
    const fileStream = createWriteStream(this.partial, { mode: 0o600 });
    if (/\.(gz|tgz)$/.test(this.target)) {
      // Level 1: chunks and indexes are compressed already; higher levels cost much time for little.
      const gz = createGzip({ level: 1 });
      gz.pipe(fileStream);
      this.out = gz;
    } else {
      this.out = fileStream;
    }
    this.done = finished(fileStream);
    this.tar = new TarWriter(this.out);
    await this.tar.addBuffer(MANIFEST_FILE, encodeManifest(m), m.createdAt);
  }

  file(name: string, size: number, mtimeMs: number, body: AsyncIterable<Buffer>): Promise<void> {
    if (!this.tar) throw new Error('BUG: file before begin');
    return this.tar.addFile(name, size, mtimeMs, body);
  }

  async commit(): Promise<void> {
    if (!this.tar || !this.out) throw new Error('BUG: commit before begin');
    await this.tar.finish();
    this.out.end();
    await this.done;
    const fh = await open(this.partial, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(this.partial, this.target);
  }

  async abort(): Promise<void> {
    this.out?.destroy();
    await this.done?.catch(() => undefined);
    await rm(this.partial, { force: true }).catch(() => undefined);
  }
}

/**
 * A data directory being restored: files go to `<data>/.restore/` (blocks as `<ULID>/…`, state
 * at their data-directory paths); `commit` moves each top-level entry into the data directory.
 */
export class RestoreSink implements BackupSink {
  private readonly staging: string;

  /** With `replace`, `commit` first removes everything else in the data directory. */
  constructor(
    private readonly dataDir: string,
    private readonly replace = false,
  ) {
    this.staging = path.join(dataDir, RESTORE_STAGING);
  }

  async begin(): Promise<void> {
    await rm(this.staging, { recursive: true, force: true });
    await mkdir(this.staging, { recursive: true, mode: 0o700 });
  }

  file(name: string, _size: number, _mtimeMs: number, body: AsyncIterable<Buffer>): Promise<void> {
    const rel = name.startsWith(`${BLOCKS_DIR}/`)
      ? name.slice(BLOCKS_DIR.length + 1)
      : name.slice(STATE_DIR.length + 1);
    return writeFileFrom(path.join(this.staging, rel), body);
  }

  async commit(): Promise<void> {
    if (this.replace)
      for (const e of await readdir(this.dataDir))
        if (e !== RESTORE_STAGING)
          await rm(path.join(this.dataDir, e), { recursive: true, force: true });
    for (const e of await readdir(this.staging)) {
      await rm(path.join(this.dataDir, e), { recursive: true, force: true });
      await rename(path.join(this.staging, e), path.join(this.dataDir, e));
    }
    await rm(this.staging, { recursive: true, force: true });
  }

  async abort(): Promise<void> {
    await rm(this.staging, { recursive: true, force: true }).catch(() => undefined);
  }
}
