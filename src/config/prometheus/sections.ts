import { readHTTPClient } from './http.js';
import { readRelabelList } from './relabel.js';
import { readLabelPairs, readSDConfigs } from './sd.js';
import { DEFAULT_SCRAPE_PROTOCOLS, readNameSchemes, readScrapeProtocols } from './scrape.js';
import type { AlertmanagerConfig, GlobalConfig, PrometheusConfig } from './types.js';
import { ConfigError, ObjReader, isNull, lineOf, type ReadContext } from './yamlnode.js';

const DEFAULT_SCRAPE_INTERVAL = 60_000;
const DEFAULT_SCRAPE_TIMEOUT = 10_000;
const DEFAULT_EVALUATION_INTERVAL = 60_000;

/** Reads `global` with Prometheus' defaults. Returns the config and its name validation scheme. */
export function readGlobal(
  ctx: ReadContext,
  node: unknown,
): { global: GlobalConfig; validation: string } {
  const o = new ObjReader(ctx, node, 'config.plain');
  const scrapeIntervalMs = o.duration('scrape_interval', DEFAULT_SCRAPE_INTERVAL);
  const timeoutSet = o.has('scrape_timeout') && !isNull(o.raw('scrape_timeout'));
  let scrapeTimeoutMs = o.duration('scrape_timeout', DEFAULT_SCRAPE_TIMEOUT);
  if (!timeoutSet) scrapeTimeoutMs = Math.min(DEFAULT_SCRAPE_TIMEOUT, scrapeIntervalMs);
  const global: GlobalConfig = {
    scrapeIntervalMs,
    scrapeTimeoutMs,
    evaluationIntervalMs: o.duration('evaluation_interval', DEFAULT_EVALUATION_INTERVAL),
    ruleQueryOffsetMs: o.duration('rule_query_offset', 0),
    externalLabels: readLabelPairs(ctx, o.strMap('external_labels')),
    queryLogFile: o.str('query_log_file'),
    scrapeFailureLogFile: o.str('scrape_failure_log_file'),
    bodySizeLimitBytes: o.bytes('body_size_limit', 0),
    sampleLimit: o.int('sample_limit', 0),
    targetLimit: o.int('target_limit', 0),
    labelLimit: o.int('label_limit', 0),
    labelNameLengthLimit: o.int('label_name_length_limit', 0),
    labelValueLengthLimit: o.int('label_value_length_limit', 0),
    keepDroppedTargets: o.int('keep_dropped_targets', 0),
    scrapeProtocols: readScrapeProtocols(o, DEFAULT_SCRAPE_PROTOCOLS),
  };
  const validation = readNameSchemes(o, 'utf8');
  o.ignore('extra_scrape_metrics', 'always_scrape_classic_histograms');
  o.unsupported('global', 'scrape_native_histograms', 'convert_classic_histograms_to_nhcb');
  o.done();
  if (scrapeTimeoutMs > scrapeIntervalMs) {
    throw new ConfigError('global scrape timeout greater than scrape interval', lineOf(ctx, node));
  }
  return { global, validation };
}

/** Reads `alerting`. */
export function readAlerting(ctx: ReadContext, node: unknown): PrometheusConfig['alerting'] {
  const o = new ObjReader(ctx, node, 'config.plain');
  const alertRelabelConfigs = readRelabelList(
    ctx,
    o.list('alert_relabel_configs'),
    'alert relabeling rule',
  );
  const alertmanagers = o.list('alertmanagers').map((n): AlertmanagerConfig => {
    if (isNull(n))
      throw new ConfigError('empty or null alertmanager config section', lineOf(ctx, n));
    const a = new ObjReader(ctx, n, 'config.plain');
    const sd = readSDConfigs(a, 'alerting.alertmanagers');
    const apiVersion = a.str('api_version', 'v2');
    const scheme = a.str('scheme', 'http');
    const cfg: AlertmanagerConfig = {
      scheme: scheme === 'https' ? 'https' : 'http',
      pathPrefix: a.str('path_prefix', '/'),
      timeoutMs: a.duration('timeout', 10_000),
      apiVersion: 'v2',
      http: readHTTPClient(a),
      sd,
      relabelConfigs: readRelabelList(
        ctx,
        a.list('relabel_configs'),
        'Alertmanager target relabeling rule',
      ),
      alertRelabelConfigs: readRelabelList(
        ctx,
        a.list('alert_relabel_configs'),
        'Alertmanager alert relabeling rule',
      ),
    };
    a.unsupported('alerting.alertmanagers', 'sigv4');
    a.done();
    if (apiVersion !== 'v2') {
      throw new ConfigError(
        `expected Alertmanager api version to be one of [v2] but got ${apiVersion}`,
        a.lineOf('api_version'),
      );
    }
    return cfg;
  });
  o.done();
  return { alertRelabelConfigs, alertmanagers };
}

