/**
 * A throw-away PostgreSQL server for tests: Debian's postgresql-15 binaries, a fresh cluster in a
 * temporary directory, trust authentication, listening on 127.0.0.1 on a free port only. As root
 * (CI) the server runs as the `postgres` user, since PostgreSQL refuses to run as root.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './process.js';

const run = promisify(execFile);

/** Where Debian installs the server binaries. */
export const PG_BIN = '/usr/lib/postgresql/15/bin';

/** A skip reason when PostgreSQL is not installed, or false. */
export const POSTGRES_SKIP: string | false = existsSync(path.join(PG_BIN, 'postgres'))
  ? false
  : `${PG_BIN}/postgres not found: install it with \`apt-get install -y postgresql-15\``;

/** A running test server. */
export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly port: number;
  /** Stops the server immediately and removes its files. */
  stop(): Promise<void>;
}

/** Creates a cluster and starts it; resolves when it accepts connections. */
export async function startPostgres(): Promise<TestPostgres> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kansoku-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  let uid = -1;
  let gid = -1;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: g } = await run('id', ['-g', 'postgres']);
    uid = Number(stdout.trim());
    gid = Number(g.trim());
    await chown(dir, uid, gid);
  }
  const as = (cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }> =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, cmd), ...args], { cwd: dir })
      : run(path.join(PG_BIN, cmd), args, { cwd: dir });
  await as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  await as('pg_ctl', [
    '-D',
    data,
    '-l',
    path.join(dir, 'log'),
    '-w',
    '-t',
    '30',
    '-o',
    `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c full_page_writes=off`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
