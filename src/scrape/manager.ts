import { hashStrings, type Labels } from '../model/index.js';
import type { Appendable } from '../storage/index.js';
import type { PrometheusConfig, ScrapeConfig, TargetGroup } from '../config/index.js';
import type { Logger } from '../util/index.js';
import { HTTPClient } from './client.js';
import { newDiscoverer } from './discovery.js';
import { ScrapeLoop, type TargetHealth } from './loop.js';
import type { MetricMetadata } from './metadata.js';
import { buildTarget, formatMs, type DroppedTarget, type Target } from './targets.js';

/** A target as the targets API shows it. */
export interface ActiveTargetInfo {
  readonly scrapePool: string;
  readonly discoveredLabels: Labels;
  readonly labels: Labels;
  readonly scrapeUrl: string;
  readonly health: TargetHealth;
  readonly lastError: string;
  /** Ms since the epoch of the last scrape, 0 before the first. */
  readonly lastScrape: number;
  readonly lastScrapeDurationMs: number;
  readonly scrapeInterval: string;
  readonly scrapeTimeout: string;
  readonly metadata: ReadonlyMap<string, MetricMetadata>;
}

/** A dropped target as the targets API shows it. */
export interface DroppedTargetInfo {
  readonly scrapePool: string;
  readonly discoveredLabels: Labels;
}

/** Dependencies of the scrape manager. */
export interface ScrapeManagerDeps {
  readonly appendable: Appendable;
  readonly logger: Logger;
  readonly userAgent: string;
}

/**
 * Runs one scrape pool per job: discovery feeds target groups, targets are relabeled, and each
 * target gets a scrape loop started at an offset spread over the interval (stable per target).
 * `applyConfig` reloads without losing data: unchanged jobs keep running untouched.
 */
export class ScrapeManager {
  private readonly pools = new Map<string, ScrapePool>();
  private stopped = false;

  constructor(private readonly deps: ScrapeManagerDeps) {}

  /** Applies a (new) configuration. */
  applyConfig(cfg: Pick<PrometheusConfig, 'scrapeConfigs'>): void {
    if (this.stopped) return;
    const next = new Map(cfg.scrapeConfigs.map((sc) => [sc.jobName, sc]));
    for (const [job, pool] of this.pools) {
      const sc = next.get(job);
      if (sc && configKey(sc) === pool.key) continue;
      void pool.stop(!sc);
      this.pools.delete(job);
    }
    for (const [job, sc] of next) {
      if (this.pools.has(job)) continue;
      const pool = new ScrapePool(sc, this.deps);
      this.pools.set(job, pool);
      pool.start();
    }
  }

  /** Stops every pool; staleness markers are written for every target. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.pools.values()].map((p) => p.stop(true)));
    this.pools.clear();
  }

  /** Active targets of all pools. */
  activeTargets(): ActiveTargetInfo[] {
    return [...this.pools.values()].flatMap((p) => p.active());
  }

  /** Targets dropped by relabeling. */
  droppedTargets(): DroppedTargetInfo[] {
    return [...this.pools.values()].flatMap((p) =>
      p.dropped.map((d) => ({ scrapePool: p.job, discoveredLabels: d.discoveredLabels })),
    );
  }

  /** Names of the scrape pools. */
  poolNames(): string[] {
    return [...this.pools.keys()].sort();
  }

  /** Scrapes every target once now (for tests and `/-/reload` checks). */
  async scrapeAllNow(ts = Date.now()): Promise<void> {
    await Promise.all(
      [...this.pools.values()].flatMap((p) => p.loopsNow().map((l) => l.scrapeOnce(ts))),
    );
  }
}

function configKey(sc: ScrapeConfig): string {
  return JSON.stringify(sc, (_k, v: unknown) => (v instanceof RegExp ? v.source : v));
}

class ScrapePool {
  readonly job: string;
  readonly key: string;
  dropped: DroppedTarget[] = [];
  private readonly loops = new Map<string, ScrapeLoop>();
  private readonly groups = new Map<number, readonly TargetGroup[]>();
  private readonly abort = new AbortController();

  constructor(
    private readonly cfg: ScrapeConfig,
    private readonly deps: ScrapeManagerDeps,
  ) {
    this.job = cfg.jobName;
    this.key = configKey(cfg);
  }

  start(): void {
    this.cfg.sd.forEach((sd, i) => {
      const d = newDiscoverer(sd, this.deps.logger.child({ scrape_pool: this.job }));
      d?.run((groups) => {
        this.groups.set(i, groups);
        this.sync();
      }, this.abort.signal);
    });
  }

  loopsNow(): ScrapeLoop[] {
    return [...this.loops.values()];
  }

  private sync(): void {
    if (this.abort.signal.aborted) return;
    const targets = new Map<string, Target>();
    const dropped: DroppedTarget[] = [];
    for (const groups of this.groups.values()) {
      for (const g of groups) {
        for (const addr of g.targets) {
          const r = buildTarget(this.cfg, g, addr);
          if ('target' in r) targets.set(r.target.key, r.target);
          else if ('dropped' in r) dropped.push(r.dropped);
          else
            this.deps.logger.warn('invalid target', {
              scrape_pool: this.job,
              target: addr,
              err: r.error,
            });
        }
      }
    }
    const keep = this.cfg.keepDroppedTargets;
    this.dropped = keep > 0 ? dropped.slice(0, keep) : dropped;
    if (this.cfg.targetLimit > 0 && targets.size > this.cfg.targetLimit) {
      this.deps.logger.error('target_limit exceeded; no target of the pool is scraped', {
        scrape_pool: this.job,
        targets: targets.size,
        limit: this.cfg.targetLimit,
      });
      targets.clear();
    }
    for (const [key, loop] of this.loops) {
      if (!targets.has(key)) {
        void loop.stop(true);
        this.loops.delete(key);
      }
    }
    const now = Date.now();
    for (const [key, t] of targets) {
      if (this.loops.has(key)) continue;
      const loop = new ScrapeLoop(t, this.cfg, {
        appendable: this.deps.appendable,
        client: new HTTPClient(this.cfg.http),
        logger: this.deps.logger,
        userAgent: this.deps.userAgent,
      });
      this.loops.set(key, loop);
      loop.start(scrapeOffset(key, t.intervalMs, now));
    }
  }

  active(): ActiveTargetInfo[] {
    return [...this.loops.values()].map((l) => ({
      scrapePool: this.job,
      discoveredLabels: l.target.discoveredLabels,
      labels: l.target.labels,
      scrapeUrl: l.target.url,
      health: l.health,
      lastError: l.lastError,
      lastScrape: l.lastScrape,
      lastScrapeDurationMs: l.lastDurationMs,
      scrapeInterval: formatMs(l.target.intervalMs),
      scrapeTimeout: formatMs(l.target.timeoutMs),
      metadata: l.metadata,
    }));
  }

  async stop(writeStale: boolean): Promise<void> {
    this.abort.abort();
    await Promise.all([...this.loops.values()].map((l) => l.stop(writeStale)));
    this.loops.clear();
  }
}

/**
 * The delay before a target's first scrape: a stable per-target point within the interval, so
 * targets of a pool spread out and a restart keeps each target's phase.
 */
export function scrapeOffset(key: string, intervalMs: number, now: number): number {
  const h = hashStrings([key]) % intervalMs;
  const base = intervalMs - (now % intervalMs);
  return (base + h) % intervalMs;
}
