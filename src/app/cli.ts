/** The command-line interface: `kansoku [server|agent] [flags]`. */
import {
  AGENT_FLAGS,
  FlagError,
  SERVER_FLAGS,
  agentFlagsFrom,
  formatFlagHelp,
  parseArgv,
  serverFlagsFrom,
  type ParsedArgs,
} from '../config/index.js';
import { buildInfo } from './version.js';

// Each command loads only what it runs (dynamic imports below), so the agent does not carry the
// server's storage engine, query engine, UI and auth code in memory.

/** Commands and their one-line descriptions; the first is the default. */
const COMMANDS = [
  ['server', 'Run the monitoring server: storage, ingestion, queries and the HTTP API (default).'],
  ['agent', 'Run in agent mode: scrape and push out through a disk-backed remote-write queue.'],
  [
    'token',
    'Create an API token offline: `kansoku token create --scope <scope> --storage.tsdb.path <dir>`.',
  ],
  ['backup', 'Back up everything: `kansoku backup <dir|file.tar[.gz]> --url <server URL>`.'],
  ['restore', 'Restore a backup offline: `kansoku restore <backup> --storage.tsdb.path <dir>`.'],
  ['test', 'Run rule unit tests: `kansoku test rules <file>...` (promtool test rules files).'],
] as const;

/** Exit code for command-line usage errors (like kingpin). */
const EXIT_USAGE = 2;

/** Output streams (injectable for tests). */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

const stdio: CliIO = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/**
 * Runs the command line and resolves with the process exit code: 0 on success, 1 on a runtime
 * failure, 2 on a usage error (unknown flag or command, bad flag value).
 */
export async function main(argv: string[], io: CliIO = stdio): Promise<number> {
  // The command decides which flags exist; it is the first argument that is a command name.
  const first = argv.find((a) => !a.startsWith('-'));
  if (first === 'agent') return agentMain(argv, io);
  if (first === 'test') return testMain(argv.slice(argv.indexOf('test') + 1), io);
  if (first === 'token') return tokenMain(argv.slice(argv.indexOf('token') + 1), io);
  if (first === 'backup' || first === 'restore')
    return backupMain(first, argv.slice(argv.indexOf(first) + 1), io);
  let parsed: ParsedArgs;
  try {
    parsed = parseArgv(argv, SERVER_FLAGS);
  } catch (err) {
    return usageError(io, err);
  }
  const info = buildInfo();
  if (parsed.version) {
    io.out(`kansoku, version ${info.version} (node ${info.goVersion})\n`);
    return 0;
  }
  const [command = 'server', ...rest] = parsed.positionals;
  if (!COMMANDS.some(([name]) => name === command)) {
    return usageError(
      io,
      new FlagError(`expected command but got ${JSON.stringify(command)}, try --help`, ''),
    );
  }
  if (parsed.help) {
    io.out(helpText(command));
    return 0;
  }
  if (rest.length > 0) {
    return usageError(io, new FlagError(`unexpected ${JSON.stringify(rest[0])}, try --help`, ''));
  }
  let flags;
  try {
    flags = serverFlagsFrom(parsed);
  } catch (err) {
    return usageError(io, err);
  }
  const { runServer } = await import('./server.js');
  return runServer(flags, info);
}

async function agentMain(argv: string[], io: CliIO): Promise<number> {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgv(argv, AGENT_FLAGS);
  } catch (err) {
    return usageError(io, err);
  }
  if (parsed.help) {
    io.out(helpText('agent'));
    return 0;
  }
  const rest = parsed.positionals.filter((p) => p !== 'agent');
  if (rest.length > 0) {
    return usageError(io, new FlagError(`unexpected ${JSON.stringify(rest[0])}, try --help`, ''));
  }
  let flags;
  try {
    flags = agentFlagsFrom(parsed);
  } catch (err) {
    return usageError(io, err);
  }
  const { runAgent } = await import('./agent.js');
  return runAgent(flags, buildInfo());
}

/** `kansoku test rules <file>...`: promtool-compatible rule unit tests. */
async function testMain(args: string[], io: CliIO): Promise<number> {
  const [sub, ...files] = args;
  if (sub !== 'rules' || files.length === 0 || files.some((f) => f.startsWith('-'))) {
    io.err('usage: kansoku test rules <test-file>...\n');
    return EXIT_USAGE;
  }
  const [{ Engine }, { runRuleUnitTests }, { MemStorage }] = await Promise.all([
    import('../promql/index.js'),
    import('../rules/index.js'),
    import('../storage/index.js'),
  ]);
  const engine = new Engine();
  const r = await runRuleUnitTests(files, {
    engineQuery: (q, expr, t, o) => engine.instantQuery(q, expr, t, o),
    newStorage: () => new MemStorage(),
  });
  io.out(r.output);
  return r.ok ? 0 : 1;
}

/** `kansoku token create …`: makes an API token in the data directory and prints it. */
async function tokenMain(args: string[], io: CliIO): Promise<number> {
  const [
    { TOKEN_USAGE, TokenUsageError, createTokenOffline, parseTokenArgs },
    { parseMetricSelector },
  ] = await Promise.all([import('../auth/index.js'), import('../promql/parser/index.js')]);
  try {
    const a = parseTokenArgs(args);
    for (const m of a.matchers) parseMetricSelector(m.trim().startsWith('{') ? m : `{${m}}`);
    io.out(`${await createTokenOffline(a)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof TokenUsageError || (err instanceof Error && err.name === 'ParseError')) {
      io.err(`kansoku: error: ${err.message}\n${TOKEN_USAGE}`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

/** `kansoku backup …` and `kansoku restore …`: logs go to standard output. */
async function backupMain(
  command: 'backup' | 'restore',
  args: string[],
  io: CliIO,
): Promise<number> {
  const { BACKUP_USAGE, BackupUsageError, parseBackupArgs, runBackupCommand } =
    await import('./backup/commands.js');
  if (args.includes('--help') || args.includes('-h')) {
    io.out(BACKUP_USAGE);
    return 0;
  }
  try {
    return await runBackupCommand(parseBackupArgs(command, args), {
      write: (t: string) => {
        io.out(t);
      },
    });
  } catch (err) {
    if (!(err instanceof BackupUsageError)) throw err;
    io.err(`kansoku: error: ${err.message}\n${BACKUP_USAGE}`);
    return EXIT_USAGE;
  }
}

function usageError(io: CliIO, err: unknown): number {
  if (!(err instanceof FlagError)) throw err;
  io.err(`kansoku: error: ${err.message}\n`);
  return EXIT_USAGE;
}

/** The `--help` text for a command. */
export function helpText(command: string): string {
  const commands = COMMANDS.map(([n, d]) => `  ${n.padEnd(8)}${d}`).join('\n');
  return [
    `usage: kansoku [<flags>] [${COMMANDS.map(([n]) => n).join('|')}]`,
    '',
    'Kansoku: self-hosted, all-in-one monitoring (scraping, remote write, an embedded',
    'time-series database, PromQL and the Prometheus HTTP API).',
    '',
    `Commands:\n${commands}`,
    '',
    `Flags (${command}):`,
    formatFlagHelp(command === 'agent' ? AGENT_FLAGS : SERVER_FLAGS),
    '',
  ].join('\n');
}
