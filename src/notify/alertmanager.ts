import path from 'node:path';
import { type Alert } from './alerts/alert.js';
import { Inhibitor } from './alerts/inhibit.js';
import { AlertStore, type PostedAlert } from './alerts/store.js';
import type { AlertmanagerConfig } from './config/index.js';
import { Dispatcher } from './dispatch/dispatcher.js';
import { AlertHistory, DEFAULT_HISTORY_MAX_ENTRIES } from './history/history.js';
import { buildRouteTree, type Route } from './dispatch/route.js';
import { NotificationLog } from './pipeline/nflog.js';
import { buildPipeline, type Integration, type RetryOptions } from './pipeline/pipeline.js';
import { buildIntegrations } from './receivers/integrations.js';
import { Silences } from './silence/silences.js';
import { NotificationTemplates } from './template/templates.js';
import { systemClock, type Clock, type TimerHandle } from './util/clock.js';
import type { SnapshotStore } from './util/snapshot.js';

/** Options of the embedded Alertmanager. */
export interface AlertmanagerOptions {
  /** Directory for `silences.json` and `nflog.json`; undefined keeps both in memory only. */
  readonly dataDir?: string;
  /** The URL users reach Kansoku's Alertmanager at (`.ExternalURL` in templates). */
  readonly externalURL: string;
  /** Folder that relative `templates:` patterns resolve against (the config file's folder). */
  readonly configDir: string;
  /** Retention of expired silences and notification log entries, ms (default 120h). */
  readonly retentionMs?: number;
  /** Retention of the alert history, ms (default: `retentionMs`). */
  readonly historyRetentionMs?: number;
  /** At most this many alert history entries (default 100 000). */
  readonly historyMaxEntries?: number;
  /** How often resolved alerts, expired silences and log entries are dropped, ms (default 15m). */
  readonly maintenanceIntervalMs?: number;
  readonly clock?: Clock;
  readonly retry?: RetryOptions;
  /** Replaces the built integrations (tests); receives the ones built from the config. */
  readonly integrations?: (built: Map<string, Integration[]>) => Map<string, Integration[]>;
  /** Reports problems that do not stop the pipeline (failed sends, unsupported integrations). */
  readonly warn?: (msg: string) => void;
  /**
   * High availability: silences and the notification log live in this shared store instead of
   * the data directory, and silences are re-read from it every `sharedSyncMs` (default 5 s).
   */
  readonly shared?: SnapshotStore;
  readonly sharedSyncMs?: number;
  /** High availability: whether this server sends notifications now (only the leader does). */
  readonly isLeader?: () => boolean;
}

const DEFAULT_RETENTION_MS = 120 * 3_600_000;
const DEFAULT_MAINTENANCE_MS = 15 * 60_000;

/**
 * Kansoku's built-in Alertmanager: alert store, routing and grouping, inhibition, silences,
 * notification log and receivers. `start()` loads persisted state and starts dispatching;
 * `applyConfig()` swaps the configuration (as a reload does); `stop()` cancels timers and waits
 * for pending state writes. One instance per process; call from the event loop only.
 */
export class Alertmanager {
  readonly clock: Clock;
  readonly silences: Silences;
  readonly nflog: NotificationLog;
  readonly store: AlertStore;
  /** Deliveries per integration kind since start: all, and those that failed for good. */
  readonly deliveries = new Map<string, { total: number; failed: number }>();
  /** The timeline of alert state changes (`history.jsonl` in the data directory). */
  readonly history: AlertHistory;
  private cfg: AlertmanagerConfig;
  private route: Route;
  private inhibitor: Inhibitor;
  private dispatcher: Dispatcher | undefined;
  private maintenance: TimerHandle | undefined;
  private started = false;
  private readonly startedAtMs: number;
  /** Whether this server was sending at its last flush (high availability). */
  private sending = false;
  private sync: TimerHandle | undefined;

  constructor(
    config: AlertmanagerConfig,
    private readonly options: AlertmanagerOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    const dir = options.dataDir;
    this.silences = new Silences({
      clock: this.clock,
      retentionMs,
      ...(dir === undefined ? {} : { file: path.join(dir, 'silences.json') }),
      ...(options.shared === undefined ? {} : { store: options.shared }),
    });
    this.nflog = new NotificationLog({
      clock: this.clock,
      retentionMs,
      ...(dir === undefined ? {} : { file: path.join(dir, 'nflog.json') }),
      ...(options.shared === undefined ? {} : { store: options.shared }),
    });
    this.history = new AlertHistory({
      clock: this.clock,
      retentionMs: options.historyRetentionMs ?? retentionMs,
      maxEntries: options.historyMaxEntries ?? DEFAULT_HISTORY_MAX_ENTRIES,
      ...(dir === undefined ? {} : { file: path.join(dir, 'history.jsonl') }),
    });
    this.store = new AlertStore({
      clock: this.clock,
      resolveTimeoutMs: config.global.resolveTimeoutMs,
    });
    this.cfg = config;
    this.route = buildRouteTree(config);
    this.inhibitor = new Inhibitor(config.inhibitRules, this.store);
    this.startedAtMs = this.clock.now();
  }

