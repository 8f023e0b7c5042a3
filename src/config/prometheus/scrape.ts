import { readHTTPClient } from './http.js';
import { readRelabelList } from './relabel.js';
import { readSDConfigs } from './sd.js';
import type { GlobalConfig, ScrapeConfig, ScrapeProtocol } from './types.js';
import { ConfigError, ObjReader } from './yamlnode.js';

/** Scrape protocols Prometheus knows, in its canonical spelling. */
export const SCRAPE_PROTOCOLS: readonly ScrapeProtocol[] = [
  'PrometheusProto',
  'OpenMetricsText0.0.1',
  'OpenMetricsText1.0.0',
  'PrometheusText0.0.4',
  'PrometheusText1.0.0',
];

/** Prometheus' default negotiation order when native histograms are off. */
export const DEFAULT_SCRAPE_PROTOCOLS: readonly ScrapeProtocol[] = [
  'OpenMetricsText1.0.0',
  'OpenMetricsText0.0.1',
  'PrometheusText1.0.0',
  'PrometheusText0.0.4',
];

const SUPPORTED = [...SCRAPE_PROTOCOLS].sort().join(' ');

const VALIDATION_SCHEMES = ['', 'utf8', 'legacy'];
const ESCAPING_SCHEMES = ['', 'allow-utf-8', 'underscores', 'dots', 'values'];

/** Reads a `scrape_protocols` list, rejecting unknown and duplicated names like Prometheus. */
export function readScrapeProtocols(
  o: ObjReader,
  def: readonly ScrapeProtocol[],
  jobName?: string,
): readonly ScrapeProtocol[] {
  const suffix =
    jobName === undefined ? '' : ` for scrape config with job name ${JSON.stringify(jobName)}`;
  if (!o.has('scrape_protocols')) return def;
  const list = o.strList('scrape_protocols');
  const seen = new Set<string>();
  for (const p of list) {
    if (!(SCRAPE_PROTOCOLS as readonly string[]).includes(p)) {
      throw new ConfigError(
        `scrape_protocols: unknown scrape protocol ${p}, supported: [${SUPPORTED}]${suffix}`,
        o.lineOf('scrape_protocols'),
      );
    }
    if (seen.has(p)) {
      throw new ConfigError(
        `duplicated protocol in scrape_protocols, got [${list.join(' ')}]${suffix}`,
        o.lineOf('scrape_protocols'),
      );
    }
    seen.add(p);
  }
  return list as ScrapeProtocol[];
}

/** Checks the metric-name validation and escaping schemes of a section. */
export function readNameSchemes(o: ObjReader, inherited: string): string {
  const validation = o.str('metric_name_validation_scheme');
  const escaping = o.str('metric_name_escaping_scheme');
  if (!VALIDATION_SCHEMES.includes(validation)) {
    throw new ConfigError(
      `unrecognized ValidationScheme: ${JSON.stringify(validation)}`,
      o.lineOf('metric_name_validation_scheme'),
    );
  }
  if (!ESCAPING_SCHEMES.includes(escaping)) {
    throw new ConfigError(
      `unrecognized metric_name_escaping_scheme: ${JSON.stringify(escaping)}`,
      o.lineOf('metric_name_escaping_scheme'),
    );
  }
  const effective = validation === '' ? inherited : validation;
  if (effective === 'legacy' && escaping === 'allow-utf-8') {
    throw new ConfigError(
      'utf8 metric names requested but validation scheme is not set to UTF8',
      o.lineOf('metric_name_escaping_scheme'),
    );
  }
  return effective;
}

/**
 * Reads one scrape config with the global defaults applied and validates it like Prometheus
 * (SD sections first, as Prometheus decodes them before checking the job).
 */
