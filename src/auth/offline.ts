/**
 * `kansoku token create`: makes an API token directly in the data directory's metadata store,
 * without a running server (for automation: provisioning scripts, containers). A server running
 * on the same directory finds the token on first use.
 */
import path from 'node:path';
import { parseDuration } from '../config/index.js';
import { FileMetaStore } from '../meta/index.js';
import { Tokens } from './tokens.js';
import { isScope, type Scope } from './types.js';

/** Usage text of `kansoku token`. */
export const TOKEN_USAGE = [
  'usage: kansoku token create --scope <read|write|admin>[,<scope>…] [--name <name>]',
  '                            [--expires <duration>] [--matcher <selector>]…',
  '                            [--storage.tsdb.path <dir>]',
  '',
  'Creates an API token in the data directory and prints it (shown only this once).',
  '--matcher limits what the token reads to series matching the selector, e.g. {team="web"}.',
  '',
].join('\n');

/** Parsed arguments of `kansoku token create`. */
export interface TokenCreateArgs {
  readonly scopes: readonly Scope[];
  readonly name: string;
  /** Lifetime in ms; 0 for no expiry. */
  readonly expiresInMs: number;
  readonly matchers: readonly string[];
  readonly dataDir: string;
}

/** Thrown for a bad command line (exit code 2). */
export class TokenUsageError extends Error {
  override readonly name = 'TokenUsageError';
}

/** Parses `create --scope … [--name …] [--expires …] [--matcher …] [--storage.tsdb.path …]`. */
export function parseTokenArgs(args: readonly string[]): TokenCreateArgs {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new TokenUsageError('expected "kansoku token create"');
  const values = new Map<string, string[]>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] ?? '';
    const m = /^--([a-z.-]+)(?:=(.*))?$/s.exec(a);
    if (!m) throw new TokenUsageError(`unexpected argument ${JSON.stringify(a)}`);
    const name = m[1] ?? '';
    if (!['scope', 'name', 'expires', 'matcher', 'storage.tsdb.path'].includes(name))
      throw new TokenUsageError(`unknown flag --${name}`);
    let v = m[2];
    if (v === undefined) {
      v = rest[++i];
      if (v === undefined) throw new TokenUsageError(`flag --${name} needs a value`);
    }
    values.set(name, [...(values.get(name) ?? []), v]);
  }
  const one = (n: string): string | undefined => values.get(n)?.at(-1);
  const scopeText = one('scope');
  if (scopeText === undefined) throw new TokenUsageError('flag --scope is required');
  const scopes = [...new Set(scopeText.split(',').map((s) => s.trim()))];
  if (scopes.length === 0 || !scopes.every(isScope))
    throw new TokenUsageError(
      `invalid --scope ${JSON.stringify(scopeText)}: use read, write or admin`,
    );
  let expiresInMs = 0;
  const exp = one('expires');
  if (exp !== undefined && exp !== '0') {
    try {
      expiresInMs = parseDuration(exp);
    } catch {
      throw new TokenUsageError(
        `invalid --expires ${JSON.stringify(exp)}: expected a duration like 90d`,
      );
    }
  }
  const name = one('name') ?? 'cli';
  if (name.length > 100) throw new TokenUsageError('--name must be at most 100 characters');
  return {
    scopes: scopes,
    name,
    expiresInMs,
    matchers: values.get('matcher') ?? [],
    dataDir: one('storage.tsdb.path') ?? './data',
  };
}

/** Creates the token in `<dataDir>/meta` and returns its text. */
export async function createTokenOffline(a: TokenCreateArgs, now = Date.now()): Promise<string> {
  const store = new FileMetaStore(path.join(a.dataDir, 'meta'));
  try {
    const tokens = new Tokens(store, () => now, undefined);
    const r = await tokens.create({
      name: a.name,
      user: '',
      scopes: a.scopes,
      matchers: a.matchers,
      expiresAt: a.expiresInMs === 0 ? 0 : now + a.expiresInMs,
    });
    return r.token;
  } finally {
    await store.close();
  }
}
