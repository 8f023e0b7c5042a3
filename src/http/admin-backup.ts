/**
 * `POST /api/kansoku/admin/backup`: a consistent online backup of the whole server, streamed as
 * a tar (`application/x-tar`). The optional JSON body `{"have":[{"ulid":…,"checksum":…}]}` names
 * blocks the caller already holds; they are listed in the manifest but not sent again.
 */
import type { Writable } from 'node:stream';
import { readBody } from './body.js';
import { HttpError } from './errors.js';
import { BadParamError } from './params.js';
import type { Router } from './router.js';

/** Largest accepted request body (the `have` list: about 100 bytes per block). */
const MAX_BACKUP_REQUEST_BYTES = 4 * 1024 * 1024;

/** Streams a prepared backup to `out`; rejects when writing fails or `signal` fires. */
export type BackupStream = (out: Writable, signal: AbortSignal) => Promise<void>;

/** What the backup route needs; built by the composition root. */
export interface BackupRouteDeps {
  /** Whether backups are allowed: authentication is on (admin scope) or the admin API is. */
  readonly enabled: boolean;
  /**
   * Takes the snapshot and returns the function that streams it, or throws (`HttpError` 409
   * while another backup runs, 503 before the storage is ready).
   */
  readonly prepare: (have: ReadonlyMap<string, string>) => Promise<BackupStream>;
}

/** Adds `POST /api/kansoku/admin/backup`. */
export function addBackupRoute(router: Router, deps: BackupRouteDeps): void {
  router.post('/api/kansoku/admin/backup', async (ctx) => {
    if (!deps.enabled)
      throw new HttpError(
        503,
        'unavailable',
        'cannot take backup: admin APIs disabled (enable with --web.enable-admin-api or --auth.enabled)',
      );
    const have = parseHave(await readBody(ctx.req, MAX_BACKUP_REQUEST_BYTES, undefined));
    const stream = await deps.prepare(have);
    ctx.res.writeHead(200, {
      'Content-Type': 'application/x-tar',
      'Content-Disposition': 'attachment; filename="kansoku-backup.tar"',
      'Cache-Control': 'no-store',
    });
    try {
      await stream(ctx.res, ctx.signal);
      ctx.res.end();
    } catch (err) {
      // The status is sent; a cut stream tells the client (its manifest check fails).
      ctx.res.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  });
}

/** Parses the request body: empty, or `{"have":[{"ulid":string,"checksum":string}]}`. */
export function parseHave(body: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  const text = body.toString('utf8').trim();
  if (text === '') return out;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new BadParamError(`invalid backup request: ${(err as Error).message}`);
  }
  const have = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)['have'] : null;
  if (have === undefined) return out;
  if (!Array.isArray(have)) throw new BadParamError('invalid backup request: have must be a list');
  for (const h of have) {
    const o = typeof h === 'object' && h !== null ? (h as Record<string, unknown>) : {};
    const { ulid, checksum } = o;
    if (typeof ulid !== 'string' || typeof checksum !== 'string')
      throw new BadParamError('invalid backup request: each have entry needs ulid and checksum');
    out.set(ulid, checksum);
  }
  return out;
}
