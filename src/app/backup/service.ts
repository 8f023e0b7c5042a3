/**
 * Online backups of a running server (`POST /api/kansoku/admin/backup`): a TSDB snapshot (head
 * flushed to a block, other blocks hard-linked) plus a copy of the metadata store, the
 * Alertmanager state (silences, notification log, alert history) and the push groups, hashed
 * into a manifest and streamed as tar. The snapshot is removed when the stream ends.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { Logger } from '../../util/index.js';
import { HashCache, type HaveBlocks, type Manifest } from './manifest.js';
import { STATE_PATHS, copyStateSync, planBackup, writeBackupTar } from './source.js';

/** What the backup service needs from the server; built by the composition root. */
export interface BackupServiceDeps {
  readonly dataDir: string;
  /** Takes a TSDB snapshot with the head and returns its directory. */
  readonly snapshot: () => Promise<string>;
  /** Waits for pending writes of the Alertmanager state and other state files. */
  readonly flushState: () => Promise<void>;
  /** `external` when the metadata lives in a shared PostgreSQL store (not in the backup). */
  readonly metadata: Manifest['metadata'];
  readonly kansokuVersion: string;
  readonly logger: Logger;
}

/** A second backup was requested while one runs. */
export class BackupBusyError extends Error {
  override readonly name = 'BackupBusyError';
  constructor() {
    super('cannot start backup: another backup is running');
  }
}

/** Takes online backups, one at a time. */
export class BackupService {
  private running = false;
  private readonly cache = new HashCache();

  constructor(private readonly deps: BackupServiceDeps) {}

  /**
   * Prepares a backup: snapshot, state copy, manifest. Returns the function that streams it as
   * tar to `out` (leaving out the blocks in `have`) and removes the snapshot; call it exactly
   * once. Throws `BackupBusyError` while another backup runs.
   */
  async prepare(have: HaveBlocks): Promise<(out: Writable, signal: AbortSignal) => Promise<void>> {
    if (this.running) throw new BackupBusyError();
    this.running = true;
    const d = this.deps;
    const t0 = performance.now();
    let dir: string | undefined;
    try {
      await d.flushState();
      dir = await d.snapshot();
      const stateDir = path.join(dir, 'state');
      const paths = STATE_PATHS.filter((p) => p !== 'meta' || d.metadata === 'included');
      const copied = copyStateSync(d.dataDir, stateDir, paths);
      const plan = await planBackup(
        dir,
        stateDir,
        paths,
        { mode: 'online', metadata: d.metadata, kansokuVersion: d.kansokuVersion, now: Date.now() },
        this.cache,
      );
      d.logger.info('backup prepared', {
        blocks: plan.manifest.blocks.length,
        state_files: copied,
        duration_ms: Math.round(performance.now() - t0),
      });
      const snapDir = dir;
      return async (out, signal) => {
        try {
          const s = await writeBackupTar(plan, have, out, signal);
          d.logger.info('backup sent', {
            blocks_sent: s.blocksSent,
            blocks_skipped: s.blocksSkipped,
            bytes: s.bytes,
            duration_ms: Math.round(performance.now() - t0),
          });
        } finally {
          await this.cleanup(snapDir);
        }
      };
    } catch (err) {
      if (dir !== undefined) await this.cleanup(dir);
      else this.running = false;
      throw err;
    }
  }

  private async cleanup(dir: string): Promise<void> {
    try {
      await rm(dir, { recursive: true, force: true });
    } catch (err) {
      this.deps.logger.warn('cannot remove backup snapshot', { dir, err });
    } finally {
      this.running = false;
    }
  }
}