/** Reads `storage` (TSDB and exemplar settings). */
export function readStorage(ctx: ReadContext, node: unknown): PrometheusConfig['storage'] {
  const o = new ObjReader(ctx, node, 'config.plain');
  let outOfOrderTimeWindowMs = 0;
  const t = o.obj('tsdb', 'config.plain');
  if (t) {
    outOfOrderTimeWindowMs = t.duration('out_of_order_time_window', 0);
    const r = t.obj('retention', 'config.plain');
    if (r) {
      const timeNode = r.raw('time');
      if (!isNull(timeNode)) {
        const s = r.str('time');
        if (s.startsWith('-'))
          throw new ConfigError(
            `not a valid duration string: ${JSON.stringify(s)}`,
            r.lineOf('time'),
          );
        r.duration('time', 0);
      }
      const sizeNode = r.raw('size');
      if (!isNull(sizeNode)) {
        const s = r.str('size');
        if (s.startsWith('-')) {
          throw new ConfigError(
            "'storage.tsdb.retention.size' must be greater than or equal to 0",
            r.lineOf('size'),
          );
        }
        r.bytes('size', 0);
      }
      const pct = r.float('percentage', 0);
      if (pct < 0 || pct > 100) {
        throw new ConfigError(
          "'storage.tsdb.retention.percentage' must be in the range [0, 100]",
          r.lineOf('percentage'),
        );
      }
      r.done();
    }
    const ce = t.obj('chunk_encoding', 'config.plain');
    if (ce) {
      const floats = ce.str('floats');
      if (floats !== '' && floats !== 'xor' && floats !== 'xor2') {
        throw new ConfigError(
          `'storage.tsdb.chunk_encoding.floats' must be 'xor' or 'xor2', or the field must be omitted entirely, got ${JSON.stringify(floats)}`,
          ce.lineOf('floats'),
        );
      }
      ce.done();
    }
    t.unsupported('storage.tsdb', 'stale_series_compaction_threshold');
    t.done();
  }
  o.unsupported('storage', 'exemplars');
  o.done();
  return { outOfOrderTimeWindowMs };
}

const OTLP_STRATEGIES = [
  'UnderscoreEscapingWithSuffixes',
  'UnderscoreEscapingWithoutSuffixes',
  'NoUTF8EscapingWithSuffixes',
  'NoTranslation',
];

/** Reads `otlp` (translation options of the OTLP receiver). */
export function readOTLP(ctx: ReadContext, node: unknown, validation: string): void {
  const o = new ObjReader(ctx, node, 'config.plain');
  const strategy = o.str('translation_strategy');
  if (strategy !== '' && !OTLP_STRATEGIES.includes(strategy)) {
    throw new ConfigError(
      `unsupported OTLP translation strategy ${JSON.stringify(strategy)}`,
      o.lineOf('translation_strategy'),
    );
  }
  if (
    validation === 'legacy' &&
    (strategy === 'NoUTF8EscapingWithSuffixes' || strategy === 'NoTranslation')
  ) {
    throw new ConfigError(
      `OTLP translation strategy ${JSON.stringify(strategy)} is not allowed when UTF8 is disabled`,
      o.lineOf('translation_strategy'),
    );
  }
  const promoteAll = o.bool('promote_all_resource_attributes', false);
  const promote = o.strList('promote_resource_attributes');
  const ignore = o.strList('ignore_resource_attributes');
  o.ignore(
    'keep_identifying_resource_attributes',
    'convert_histograms_to_nhcb',
    'promote_scope_metadata',
    'label_name_underscore_sanitization',
    'label_name_preserve_multiple_underscores',
  );
  o.done();
  if (promoteAll && promote.length > 0) {
    throw new ConfigError(
      "'promote_all_resource_attributes' and 'promote_resource_attributes' cannot be configured simultaneously",
      lineOf(ctx, node),
    );
  }
  if (ignore.length > 0 && !promoteAll) {
    throw new ConfigError(
      "'ignore_resource_attributes' cannot be configured unless 'promote_all_resource_attributes' is true",
      lineOf(ctx, node),
    );
  }
  checkAttrList(ctx, node, promote, 'promote_resource_attributes');
  checkAttrList(ctx, node, ignore, 'ignore_resource_attributes');
}

function checkAttrList(ctx: ReadContext, node: unknown, list: string[], what: string): void {
  const seen = new Set<string>();
  for (const raw of list) {
    const a = raw.trim();
    if (a === '' || seen.has(a)) {
      throw new ConfigError(
        `invalid '${what}': ${a === '' ? 'empty attribute name' : `duplicated attribute ${JSON.stringify(a)}`}`,
        lineOf(ctx, node),
      );
    }
    seen.add(a);
  }
}

/** Reads `tracing`; Kansoku validates it but does not export traces. */
export function readTracing(ctx: ReadContext, node: unknown): void {
  const o = new ObjReader(ctx, node, 'config.plain');
  const endpoint = o.str('endpoint');
  const compression = o.str('compression');
  const headers = o.strMap('headers');
  o.ignore('client_type', 'sampling_fraction', 'insecure', 'timeout', 'tls_config');
  o.done();
  ctx.unsupported.push('tracing');
  if (endpoint === '') throw new ConfigError('tracing endpoint must be set', lineOf(ctx, node));
  for (const [h] of headers) {
    const l = h.toLowerCase();
    if (l === 'authorization')
      throw new ConfigError(
        'authorization header configuration is not yet supported',
        lineOf(ctx, node),
      );
    if (
      [
        'content-encoding',
        'content-type',
        'x-prometheus-remote-write-version',
        'user-agent',
      ].includes(l)
    ) {
      throw new ConfigError(`${l} is a reserved header. It must not be changed`, lineOf(ctx, node));
    }
  }
  if (compression !== '' && compression !== 'gzip') {
    throw new ConfigError(
      `invalid compression type ${compression} provided, valid options: gzip`,
      lineOf(ctx, node),
    );
  }
}
