/**
 * The backup manifest (`manifest.json`, the first entry of every backup): what the backup holds,
 * with a SHA-256 and size per file and a checksum per block, so that a restore can verify every
 * byte and an incremental backup can tell which blocks it already has. Format: docs/operations.md
 * ("Backup and restore") and docs/decisions/0010-backup-format.md.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** The manifest's file name at the root of a backup. */
export const MANIFEST_FILE = 'manifest.json';
/** The folder of the TSDB blocks inside a backup (`blocks/<ULID>/…`). */
export const BLOCKS_DIR = 'blocks';
/** The folder of the other state inside a backup (`state/<path in the data directory>`). */
export const STATE_DIR = 'state';

/** One file of a backup. */
export interface ManifestFile {
  /** Relative to its block (`index`, `chunks/000001`) or to the data directory (state files). */
  readonly path: string;
  readonly size: number;
  /** Hex SHA-256 of the content. */
  readonly sha256: string;
}

/** One TSDB block of a backup. */
export interface ManifestBlock {
  readonly ulid: string;
  /** The block's time range in ms (`maxTime` exclusive), from its `meta.json`. */
  readonly minTime: number;
  readonly maxTime: number;
  /** Hex SHA-256 over the block's file list (see `blockChecksum`). */
  readonly checksum: string;
  readonly files: readonly ManifestFile[];
}

/** The manifest: version 1. */
export interface Manifest {
  readonly kind: 'kansoku-backup';
  readonly version: 1;
  /** When the backup was taken (ms since the epoch). */
  readonly createdAt: number;
  /** The Kansoku version that took it. */
  readonly kansokuVersion: string;
  /** `online`: from a running server (head flushed to a block); `offline`: copied with the WAL. */
  readonly mode: 'online' | 'offline';
  /** `included`, or `external` when the metadata lives in a shared PostgreSQL store. */
  readonly metadata: 'included' | 'external';
  readonly blocks: readonly ManifestBlock[];
  /** Files of the data directory other than blocks: `meta/…`, `alertmanager/…`, `wal/…`. */
  readonly state: readonly ManifestFile[];
}

/** A manifest or backup that does not check out. */
export class BackupFormatError extends Error {
  override readonly name = 'BackupFormatError';
}

/**
 * The checksum of a block: SHA-256 over one line `path size sha256\n` per file, files sorted by
 * path. Equal checksums mean equal content (the tombstones file included).
 */
export function blockChecksum(files: readonly ManifestFile[]): string {
  const h = createHash('sha256');
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of sorted) h.update(`${f.path} ${f.size} ${f.sha256}\n`);
  return h.digest('hex');
}

/** The SHA-256 (hex) and size of a file, streamed. */
export async function hashFile(file: string): Promise<{ size: number; sha256: string }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file, {
    highWaterMark: 1 << 20,
  }) as AsyncIterable<Buffer>) {
    h.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: h.digest('hex') };
}

/**
 * Remembers file hashes by device, inode, size and modification time, so that blocks (immutable,
 * hard-linked into every snapshot) are read once per server run, not once per backup. Entries not
 * used by the latest `prune` round are dropped.
 */
export class HashCache {
  private entries = new Map<string, string>();
  private used = new Map<string, string>();

  /** Size and SHA-256 of `file`, from the cache when the file is unchanged. */
  async hash(file: string): Promise<{ size: number; sha256: string }> {
    const st = await stat(file, { bigint: true });
    const key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
    const known = this.entries.get(key) ?? this.used.get(key);
    if (known !== undefined) {
      this.used.set(key, known);
      return { size: Number(st.size), sha256: known };
    }
    const r = await hashFile(file);
    this.used.set(key, r.sha256);
    return r;
  }

  /** Keeps only the entries used since the last call. */
  prune(): void {
    this.entries = this.used;
    this.used = new Map();
  }
}

/** The blocks a backup directory already holds: ULID → checksum. */
export type HaveBlocks = ReadonlyMap<string, string>;

/** Whether the receiver already has `b` with the same content. */
export function alreadyHas(have: HaveBlocks, b: ManifestBlock): boolean {
  return have.get(b.ulid) === b.checksum;
}

/** Serializes a manifest (stable key order, one line per block for readable diffs). */
export function encodeManifest(m: Manifest): Buffer {
  return Buffer.from(JSON.stringify(m, null, 1) + '\n', 'utf8');
}

const HEX64 = /^[0-9a-f]{64}$/;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** Parses and validates a manifest; throws `BackupFormatError` naming what is wrong. */
export function parseManifest(text: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new BackupFormatError(`cannot read backup manifest: ${(err as Error).message}`);
  }
  const bad = (what: string): never => {
    throw new BackupFormatError(`cannot read backup manifest: ${what}`);
  };
  if (!isRecord(raw) || raw['kind'] !== 'kansoku-backup') return bad('not a Kansoku backup');
  if (raw['version'] !== 1) return bad(`unsupported version ${JSON.stringify(raw['version'])}`);
  const { createdAt, kansokuVersion, mode, metadata, blocks, state } = raw;
  if (typeof createdAt !== 'number' || !Number.isSafeInteger(createdAt))
    return bad('bad createdAt');
  if (typeof kansokuVersion !== 'string') return bad('bad kansokuVersion');
  if (mode !== 'online' && mode !== 'offline') return bad('bad mode');
  if (metadata !== 'included' && metadata !== 'external') return bad('bad metadata');
  if (!Array.isArray(blocks) || !Array.isArray(state)) return bad('missing blocks or state');
  const seen = new Set<string>();
  const outBlocks = blocks.map((b: unknown): ManifestBlock => {
    if (!isRecord(b)) return bad('bad block entry');
    const { ulid, minTime, maxTime, checksum, files } = b;
    if (typeof ulid !== 'string' || !ULID.test(ulid)) return bad('bad block ulid');
    if (seen.has(ulid)) return bad(`block ${ulid} listed twice`);
    seen.add(ulid);
    if (typeof minTime !== 'number' || typeof maxTime !== 'number')
      return bad(`bad time range of ${ulid}`);
    if (typeof checksum !== 'string' || !HEX64.test(checksum))
      return bad(`bad checksum of ${ulid}`);
    if (!Array.isArray(files)) return bad(`missing files of ${ulid}`);
    const fs = files.map((f: unknown) => parseFile(f, bad));
    if (blockChecksum(fs) !== checksum)
      return bad(`checksum of block ${ulid} does not match its files`);
    return { ulid, minTime, maxTime, checksum, files: fs };
  });
  return {
    kind: 'kansoku-backup',
    version: 1,
    createdAt,
    kansokuVersion,
    mode,
    metadata,
    blocks: outBlocks,
    state: state.map((f: unknown) => parseFile(f, bad)),
  };
}

function parseFile(f: unknown, bad: (what: string) => never): ManifestFile {
  if (!isRecord(f)) return bad('bad file entry');
  const { path, size, sha256 } = f;
  if (typeof path !== 'string' || !isSafeRelative(path))
    return bad(`bad file path ${JSON.stringify(path)}`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    return bad(`bad size of ${path}`);
  if (typeof sha256 !== 'string' || !HEX64.test(sha256)) return bad(`bad sha256 of ${path}`);
  return { path, size, sha256 };
}

/** A relative path without `..`, empty or absolute parts (safe to join under a directory). */
export function isSafeRelative(p: string): boolean {
  if (p === '' || p.startsWith('/') || p.includes('\\') || p.includes('\0')) return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
