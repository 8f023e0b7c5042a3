/** Structured logging: one line per event, as logfmt text or JSON, to a writable stream. */

/** Severity of a log event, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Output encoding of log lines. */
export type LogFormat = 'logfmt' | 'json';

/** Key/value context attached to a log event. */
export type LogFields = Readonly<Record<string, unknown>>;

/** Where log lines go; `process.stderr` by default. */
export interface LogSink {
  write(line: string): unknown;
}

/** Options of `Logger`. */
export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  readonly sink: LogSink;
}

/** Returns the default logger options: info level, logfmt, standard error. */
export function defaultLoggerOptions(): LoggerOptions {
  return { level: 'info', format: 'logfmt', sink: process.stderr };
}

/** A structured logger. Child loggers add fixed fields (for example `component=tsdb`). */
export class Logger {
  private readonly min: number;

  constructor(
    private readonly opts: LoggerOptions = defaultLoggerOptions(),
    private readonly fields: LogFields = {},
  ) {
    this.min = LEVELS[opts.level];
  }

  /** A logger that discards everything (for tests). */
  static nop(): Logger {
    return new Logger({ level: 'error', format: 'logfmt', sink: { write: () => undefined } }, {});
  }

  /** Returns a logger that adds `fields` to every event. */
  child(fields: LogFields): Logger {
    return new Logger(this.opts, { ...this.fields, ...fields });
  }

  debug(msg: string, fields?: LogFields): void {
    this.log('debug', msg, fields);
  }

  info(msg: string, fields?: LogFields): void {
    this.log('info', msg, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    this.log('warn', msg, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.log('error', msg, fields);
  }

  /** Logs one event at the given level. */
  log(level: LogLevel, msg: string, fields?: LogFields): void {
    if (LEVELS[level] < this.min) return;
    const all: Record<string, unknown> = {
      ts: new Date().toISOString(),
      level,
      ...this.fields,
      msg,
      ...fields,
    };
    this.opts.sink.write(
      this.opts.format === 'json' ? JSON.stringify(all, jsonReplacer) + '\n' : logfmt(all) + '\n',
    );
  }
}

function jsonReplacer(_k: string, v: unknown): unknown {
  if (v instanceof Error) return v.message;
  if (typeof v === 'bigint') return v.toString();
  return v;
}

function logfmt(rec: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(rec)) {
    if (v === undefined) continue;
    let s: string;
    if (v instanceof Error) s = v.message;
    else if (typeof v === 'string') s = v;
    else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint')
      s = String(v);
    else s = JSON.stringify(v);
    parts.push(`${k}=${/[\s"=]/.test(s) || s === '' ? JSON.stringify(s) : s}`);
  }
  return parts.join(' ');
}
