/**
 * `kansoku backup` and `kansoku restore`: argument parsing and the two commands. Both log to
 * standard output (logfmt or JSON) and resolve with an exit code.
 */
import { createReadStream } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Logger, type LogFormat, type LogLevel } from '../../util/index.js';
import { liveServerLock, LOCK_FILE } from './lock.js';
import { HashCache, MANIFEST_FILE, parseManifest, type HaveBlocks } from './manifest.js';
import { receiveBackup, type BackupSink, type ReceiveStats } from './receive.js';
import { DirSink, RESTORE_STAGING, RestoreSink, TarFileSink, readBackupDir } from './sinks.js';
import {
  STATE_PATHS,
  planBackup,
  planFromBackupDir,
  writeBackupTar,
  type BackupPlan,
} from './source.js';

/** Usage of both commands. */
export const BACKUP_USAGE = [
  'usage: kansoku backup <dir|file.tar|file.tar.gz> --url <server URL> [--token-file <file>]',
  '       kansoku backup <dir|file.tar|file.tar.gz> --storage.tsdb.path <dir>   (server stopped)',
  '       kansoku restore <dir|file.tar|file.tar.gz> --storage.tsdb.path <dir> [--force]',
  '       common flags: [--log.format logfmt|json] [--log.level debug|info|warn|error]',
  '',
  'backup takes a consistent backup of samples, dashboards, users, tokens, share links, silences,',
  'the notification log and the alert history. Into a directory it is incremental: blocks the',
  'directory already holds are not copied again. restore fills an empty data directory',
  '(--force replaces the contents of a non-empty one) after checking every checksum.',
  '',
].join('\n');

/** A bad command line (exit code 2). */
export class BackupUsageError extends Error {
  override readonly name = 'BackupUsageError';
}

/** A backup or restore that cannot run (exit code 1). */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

/** Parsed arguments of `kansoku backup` and `kansoku restore`. */
export interface BackupArgs {
  readonly command: 'backup' | 'restore';
  /** Backup: the destination; restore: the source. */
  readonly target: string;
  readonly url?: string;
  readonly tokenFile?: string;
  readonly dataDir?: string;
  readonly force: boolean;
  readonly logFormat: LogFormat;
  readonly logLevel: LogLevel;
}

const VALUE_FLAGS = ['url', 'token-file', 'storage.tsdb.path', 'log.format', 'log.level'];

/** Parses `backup|restore <target> [flags]`. */
export function parseBackupArgs(
  command: 'backup' | 'restore',
  args: readonly string[],
): BackupArgs {
  const values = new Map<string, string>();
  const positionals: string[] = [];
  let force = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const m = /^--([a-z.-]+)(?:=(.*))?$/s.exec(a);
    if (!m) {
      positionals.push(a);
      continue;
    }
    const name = m[1] ?? '';
    if (name === 'force' && command === 'restore') {
      force = m[2] === undefined || m[2] === 'true';
      continue;
    }
    if (
      !VALUE_FLAGS.includes(name) ||
      (command === 'restore' && (name === 'url' || name === 'token-file'))
    )
      throw new BackupUsageError(`unknown flag --${name}`);
    const v = m[2] ?? args[++i];
    if (v === undefined) throw new BackupUsageError(`flag --${name} needs a value`);
    values.set(name, v);
  }
  const [target, ...extra] = positionals;
  if (target === undefined)
    throw new BackupUsageError(
      `kansoku ${command} needs a ${command === 'backup' ? 'destination' : 'source'}`,
    );
  if (extra.length > 0)
    throw new BackupUsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const fmt = values.get('log.format') ?? 'logfmt';
  if (fmt !== 'logfmt' && fmt !== 'text' && fmt !== 'json')
    throw new BackupUsageError(`invalid --log.format ${JSON.stringify(fmt)}: use logfmt or json`);
  const level = values.get('log.level') ?? 'info';
  if (level !== 'debug' && level !== 'info' && level !== 'warn' && level !== 'error')
    throw new BackupUsageError(`invalid --log.level ${JSON.stringify(level)}`);
  const url = values.get('url');
  const tokenFile = values.get('token-file');
  const dataDir = values.get('storage.tsdb.path');
  if (command === 'backup' && (url === undefined) === (dataDir === undefined))
    throw new BackupUsageError(
      'kansoku backup needs either --url (online) or --storage.tsdb.path (offline)',
    );
  if (tokenFile !== undefined && url === undefined)
    throw new BackupUsageError('--token-file goes with --url');
  return {
    command,
    target,
    ...(url === undefined ? {} : { url }),
    ...(tokenFile === undefined ? {} : { tokenFile }),
    ...(dataDir === undefined ? {} : { dataDir }),
    force,
    logFormat: fmt === 'json' ? 'json' : 'logfmt',
    logLevel: level,
  };
}

