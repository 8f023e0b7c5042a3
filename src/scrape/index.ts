/** Scraping: discovery, targets, scrape loops with staleness, and the manager that runs them. */
export {
  BodyBuffer,
  HTTPClient,
  ScrapeError,
  type FetchBytesResult,
  type FetchOptions,
  type FetchResult,
} from './client.js';
export {
  FileDiscoverer,
  HTTPDiscoverer,
  DNSDiscoverer,
  newDiscoverer,
  type Discoverer,
} from './discovery.js';
export { sampleLabels, type LabelLimits } from './labels.js';
export { MetadataCollector, type MetricMetadata } from './metadata.js';
export { ScrapeLoop, acceptHeader, type ScrapeLoopDeps, type TargetHealth } from './loop.js';
export {
  ScrapeManager,
  scrapeOffset,
  type ActiveTargetInfo,
  type DroppedTargetInfo,
  type ScrapeManagerDeps,
} from './manager.js';
export { buildTarget, formatMs, type DroppedTarget, type Target } from './targets.js';
