/**
 * Kansoku's ingest settings file (`--ingest.config.file`): relabeling rules applied to every
 * pushed series, whatever the protocol, in Prometheus' `relabel_config` syntax.
 */
import { readFileSync } from 'node:fs';
import type { RelabelRule } from '../../model/index.js';
import { readRelabelList } from './relabel.js';
import { ConfigError, ObjReader, parseYaml } from './yamlnode.js';

/** The ingest settings file. */
export interface IngestConfig {
  /** Applied in order to each pushed series before it is stored (like `write_relabel_configs`). */
  readonly relabelConfigs: readonly RelabelRule[];
}

/** Parses the ingest settings file; unknown keys and bad rules are errors with their line. */
export function parseIngestConfig(text: string): IngestConfig {
  const { root, ctx } = parseYaml(text);
  const o = new ObjReader(ctx, root, 'ingest.Config');
  const relabelConfigs = readRelabelList(ctx, o.list('relabel_configs'), 'relabeling rule');
  o.done();
  return { relabelConfigs };
}

/** Reads and parses an ingest settings file; errors name the file. */
export function loadIngestConfigFile(file: string): IngestConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read ingest config file ${file}: ${(e as Error).message}`);
  }
  try {
    return parseIngestConfig(text);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`parsing YAML file ${file}: ${e.message}`);
    throw e;
  }
}
