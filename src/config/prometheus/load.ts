import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { readAlerting, readGlobal, readOTLP, readStorage, readTracing } from './sections.js';
import { readRemoteReads, readRemoteWrites } from './remote.js';
import { readScrapeConfig } from './scrape.js';
import type { GlobalConfig, PrometheusConfig, ScrapeConfig } from './types.js';
import { ConfigError, ObjReader, isNull, lineOf, parseYaml } from './yamlnode.js';

/** Options of `parsePrometheusConfig`. */
export interface ParseOptions {
  /** The file the text came from; relative paths in it resolve against its directory. */
  readonly file?: string;
  /** Agent mode forbids `alerting`, `rule_files` and `remote_read`, as Prometheus does. */
  readonly agentMode?: boolean;
}

/** Pattern a rule file or scrape config file path must match (globs only in the last element). */
const GLOB_PATH = /^[^*]*(\*[^/]*)?$/;

/**
 * Parses and validates a `prometheus.yml`. Throws `ConfigError` with the first problem (line
 * numbers included); settings Kansoku reads but does not act on are listed in `unsupported`.
 */
export function parsePrometheusConfig(text: string, opts: ParseOptions = {}): PrometheusConfig {
  const { root, ctx } = parseYaml(text);
  const o = new ObjReader(ctx, root, 'config.plain');
  const { global, validation } = readGlobal(ctx, o.raw('global'));
  o.ignore('runtime');
  const ruleFiles = o.strList('rule_files');
  for (const rf of ruleFiles) {
    if (!GLOB_PATH.test(rf))
      throw new ConfigError(`invalid rule file path ${JSON.stringify(rf)}`, o.lineOf('rule_files'));
  }
  const scrapeConfigFiles = o.strList('scrape_config_files');
  for (const f of scrapeConfigFiles) {
    if (!GLOB_PATH.test(f)) {
      throw new ConfigError(
        `invalid scrape config file path ${JSON.stringify(f)}`,
        o.lineOf('scrape_config_files'),
      );
    }
  }
  const scrapeConfigs = o.list('scrape_configs').map((n) => {
    if (isNull(n)) throw new ConfigError('empty or null scrape config section', lineOf(ctx, n));
    return readScrapeConfig(new ObjReader(ctx, n, 'config.plain'), global, validation);
  });
  const storage = readStorage(ctx, o.raw('storage'));
  const tracingNode = o.raw('tracing');
  if (!isNull(tracingNode)) readTracing(ctx, tracingNode);
  const alertingNode = o.raw('alerting');
  const alerting = readAlerting(ctx, alertingNode);
  const remoteWrite = readRemoteWrites(ctx, o.list('remote_write'));
  const remoteRead = readRemoteReads(ctx, o.list('remote_read'));
  const otlpNode = o.raw('otlp');
  if (!isNull(otlpNode)) readOTLP(ctx, otlpNode, validation);
  o.done();
  if (opts.agentMode === true) {
    if (!isNull(alertingNode)) throw new ConfigError('field alerting is not allowed in agent mode');
    if (ruleFiles.length > 0)
      throw new ConfigError('field rule_files is not allowed in agent mode');
    if (remoteRead.length > 0)
      throw new ConfigError('field remote_read is not allowed in agent mode');
  }
  const dir = opts.file === undefined ? process.cwd() : path.dirname(opts.file);
  const all = [
    ...scrapeConfigs,
    ...loadScrapeConfigFiles(dir, scrapeConfigFiles, global, validation),
  ];
  const jobs = new Set<string>();
  for (const sc of all) {
    if (jobs.has(sc.jobName)) {
      throw new ConfigError(
        `found multiple scrape configs with job name ${JSON.stringify(sc.jobName)}`,
      );
    }
    jobs.add(sc.jobName);
  }
  return {
    global,
    ruleFiles: ruleFiles.map((f) => path.resolve(dir, f)),
    scrapeConfigFiles,
    scrapeConfigs: all,
    alerting,
    remoteWrite,
    remoteRead,
    storage,
    unsupported: ctx.unsupported,
    file: opts.file ?? '',
  };
}

/** Reads and validates a `prometheus.yml` file. */
export function loadPrometheusConfigFile(
  file: string,
  opts: Omit<ParseOptions, 'file'> = {},
): PrometheusConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file ${file}: ${(e as Error).message}`);
  }
  try {
    return parsePrometheusConfig(text, { ...opts, file });
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`parsing YAML file ${file}: ${e.message}`);
    throw e;
  }
}

function loadScrapeConfigFiles(
  dir: string,
  patterns: readonly string[],
  global: GlobalConfig,
  validation: string,
): ScrapeConfig[] {
  const out: ScrapeConfig[] = [];
  for (const pattern of patterns) {
    for (const file of expandGlob(path.resolve(dir, pattern))) {
      try {
        const { root, ctx } = parseYaml(readFileSync(file, 'utf8'));
        const o = new ObjReader(ctx, root, 'config.ScrapeConfigs');
        for (const n of o.list('scrape_configs')) {
          if (isNull(n))
            throw new ConfigError('empty or null scrape config section', lineOf(ctx, n));
          out.push(readScrapeConfig(new ObjReader(ctx, n, 'config.plain'), global, validation));
        }
        o.done();
      } catch (e) {
        if (e instanceof ConfigError)
          throw new ConfigError(`parsing YAML file ${file}: ${e.message}`);
        throw e;
      }
    }
  }
  return out;
}

/** Expands a path whose last element may hold `*` wildcards; sorted like Go's filepath.Glob. */
export function expandGlob(pattern: string): string[] {
  const base = path.basename(pattern);
  if (!base.includes('*')) {
    try {
      return statSync(pattern).isFile() ? [pattern] : [];
    } catch {
      return [];
    }
  }
  const dir = path.dirname(pattern);
  const re = new RegExp(
    `^${base
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]*')}$`,
  );
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => re.test(n))
    .sort()
    .map((n) => path.join(dir, n));
}