/** Whether a destination or source names a tar file (else a directory). */
export function isTarPath(p: string): boolean {
  return /\.(tar|tar\.gz|tgz)$/.test(p);
}

/** Runs `kansoku backup` or `kansoku restore`; resolves with the exit code. */
export async function runBackupCommand(
  a: BackupArgs,
  sink: { write(line: string): unknown } = process.stdout,
): Promise<number> {
  const logger = new Logger({ level: a.logLevel, format: a.logFormat, sink });
  try {
    if (a.command === 'backup') await backup(a, logger);
    else await restore(a, logger);
    return 0;
  } catch (err) {
    logger.error(`${a.command} failed`, { err: err instanceof Error ? err.message : String(err) });
    return 1;
  }
}

async function backup(a: BackupArgs, logger: Logger): Promise<void> {
  const t0 = performance.now();
  const tar = isTarPath(a.target);
  const prev = tar ? undefined : await readBackupDir(a.target);
  const have: HaveBlocks = prev?.have ?? new Map<string, string>();
  const sink: BackupSink = tar ? new TarFileSink(a.target) : new DirSink(a.target);
  logger.info('backup started', {
    dest: a.target,
    format: tar ? 'tar' : 'directory',
    source: a.url ?? a.dataDir,
    blocks_held: have.size,
  });
  let r: ReceiveStats;
  if (a.url !== undefined) r = await receiveBackup(await fetchBackup(a, have), sink, have);
  else r = await offlineBackup(a.dataDir ?? '', sink, have);
  logger.info('backup complete', {
    dest: a.target,
    mode: r.manifest.mode,
    blocks: r.blocks,
    blocks_reused: r.blocksReused,
    blocks_copied: r.blocks - r.blocksReused,
    state_files: r.manifest.state.length,
    bytes_copied: r.bytes,
    duration_ms: Math.round(performance.now() - t0),
  });
  if (r.manifest.metadata === 'external')
    logger.warn(
      'metadata is in a shared PostgreSQL store and not in this backup: back it up with pg_dump',
    );
}

/** Asks the server for a backup; resolves with the tar body. */
async function fetchBackup(a: BackupArgs, have: HaveBlocks): Promise<AsyncIterable<Uint8Array>> {
  const body = JSON.stringify({ have: [...have].map(([ulid, checksum]) => ({ ulid, checksum })) });
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
  };
  if (a.tokenFile !== undefined) {
    const token = (await readFile(a.tokenFile, 'utf8')).trim();
    headers['Authorization'] = `Bearer ${token}`;
  }
  const url = `${(a.url ?? '').replace(/\/+$/, '')}/api/kansoku/admin/backup`;
  let res: IncomingMessage;
  try {
    // node:http rather than fetch: the server answers only after the snapshot and the checksums,
    // which can take longer than fetch's fixed wait for response headers on a big database.
    res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, {
        method: 'POST',
        headers,
        // No keep-alive: an idle pooled socket would hold the process open after the backup.
        agent: false,
      });
      req.on('response', resolve);
      req.on('error', reject);
      req.end(body);
    });
  } catch (err) {
    throw new BackupError(`cannot take backup: cannot reach ${url}: ${causeText(err)}`, {
      cause: err,
    });
  }
  if (res.statusCode !== 200) {
    const chunks: Buffer[] = [];
    for await (const c of res as AsyncIterable<Buffer>) chunks.push(c);
    const text = Buffer.concat(chunks).toString('utf8');
    let msg = text.trim();
    try {
      const v = JSON.parse(text) as { error?: unknown };
      if (typeof v.error === 'string') msg = v.error;
    } catch {
      // not JSON: keep the text
    }
    throw new BackupError(`cannot take backup: ${url} answered ${res.statusCode ?? 0}: ${msg}`);
  }
  return res;
}