  /** The active configuration. */
  config(): AlertmanagerConfig {
    return this.cfg;
  }

  /** The routing tree of the active configuration. */
  routeTree(): Route {
    return this.route;
  }

  /** When this instance was created (ms since the epoch). */
  uptimeSince(): number {
    return this.startedAtMs;
  }

  /** The inhibitor of the active configuration. */
  inhibition(): Inhibitor {
    return this.inhibitor;
  }

  /** The running dispatcher (undefined before `start`). */
  groups(): Dispatcher | undefined {
    return this.dispatcher;
  }

  /** Loads persisted silences and notification log, then starts dispatching. */
  async start(): Promise<void> {
    if (this.started) return;
    await this.silences.load();
    await this.nflog.load();
    await this.history.load();
    this.started = true;
    await this.startDispatcher();
    this.scheduleMaintenance();
    if (this.options.shared) this.scheduleSync();
  }

  /** Applies a new configuration: rebuilds routes, receivers and groups (alerts are kept). */
  async applyConfig(config: AlertmanagerConfig): Promise<void> {
    this.cfg = config;
    this.route = buildRouteTree(config);
    this.inhibitor = new Inhibitor(config.inhibitRules, this.store);
    this.store.setResolveTimeout(config.global.resolveTimeoutMs);
    if (this.started) {
      this.dispatcher?.stop();
      await this.startDispatcher();
    }
  }

  /** Receives alerts (from rules or `POST /api/v2/alerts`). Throws `InvalidAlertsError`. */
  receive(alerts: readonly PostedAlert[]): void {
    this.store.put(alerts);
  }

  /** Stops timers and waits for pending writes of silences and the notification log. */
  async stop(): Promise<void> {
    this.started = false;
    this.maintenance?.cancel();
    this.sync?.cancel();
    this.dispatcher?.stop();
    this.dispatcher = undefined;
    await this.silences.flush();
    await this.nflog.flush();
    await this.history.flush();
  }

  /** Runs one maintenance pass (also run periodically). */
  async maintain(): Promise<void> {
    this.store.gc();
    await this.silences.gc();
    // With a shared log only the sending server prunes it: a follower's copy may be stale.
    if (this.options.isLeader === undefined || this.options.isLeader()) await this.nflog.gc();
    await this.history.gc();
  }

  /** Whether an alert is currently muted, and by what (for the API's alert status). */
  status(a: Alert): { silencedBy: string[]; inhibitedBy: string[] } {
    const now = this.clock.now();
    return {
      silencedBy: this.silences.mutes(a.labels, now),
      inhibitedBy: this.inhibitor.mutes(a.labels, now),
    };
  }

  private async startDispatcher(): Promise<void> {
    const templates = await NotificationTemplates.load(this.cfg.templates, this.options.configDir);
    const built = buildIntegrations(this.cfg, { templates, externalURL: this.options.externalURL });
    for (const u of built.unsupported)
      this.options.warn?.(`integration ${u} is not supported by Kansoku and is skipped`);
    const integrations = this.options.integrations?.(built.integrations) ?? built.integrations;
    const flush = buildPipeline({
      clock: this.clock,
      nflog: this.nflog,
      silences: this.silences,
      inhibitor: this.inhibitor,
      timeIntervals: this.cfg.timeIntervals,
      integrations,
      history: this.history,
      onDelivery: (i, ok) => {
        const d = this.deliveries.get(i.kind) ?? { total: 0, failed: 0 };
        d.total++;
        if (!ok) d.failed++;
        this.deliveries.set(i.kind, d);
      },
      ...(this.options.retry === undefined ? {} : { retry: this.options.retry }),
      onError: (i, err, attempt) => {
        this.options.warn?.(
          `notify ${i.receiver}/${i.kind}[${i.index}] attempt ${attempt} failed: ${err.message}`,
        );
      },
    });
    const isLeader = this.options.isLeader;
    this.dispatcher = new Dispatcher({
      route: this.route,
      store: this.store,
      clock: this.clock,
      flush: isLeader
        ? async (ctx, alerts) => {
            if (!isLeader()) {
              this.sending = false;
              return false;
            }
            if (!this.sending) {
              // Taking over: learn what the previous leader sent and silenced first.
              await this.nflog.reload();
              await this.silences.reload();
              this.sending = true;
            }
            return flush(ctx, alerts);
          }
        : flush,
    });
    this.dispatcher.start();
  }

  private scheduleSync(): void {
    this.sync = this.clock.setTimer(() => {
      void this.silences
        .reload()
        .catch((e: unknown) =>
          this.options.warn?.(`cannot read shared silences: ${(e as Error).message}`),
        )
        .finally(() => {
          if (this.started) this.scheduleSync();
        });
    }, this.options.sharedSyncMs ?? 5000);
  }

  private scheduleMaintenance(): void {
    const every = this.options.maintenanceIntervalMs ?? DEFAULT_MAINTENANCE_MS;
    this.maintenance = this.clock.setTimer(() => {
      void this.maintain()
        .catch((e: unknown) => this.options.warn?.(`maintenance failed: ${(e as Error).message}`))
        .finally(() => {
          if (this.started) this.scheduleMaintenance();
        });
    }, every);
  }
}
