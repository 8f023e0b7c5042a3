/** The command-line interface: `kansoku [server|agent] [flags]`. */
import {
  FlagError,
  SERVER_FLAGS,
  formatFlagHelp,
  parseArgv,
  serverFlagsFrom,
  type ParsedArgs,
} from '../config/index.js';
import { runServer } from './server.js';
import { buildInfo } from './version.js';

/** Commands and their one-line descriptions; the first is the default. */
const COMMANDS = [
  ['server', 'Run the monitoring server: storage, ingestion, queries and the HTTP API (default).'],
  ['agent', 'Run in agent mode: scrape and push out with remote write (not available yet).'],
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
  if (command === 'agent') {
    io.err('kansoku: error: agent mode is not available yet; run `kansoku server` instead\n');
    return 1;
  }
  let flags;
  try {
    flags = serverFlagsFrom(parsed);
  } catch (err) {
    return usageError(io, err);
  }
  return runServer(flags, info);
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
    formatFlagHelp(SERVER_FLAGS),
    '',
  ].join('\n');
}
