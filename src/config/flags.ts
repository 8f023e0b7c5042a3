/**
 * A small command-line parser with kingpin's conventions (the parser behind Prometheus' flags):
 * `--name=value` and `--name value`, booleans as `--name`, `--no-name` or `--name=true|false`,
 * `-h`/`--help`, `--version`, and positional arguments (the command). Each flag is declared as
 * data (`FlagSpec`) and its value is checked against its kind while parsing, so an error always
 * names the flag.
 */
import { parseBytes, parseDuration } from './duration.js';

/** How a flag's text is checked and converted. */
export type FlagKind = 'string' | 'bool' | 'duration' | 'bytes' | 'int' | 'enum';

/** The declaration of one flag. */
export interface FlagSpec {
  /** The long name without dashes, for example `web.listen-address`. */
  readonly name: string;
  readonly kind: FlagKind;
  /** One sentence shown by `--help`. */
  readonly help: string;
  /** The default as text (as it would be typed), or undefined for "unset". */
  readonly default?: string;
  /** Allowed values of an `enum` flag. */
  readonly choices?: readonly string[];
  /** Placeholder for the value in `--help`; defaults to the upper-cased name. */
  readonly placeholder?: string;
}

/** Thrown for unknown flags, missing values and values that do not fit the flag's kind. */
export class FlagError extends Error {
  override readonly name = 'FlagError';
  constructor(
    message: string,
    /** The flag at fault, with dashes (for example `--query.timeout`), or '' for positionals. */
    readonly flag: string,
  ) {
    super(message);
  }
}

/** The result of parsing an argument vector. */
export interface ParsedArgs {
  /** Raw, validated values of flags that were given explicitly (by name, without dashes). */
  readonly given: ReadonlyMap<string, string>;
  /** Arguments that are not flags, in order (the command and its arguments). */
  readonly positionals: readonly string[];
  /** Whether `-h`/`--help` was given. */
  readonly help: boolean;
  /** Whether `--version` was given. */
  readonly version: boolean;
}

/**
 * Parses `argv` (without the program name) against the flag declarations. Throws `FlagError`
 * for an unknown flag, a missing value or a value that does not fit the flag's kind.
 */
export function parseArgv(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const given = new Map<string, string>();
  const positionals: string[] = [];
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (arg === '--version') {
      version = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) throw new FlagError(`unknown short flag '${arg}', try --help`, arg);
    const eq = arg.indexOf('=');
    let name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    let spec = byName.get(name);
    if (!spec && name.startsWith('no-') && value === undefined) {
      const negated = byName.get(name.slice(3));
      if (negated?.kind === 'bool') {
        spec = negated;
        name = negated.name;
        value = 'false';
      }
    }
    if (!spec) throw new FlagError(`unknown long flag '--${name}', try --help`, `--${name}`);
    if (value === undefined) {
      if (spec.kind === 'bool') value = 'true';
      else {
        const next = argv[i + 1];
        if (next === undefined)
          throw new FlagError(`expected argument for flag '--${name}'`, `--${name}`);
        value = next;
        i++;
      }
    }
    checkValue(spec, value);
    given.set(name, value);
  }
  return { given, positionals, help, version };
}

/** Checks that `value` fits the flag's kind; throws `FlagError` naming the flag otherwise. */
export function checkValue(spec: FlagSpec, value: string): void {
  const bad = (why: string): FlagError =>
    new FlagError(
      `invalid value ${JSON.stringify(value)} for flag '--${spec.name}': ${why}`,
      `--${spec.name}`,
    );
  switch (spec.kind) {
    case 'string':
      return;
    case 'bool':
      if (value !== 'true' && value !== 'false') throw bad('expected true or false');
      return;
    case 'int':
      if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
        throw bad('expected an integer');
      return;
    case 'enum':
      if (!(spec.choices ?? []).includes(value)) {
        throw bad(`expected one of ${(spec.choices ?? []).join(', ')}`);
      }
      return;
    case 'duration':
      try {
        parseDuration(value);
      } catch (err) {
        throw bad(err instanceof Error ? err.message : String(err));
      }
      return;
    case 'bytes':
      try {
        parseBytes(value);
      } catch (err) {
        throw bad(err instanceof Error ? err.message : String(err));
      }
      return;
  }
}

/** The text value of a flag: the given one, else its default, else undefined. */
export function flagText(parsed: ParsedArgs, spec: FlagSpec): string | undefined {
  return parsed.given.get(spec.name) ?? spec.default;
}

/** Renders the flag list of `--help`, one flag per entry, with defaults. */
export function formatFlagHelp(specs: readonly FlagSpec[]): string {
  const rows: [string, string][] = [
    ['-h, --help', 'Show context-sensitive help.'],
    ['    --version', 'Show application version.'],
  ];
  for (const s of specs) {
    const left =
      s.kind === 'bool'
        ? `    --[no-]${s.name}`
        : `    --${s.name}=${s.placeholder ?? s.name.toUpperCase()}`;
    let help = s.help;
    if (s.kind === 'enum' && s.choices) help += ` One of: ${s.choices.join(', ')}.`;
    if (s.default !== undefined && s.default !== '') help += ` (default: ${s.default})`;
    rows.push([left, help]);
  }
  const width = Math.min(44, Math.max(...rows.map(([l]) => l.length)) + 2);
  return rows
    .map(([l, h]) =>
      l.length + 2 > width ? `  ${l}\n  ${' '.repeat(width)}${h}` : `  ${l.padEnd(width)}${h}`,
    )
    .join('\n');
}
