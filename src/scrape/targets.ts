import { Labels, LabelsBuilder, relabel } from '../model/index.js';
import type { ScrapeConfig, TargetGroup } from '../config/index.js';

/** A scrape target after relabeling, ready to be scraped. */
export interface Target {
  /** Final target labels (no `__`-prefixed labels), attached to every scraped series. */
  readonly labels: Labels;
  /** Labels before relabeling, as discovered (shown on the targets page). */
  readonly discoveredLabels: Labels;
  /** The URL to scrape. */
  readonly url: string;
  /** A stable identity: the hash of the final labels plus the URL. */
  readonly key: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** A discovered target that relabeling dropped (kept for the targets page). */
export interface DroppedTarget {
  readonly discoveredLabels: Labels;
}

const SCRAPE_INTERVAL_LABEL = '__scrape_interval__';
const SCRAPE_TIMEOUT_LABEL = '__scrape_timeout__';

/**
 * Turns one discovered address into a target the way Prometheus does: group labels, then the
 * job's defaults (`job`, `__scheme__`, `__metrics_path__`, `__scrape_interval__`,
 * `__scrape_timeout__`, `__param_*`) where not set, then `relabel_configs`, then `instance`
 * defaulting to `__address__`, and finally every `__`-prefixed label removed.
 */
export function buildTarget(
  cfg: ScrapeConfig,
  group: TargetGroup,
  address: string,
): { target: Target } | { dropped: DroppedTarget } | { error: string } {
  const b = new LabelsBuilder(group.labels);
  b.set('__address__', address);
  const setDefault = (name: string, value: string): void => {
    if (b.get(name) === '') b.set(name, value);
  };
  setDefault('job', cfg.jobName);
  setDefault(SCRAPE_INTERVAL_LABEL, formatMs(cfg.scrapeIntervalMs));
  setDefault(SCRAPE_TIMEOUT_LABEL, formatMs(cfg.scrapeTimeoutMs));
  setDefault('__metrics_path__', cfg.metricsPath);
  setDefault('__scheme__', cfg.scheme);
  for (const [name, values] of Object.entries(cfg.params)) {
    if (values.length > 0) setDefault(`__param_${name}`, values[0]!);
  }
  const discovered = b.labels();
  const rel = relabel(discovered, cfg.relabelConfigs);
  if (rel === undefined) return { dropped: { discoveredLabels: discovered } };
  const addr = rel.get('__address__');
  if (addr === '') return { dropped: { discoveredLabels: discovered } };
  if (addr.includes('/')) return { error: `${JSON.stringify(addr)} is not a valid hostname` };
  const interval = parseMs(rel.get(SCRAPE_INTERVAL_LABEL));
  const timeout = parseMs(rel.get(SCRAPE_TIMEOUT_LABEL));
  if (interval === undefined)
    return { error: `invalid ${SCRAPE_INTERVAL_LABEL} ${rel.get(SCRAPE_INTERVAL_LABEL)}` };
  if (timeout === undefined)
    return { error: `invalid ${SCRAPE_TIMEOUT_LABEL} ${rel.get(SCRAPE_TIMEOUT_LABEL)}` };
  if (timeout > interval) {
    return {
      error: `scrape timeout cannot be greater than scrape interval (${formatMs(timeout)} > ${formatMs(interval)})`,
    };
  }
  const url = targetURL(rel, cfg);
  const out = new LabelsBuilder(rel);
  if (out.get('instance') === '') out.set('instance', addr);
  for (const n of rel.flat.filter((_, i) => i % 2 === 0)) if (n.startsWith('__')) out.del(n);
  const labels = out.labels();
  return {
    target: {
      labels,
      discoveredLabels: discovered,
      url,
      key: `${labels.hash()}:${url}`,
      intervalMs: interval,
      timeoutMs: timeout,
    },
  };
}

function targetURL(l: Labels, cfg: ScrapeConfig): string {
  const scheme = l.get('__scheme__') || 'http';
  let path = l.get('__metrics_path__') || '/';
  if (!path.startsWith('/')) path = `/${path}`;
  const params = new URLSearchParams();
  for (const [name, values] of Object.entries(cfg.params)) {
    const override = l.get(`__param_${name}`);
    if (override !== '') {
      params.append(name, override);
      for (const v of values.slice(1)) params.append(name, v);
    } else for (const v of values) params.append(name, v);
  }
  l.forEach((n, v) => {
    if (n.startsWith('__param_') && !(n.slice(8) in cfg.params)) params.append(n.slice(8), v);
  });
  const q = params.toString();
  return `${scheme}://${l.get('__address__')}${path}${q === '' ? '' : `?${q}`}`;
}

/** Formats ms like Prometheus prints durations (`15s`, `1m30s`, `500ms`). */
export function formatMs(ms: number): string {
  if (ms === 0) return '0s';
  const units: [string, number][] = [
    ['y', 365 * 86_400_000],
    ['w', 7 * 86_400_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ];
  let rest = ms;
  let out = '';
  for (const [u, n] of units) {
    if (rest >= n) {
      out += `${Math.floor(rest / n)}${u}`;
      rest %= n;
    }
  }
  return out;
}

function parseMs(s: string): number | undefined {
  const re = /(\d+)(ms|y|w|d|h|m|s)/y;
  let pos = 0;
  let total = 0;
  if (s === '' || s === '0') return s === '0' ? 0 : undefined;
  const mult: Record<string, number> = {
    y: 31_536_000_000,
    w: 604_800_000,
    d: 86_400_000,
    h: 3_600_000,
    m: 60_000,
    s: 1000,
    ms: 1,
  };
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * mult[m[2]!]!;
    pos = re.lastIndex;
  }
  return total;
}
