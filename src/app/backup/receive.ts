/**
 * The receiving side of a backup: reads a backup tar stream, checks every file against the
 * manifest (size and SHA-256) while it is written, and hands the files to a sink — a backup
 * directory, a tar file, or a data directory being restored. A sink commits only when every file
 * of the manifest has arrived intact.
 */
import { createHash } from 'node:crypto';
import {
  BLOCKS_DIR,
  BackupFormatError,
  MANIFEST_FILE,
  STATE_DIR,
  alreadyHas,
  parseManifest,
  type HaveBlocks,
  type Manifest,
  type ManifestFile,
} from './manifest.js';
import { readTar } from './tar.js';

/** Where received files go. Calls: `begin`, `file`…, then `commit` or (on any failure) `abort`. */
export interface BackupSink {
  /** Called with the manifest before any file. */
  begin(manifest: Manifest): Promise<void>;
  /**
   * Stores one file. `body` yields exactly `size` bytes and throws after the last one when they
   * do not match the manifest; the sink must then drop the file.
   */
  file(
    archivePath: string,
    size: number,
    mtimeMs: number,
    body: AsyncIterable<Buffer>,
  ): Promise<void>;
  /** Makes the received backup complete and durable. */
  commit(manifest: Manifest): Promise<void>;
  /** Removes whatever was written; must not throw. */
  abort(): Promise<void>;
}

/** Counts of a received backup. */
export interface ReceiveStats {
  readonly manifest: Manifest;
  readonly blocks: number;
  /** Blocks the receiver already had (not sent again). */
  readonly blocksReused: number;
  readonly files: number;
  readonly bytes: number;
}

/**
 * Reads the backup tar `src` into `sink`. `have` names the blocks the sink already holds (the
 * sender left them out). Throws `BackupFormatError` for a damaged, incomplete or foreign stream.
 */
export async function receiveBackup(
  src: AsyncIterable<Uint8Array>,
  sink: BackupSink,
  have: HaveBlocks,
): Promise<ReceiveStats> {
  let manifest: Manifest | undefined;
  const expected = new Map<string, ManifestFile>();
  let files = 0;
  let bytes = 0;
  try {
    await readTar(src, async (entry, body) => {
      if (entry.type === 'directory') return;
      if (manifest === undefined) {
        if (entry.name !== MANIFEST_FILE || entry.type !== 'file')
          throw new BackupFormatError(
            `cannot read backup: it must start with ${MANIFEST_FILE}, not ${entry.name}`,
          );
        const chunks: Buffer[] = [];
        for await (const c of body) chunks.push(c);
        manifest = parseManifest(Buffer.concat(chunks).toString('utf8'));
        for (const b of manifest.blocks) {
          if (alreadyHas(have, b)) continue;
          for (const f of b.files) expected.set(`${BLOCKS_DIR}/${b.ulid}/${f.path}`, f);
        }
        for (const f of manifest.state) expected.set(`${STATE_DIR}/${f.path}`, f);
        await sink.begin(manifest);
        return;
      }
      const want = expected.get(entry.name);
      if (want === undefined || entry.type !== 'file')
        throw new BackupFormatError(`cannot read backup: unexpected entry ${entry.name}`);
      if (entry.size !== want.size)
        throw new BackupFormatError(
          `cannot read backup: ${entry.name} has ${entry.size} bytes, the manifest says ${want.size}`,
        );
      expected.delete(entry.name);
      await sink.file(entry.name, entry.size, entry.mtimeMs, verified(entry.name, body, want));
      files++;
      bytes += entry.size;
    });
    if (manifest === undefined) throw new BackupFormatError('cannot read backup: it is empty');
    if (expected.size > 0) {
      const first = expected.keys().next().value ?? '';
      throw new BackupFormatError(
        `cannot read backup: it is incomplete, ${expected.size} files missing (first: ${first})`,
      );
    }
    await sink.commit(manifest);
  } catch (err) {
    await sink.abort();
    throw err;
  }
  const m: Manifest = manifest;
  const reused = m.blocks.filter((b) => alreadyHas(have, b)).length;
  return { manifest: m, blocks: m.blocks.length, blocksReused: reused, files, bytes };
}

/** Passes `body` through, and throws after its end when the SHA-256 differs from `want`. */
async function* verified(
  name: string,
  body: AsyncIterable<Buffer>,
  want: ManifestFile,
): AsyncGenerator<Buffer> {
  const h = createHash('sha256');
  for await (const c of body) {
    h.update(c);
    yield c;
  }
  const got = h.digest('hex');
  if (got !== want.sha256)
    throw new BackupFormatError(
      `cannot read backup: checksum mismatch in ${name} (sha256 ${got}, the manifest says ${want.sha256})`,
    );
}