export function readScrapeConfig(
  o: ObjReader,
  g: GlobalConfig,
  globalValidation: string,
): ScrapeConfig {
  const sd = readSDConfigs(o, 'scrape_configs');
  const jobName = o.str('job_name');
  const scrapeIntervalMs = o.duration('scrape_interval', g.scrapeIntervalMs);
  const timeoutSet = o.has('scrape_timeout');
  let scrapeTimeoutMs = o.duration('scrape_timeout', g.scrapeTimeoutMs);
  const scrapeProtocols = readScrapeProtocols(o, g.scrapeProtocols, jobName);
  const fallbackNode = o.raw('fallback_scrape_protocol');
  let fallbackScrapeProtocol: ScrapeProtocol | '' = '';
  if (fallbackNode !== undefined && fallbackNode !== null) {
    const fb = o.str('fallback_scrape_protocol');
    if (fb !== '' && !(SCRAPE_PROTOCOLS as readonly string[]).includes(fb)) {
      throw new ConfigError(
        `invalid fallback_scrape_protocol for scrape config with job name ${JSON.stringify(jobName)}: unknown scrape protocol ${fb}, supported: [${SUPPORTED}]`,
        o.lineOf('fallback_scrape_protocol'),
      );
    }
    fallbackScrapeProtocol = fb as ScrapeProtocol | '';
  }
  const metricsPath = o.str('metrics_path', '/metrics');
  const scheme = o.str('scheme', 'http');
  const params: Record<string, string[]> = {};
  const pn = o.obj('params', 'url.Values');
  if (pn) for (const k of pn.keys()) params[k] = pn.strList(k);
  pn?.done();
  const cfg: ScrapeConfig = {
    jobName,
    honorLabels: o.bool('honor_labels', false),
    honorTimestamps: o.bool('honor_timestamps', true),
    trackTimestampsStaleness: o.bool('track_timestamps_staleness', false),
    params,
    scrapeIntervalMs,
    scrapeTimeoutMs,
    scrapeProtocols,
    fallbackScrapeProtocol,
    metricsPath,
    scheme: scheme === 'https' ? 'https' : 'http',
    enableCompression: o.bool('enable_compression', true),
    bodySizeLimitBytes: o.bytes('body_size_limit', g.bodySizeLimitBytes),
    sampleLimit: o.int('sample_limit', g.sampleLimit),
    targetLimit: o.int('target_limit', g.targetLimit),
    labelLimit: o.int('label_limit', g.labelLimit),
    labelNameLengthLimit: o.int('label_name_length_limit', g.labelNameLengthLimit),
    labelValueLengthLimit: o.int('label_value_length_limit', g.labelValueLengthLimit),
    keepDroppedTargets: o.int('keep_dropped_targets', g.keepDroppedTargets),
    http: readHTTPClient(o),
    sd,
    relabelConfigs: readRelabelList(o.ctx, o.list('relabel_configs'), 'target relabeling rule'),
    metricRelabelConfigs: readRelabelList(
      o.ctx,
      o.list('metric_relabel_configs'),
      'metric relabeling rule',
    ),
  };
  readNameSchemes(o, globalValidation);
  o.ignore('scrape_failure_log_file', 'extra_scrape_metrics', 'always_scrape_classic_histograms');
  o.unsupported(
    `scrape_configs[${jobName}]`,
    'scrape_native_histograms',
    'native_histogram_bucket_limit',
    'native_histogram_min_bucket_factor',
    'convert_classic_histograms_to_nhcb',
  );
  o.done();
  if (jobName === '') throw new ConfigError('job_name is empty', o.lineOf('job_name'));
  if (scheme !== 'http' && scheme !== 'https') {
    throw new ConfigError(
      `invalid scheme ${JSON.stringify(scheme)} for scrape config with job name ${JSON.stringify(jobName)}`,
      o.lineOf('scheme'),
    );
  }
  if (!timeoutSet) scrapeTimeoutMs = Math.min(g.scrapeTimeoutMs, scrapeIntervalMs);
  if (scrapeTimeoutMs > scrapeIntervalMs) {
    throw new ConfigError(
      `scrape timeout greater than scrape interval for scrape config with job name ${JSON.stringify(jobName)}`,
      o.lineOf('scrape_timeout'),
    );
  }
  return { ...cfg, scrapeTimeoutMs };
}