/** A backup of a stopped server's data directory: blocks, state and the WAL as they are. */
async function offlineBackup(
  dataDir: string,
  sink: BackupSink,
  have: HaveBlocks,
): Promise<ReceiveStats> {
  refuseLive(dataDir, 'back up');
  await requireDir(dataDir, 'back up');
  const plan = await planBackup(
    dataDir,
    dataDir,
    [...STATE_PATHS, 'wal'],
    {
      mode: 'offline',
      metadata: 'included',
      kansokuVersion: await kansokuVersion(),
      now: Date.now(),
    },
    new HashCache(),
  );
  return receiveBackup(streamPlan(plan, have), sink, have);
}

async function restore(a: BackupArgs, logger: Logger): Promise<void> {
  const t0 = performance.now();
  const dataDir = a.dataDir ?? './data';
  refuseLive(dataDir, 'restore into');
  const entries = (await readdir(dataDir).catch(() => [])).filter(
    (n) => n !== RESTORE_STAGING && n !== LOCK_FILE,
  );
  if (entries.length > 0 && !a.force)
    throw new BackupError(
      `cannot restore into ${dataDir}: the directory is not empty (use an empty one, or --force to replace its contents)`,
    );
  logger.info('restore started', {
    source: a.target,
    data_dir: dataDir,
    replace: entries.length > 0,
  });
  const sink = new RestoreSink(dataDir, a.force);
  const r = await receiveBackup(await openSource(a.target), sink, new Map());
  logger.info('restore complete', {
    data_dir: dataDir,
    backup_mode: r.manifest.mode,
    taken_at: new Date(r.manifest.createdAt).toISOString(),
    blocks: r.blocks,
    files: r.files,
    bytes: r.bytes,
    duration_ms: Math.round(performance.now() - t0),
  });
  if (r.manifest.metadata === 'external')
    logger.warn(
      'the backup holds no metadata (it was in a shared PostgreSQL store): restore that store separately',
    );
}

/** A backup as a tar stream: a tar file (gzip detected by its magic bytes) or a backup directory. */
async function openSource(src: string): Promise<AsyncIterable<Uint8Array>> {
  let st;
  try {
    st = await stat(src);
  } catch (err) {
    throw new BackupError(`cannot read backup ${src}: ${causeText(err)}`, { cause: err });
  }
  if (st.isDirectory()) {
    let text: string;
    try {
      text = await readFile(path.join(src, MANIFEST_FILE), 'utf8');
    } catch (err) {
      throw new BackupError(`cannot read backup ${src}: no ${MANIFEST_FILE} (${causeText(err)})`, {
        cause: err,
      });
    }
    return streamPlan(planFromBackupDir(src, parseManifest(text)), new Map());
  }
  const head = await firstBytes(src, 2);
  const file: Readable = createReadStream(src, { highWaterMark: 1 << 20 });
  return head[0] === 0x1f && head[1] === 0x8b ? file.pipe(createGunzip()) : file;
}

async function firstBytes(file: string, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of createReadStream(file, { start: 0, end: n - 1 }) as AsyncIterable<Buffer>)
    chunks.push(c);
  return Buffer.concat(chunks);
}

/** Writes `plan` as tar into a pipe and returns its reading end. */
function streamPlan(plan: BackupPlan, have: HaveBlocks): AsyncIterable<Uint8Array> {
  const pipe = new PassThrough({ highWaterMark: 1 << 20 });
  writeBackupTar(plan, have, pipe).then(
    () => pipe.end(),
    (err: unknown) => pipe.destroy(err instanceof Error ? err : new Error(String(err))),
  );
  return pipe;
}

function refuseLive(dataDir: string, what: string): void {
  const lock = liveServerLock(dataDir);
  if (lock === undefined) return;
  throw new BackupError(
    `cannot ${what} ${dataDir}: a server is running on it (pid ${lock.pid} on ${lock.host}, address ${lock.address}); ` +
      `stop it, or take an online backup with --url http://${lock.address}` +
      ` (if no server runs there, remove ${path.join(dataDir, LOCK_FILE)})`,
  );
}

async function requireDir(dir: string, what: string): Promise<void> {
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new BackupError(`cannot ${what} ${dir}: not a directory`);
}

async function kansokuVersion(): Promise<string> {
  const { buildInfo } = await import('../version.js');
  return buildInfo().version;
}

function causeText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const c = err.cause;
  return c instanceof Error ? `${err.message}: ${c.message}` : err.message;
}
