/** What every host collector receives, and the small file helpers they share. */
import { readFile } from 'node:fs';
import { readFile as readFileAsync } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../util/index.js';
import type { MetricFamily } from './family.js';
import type { HostMetricsOptions } from './options.js';

/**
 * Per-collector state that survives between scrapes of one `HostCollector` (for example the
 * previous CPU counters, to keep them from going backwards). Owned by a single collector instance;
 * not shared between concurrent scrapes of different instances.
 */
export interface HostCollectorState {
  /** Previous per-CPU counters, keyed by "cpu/mode". */
  readonly cpuPrevious: Map<string, number>;
  /** The kernel page size in bytes, read once; null until known. */
  pageSize: number | null;
}

/** Returns fresh collector state. */
export function newCollectorState(): HostCollectorState {
  return { cpuPrevious: new Map(), pageSize: null };
}

/** The inputs of one collector run. */
export interface CollectContext {
  readonly opts: HostMetricsOptions;
  readonly state: HostCollectorState;
  /** For problems a collector survives (a bad textfile). */
  readonly logger: Logger;
}

/** A collector: reads the host and returns metric families. Throws on failure. */
export type CollectorFn = (ctx: CollectContext) => Promise<MetricFamily[]>;

/**
 * Thrown by a collector when the host does not provide its data at all (for example no
 * `/sys/class/hwmon`); reported as `node_scrape_collector_success 0`, like node_exporter.
 */
export class NoDataError extends Error {
  constructor(what: string) {
    super(`cannot collect ${what}: not available on this host`);
    this.name = 'NoDataError';
  }
}

/** A path below the configured procfs root. */
export function procPath(ctx: CollectContext, ...parts: string[]): string {
  return path.join(ctx.opts.procfs, ...parts);
}

/** A path below the configured sysfs root. */
export function sysPath(ctx: CollectContext, ...parts: string[]): string {
  return path.join(ctx.opts.sysfs, ...parts);
}

/**
 * Reads a whole text file. Uses the callback `readFile`, which reads a small file in fewer
 * thread-pool round trips than the `fs/promises` one (open, fstat, read, close each cost one
 * there); the collectors read some hundred small files per scrape.
 */
export function readText(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    readFile(file, 'latin1', (err, data) => {
      if (err) reject(err);
      else resolve(data);
    });
  });
}

/** Reads a text file, or returns null when it does not exist or cannot be read. */
export function readOptional(file: string): Promise<string | null> {
  return new Promise((resolve) => {
    readFile(file, 'latin1', (err, data) => {
      resolve(err ? null : data);
    });
  });
}

/** Whether an error is a missing-file error. */
export function isNotFound(err: unknown): boolean {
  return err instanceof Error && 'code' in err && (err as { code?: unknown }).code === 'ENOENT';
}

/** Parses a number the way node_exporter does for /proc fields; throws on garbage. */
export function parseNum(s: string | undefined, what: string): number {
  const v = s === undefined || s === '' ? NaN : Number(s);
  if (Number.isNaN(v)) throw new Error(`cannot parse ${what}: invalid number ${JSON.stringify(s)}`);
  return v;
}

/** Whether an error is a permission error (EACCES or EPERM). */
export function isPermission(err: unknown): boolean {
  if (!(err instanceof Error) || !('code' in err)) return false;
  const code = (err as { code?: unknown }).code;
  return code === 'EACCES' || code === 'EPERM';
}

/**
 * Parses an unsigned decimal integer as sysfs and procfs files hold them (surrounding whitespace
 * trimmed); throws on anything else, as node_exporter's readers do.
 */
export function parseUint(s: string, what: string): number {
  const t = s.trim();
  if (!/^\d+$/.test(t))
    throw new Error(`cannot parse ${what}: invalid number ${JSON.stringify(t)}`);
  return Number(t);
}

/** Decodes UTF-8, replacing invalid bytes with U+FFFD. */
const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Reads a sysfs attribute the way node_exporter's sysfs reader does: at most the first 128 bytes,
 * surrounding whitespace trimmed, decoded as UTF-8 (invalid bytes become U+FFFD).
 */
export async function readSysAttr(file: string): Promise<string> {
  const buf = await readFileAsync(file);
  return utf8.decode(buf.subarray(0, 128)).trim();
}

/** The errno code of an error, or '' when it has none. */
export function errCode(err: unknown): string {
  if (!(err instanceof Error) || !('code' in err)) return '';
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : '';
}
