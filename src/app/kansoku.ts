/**
 * The composition root: builds every part from the flags, starts them bottom-up and stops them
 * top-down.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Registry, collectDefaultMetrics } from 'prom-client';
import {
  formatBytes,
  formatDuration,
  loadIngestConfigFile,
  loadPrometheusConfigFile,
  parsePrometheusConfig,
  isLoopbackHost,
  splitHostPort,
  type PrometheusConfig,
  type ServerFlags,
} from '../config/index.js';
import {
  AcmeCertificateSource,
  FileCertificateSource,
  defaultAcmeTiming,
  registerAcmeMetrics,
  type CertificateSource,
  HttpError,
  HttpMetrics,
  HttpServer,
  RedirectServer,
  buildRouter,
  registerTlsMetrics,
  defaultHttpServerOptions,
  defaultRemoteWriteOptions,
  NO_TARGETS,
  type HeadStats,
  type TsdbAdmin,
} from '../http/index.js';
import {
  IngestPipeline,
  PushStore,
  defaultIngestOptions,
  defaultPushStoreOptions,
  pushGroupsFile,
} from '../ingest/index.js';
import {
  AlertForwarder,
  Alertmanager,
  InvalidAlertsError,
  type AlertmanagerOptions,
  defaultForwarderOptions,
  loadAlertmanagerConfigFile,
  parseAlertmanagerConfig,
  type AlertmanagerConfig,
} from '../notify/index.js';
import { AuthService, defaultAuthOptions } from '../auth/index.js';
import {
  DashboardProvisioner,
  DashboardService,
  defaultProvisionerOptions,
} from '../dashboards/index.js';
import { FileMetaStore, type MetaStore } from '../meta/index.js';
import { Labels, type RelabelRule } from '../model/index.js';
import { Engine, QueryResultCache, registerQueryCacheMetrics } from '../promql/index.js';
import {
  RuleManager,
  defaultRuleManagerOptions,
  queryFnFrom,
  type RuleManagerOptions,
} from '../rules/index.js';
import { ScrapeManager } from '../scrape/index.js';
import {
  BackupBusyError,
  BackupService,
  removeDataDirLock,
  writeDataDirLock,
} from './backup/index.js';
import { HighAvailability } from './ha.js';
import { RemoteWriteSet, TeeAppendable } from './remotewrite.js';
import type { Storage } from '../storage/index.js';
import type { Logger } from '../util/index.js';
import type { BuildInfo } from './version.js';
import { registerTsdbMetrics, writeSelfMonitoringRules } from './selfmon.js';
import { openStorage, registerRemoteStorageMetrics, type OpenStorage } from './storage.js';
import { ServerLimits } from './budget-limits.js';

/** How long shutdown waits for in-flight HTTP requests before closing their connections. */
const SHUTDOWN_GRACE_MS = 10_000;

/** Disk budget of each `remote_write` queue; the oldest samples are dropped beyond it. */
const REMOTE_WRITE_QUEUE_BUDGET = 1 << 30;

/** One running Kansoku server. */
export class Kansoku {
  readonly registry = new Registry();
  private storage: Storage | undefined;
  private admin: TsdbAdmin | undefined;
  private headStats: (() => HeadStats) | undefined;
  private tsdbGauges: OpenStorage['tsdbGauges'];
  /** Relabeling rules of every pushed series (`--ingest.config.file`). */
  private ingestRelabel: readonly RelabelRule[] = [];
  /**
   * The range-query result cache (undefined before the storage opens, and for storage backends
   * without a history-change feed). A memory-budget watcher may call its `shrink`/`clear`.
   */
  queryCache: QueryResultCache | undefined;
  /** Push-down of queries to a remote engine (`--storage.remote.mode=pushdown`). */
  private forwarder: OpenStorage['forwarder'];
  private remoteStats: OpenStorage['remoteStats'];
  private pipeline: IngestPipeline | undefined;
  private pushStore: PushStore | undefined;
  private http: HttpServer | undefined;
  /** The certificate of the HTTPS listener (with `--web.tls-*` or `--web.acme.*`). */
  private tlsSource: CertificateSource | undefined;
  /** The ACME certificate source (with `--web.acme.*`). */
  private acme: AcmeCertificateSource | undefined;
  /** The plain-HTTP redirect listener (with `--web.redirect-http`). */
  private redirect: RedirectServer | undefined;
  private scrape: ScrapeManager | undefined;
  private rules: RuleManager | undefined;
  private alertmanager: Alertmanager | undefined;
  /** Sends alerts to the external Alertmanagers of `alerting.alertmanagers`. */
  private alertForwarder: AlertForwarder | undefined;
  private readonly remoteWrite: RemoteWriteSet;
  /** Dashboards, users, tokens and other documents (`<storage.tsdb.path>/meta`). */
  readonly meta: MetaStore;
  /** The metadata store's setup and the leader election (high availability). */
  private readonly ha: HighAvailability;
  /** Dashboards, their versions and folders, on the metadata store. */
  readonly dashboards: DashboardService;
  /** Loads and watches `--dashboards.dir` (undefined without it). */
  private provisioner: DashboardProvisioner | undefined;
  /** Users, sessions, tokens and share links; undefined when authentication is off. */
  readonly auth: AuthService | undefined;
  /** Online backups (created on first use). */
  private backup: BackupService | undefined;
  /** The in-memory token the self-scrape sends when authentication is on. */
  private selfToken: string | undefined;
  private ready = false;
  private readonly engine: Engine;
  /** Series limits, the memory budget and request admission. */
  private readonly limits: ServerLimits;
  private readonly startTime = new Date();
  private config: PrometheusConfig | undefined;
  private configOk = true;
  private configTime = new Date();
  private configText = '';
  /** The address the server listens on, as `host:port` (known after `start()`). */
  listenAddress = '';

  constructor(
    private readonly flags: ServerFlags,
    private readonly logger: Logger,
    private readonly build: BuildInfo,
  ) {
    collectDefaultMetrics({ register: this.registry });
    this.remoteWrite = new RemoteWriteSet(
      path.join(flags.tsdbPath, 'remote-write'),
      REMOTE_WRITE_QUEUE_BUDGET,
      logger,
    );
    this.remoteWrite.registerMetrics(this.registry);
    registerRemoteStorageMetrics(this.registry, () => this.remoteStats?.());
    registerTsdbMetrics(this.registry, () => this.tsdbGauges?.(), flags.tsdbPath);
    registerQueryCacheMetrics(this.registry, () => this.queryCache);
    this.ha = new HighAvailability(flags, logger);
    this.meta = this.ha.meta;
    this.dashboards = new DashboardService(this.meta);
    this.auth = flags.authEnabled
      ? new AuthService(this.meta, {
          ...defaultAuthOptions(),
          // Finds tokens that `kansoku token create` wrote while the server runs (a shared
          // PostgreSQL store is read afresh anyway).
          ...(this.ha.shared
            ? {}
            : { reopen: () => new FileMetaStore(path.join(flags.tsdbPath, 'meta')) }),
        })
      : undefined;
    this.engine = new Engine({
      lookbackDeltaMs: flags.lookbackDeltaMs,
      timeoutMs: flags.queryTimeoutMs,
      maxSamples: flags.queryMaxSamples,
      maxConcurrent: flags.queryMaxConcurrency,
      maxQueueWaitMs: flags.queryMaxQueueWaitMs,
    });
    this.limits = new ServerLimits(flags, this.registry, logger);
    this.limits.watchEngine(this.engine, this.registry);
  }

  /**
   * Prepares authentication: the first admin from `--auth.admin-password-file`, or a one-time
   * setup token (returned, to be logged as a link) when there are no users; and the self-scrape
   * token. Does nothing when authentication is off.
   */
  private async initAuth(): Promise<string | undefined> {
    if (!this.auth) return undefined;
    this.selfToken = this.auth.internalToken('self-scrape', ['read']);
    const file = this.flags.authAdminPasswordFile;
    let password: string | undefined;
    if (file !== undefined) {
      try {
        password = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
      } catch (err) {
        throw new Error(`cannot read --auth.admin-password-file ${file}: ${String(err)}`, {
          cause: err,
        });
      }
    }
    return await this.auth.init(password);
  }

  /**
   * Starts everything. The HTTP listener opens first so that `/-/healthy` answers and
   * `/-/ready` says 503 while the storage replays its write-ahead log; endpoints that need the
   * storage answer 503 until it is open. Then storage, then the loops that write into it.
   */
  async start(): Promise<void> {
    this.loadConfig();
    const { host, port } = splitHostPort(this.flags.listenAddress);
    await this.ha.start(this.flags.listenAddress, this.registry);
    const setupToken = await this.initAuth();
    if (!this.auth && !isLoopbackHost(host))
      this.logger.warn(
        'authentication is off on a non-loopback address: anyone who can reach it can read, write and delete data',
        { address: this.flags.listenAddress },
      );
    const router = buildRouter({
      logger: this.logger.child({ component: 'web' }),
      registry: this.registry,
      ready: () => this.ready,
      ...(this.flags.enableLifecycle
        ? {
            lifecycle: {
              reload: () => this.reload(),
              quit: () => {
                process.kill(process.pid, 'SIGTERM');
              },
            },
          }
        : {}),
      storage: () => (this.ready ? this.storage : undefined),
      pipeline: () => (this.ready ? this.pipeline : undefined),
      pushStore: () => (this.ready ? this.pushStore : undefined),
      meta: this.meta,
      dashboards: this.dashboards,
      ...(this.auth ? { auth: this.auth } : {}),
      admin: {
        enabled: this.flags.enableAdminApi,
        admin: () => (this.ready ? this.admin : undefined),
      },
      backup: {
        enabled: this.flags.enableAdminApi || this.auth !== undefined,
        prepare: (have) => this.prepareBackup(have),
      },
      remoteWrite: { ...defaultRemoteWriteOptions(), maxBodyBytes: this.flags.remoteWriteMaxBytes },
      apiV1: {
        engine: this.engine,
        buildInfo: { ...this.build },
        flags: this.flags.asText,
        runtime: () => ({
          startTime: this.startTime,
          reloadConfigSuccess: this.configOk,
          lastConfigTime: this.configTime,
          corruptionCount: 0,
          storageRetention: retentionText(this.flags),
        }),
        queryTimeoutMs: this.flags.queryTimeoutMs,
        headStats: () => (this.ready ? this.headStats?.() : undefined),
        targets: () => this.scrape ?? NO_TARGETS,
        configYaml: () => this.configText,
        ruleGroups: () => this.rules?.ruleGroups() ?? [],
        queryCache: () => (this.ready ? this.queryCache : undefined),
        queryForwarder: (endpoint, params, signal) =>
          this.forwarder
            ? this.forwarder.forward(endpoint, params, signal)
            : Promise.resolve(undefined),
      },
      alertmanager: {
        alertmanager: () => (this.ready ? this.alertmanager : undefined),
        version: { ...this.build },
        metrics: {
          registry: this.registry,
          ruleGroups: () => this.rules?.ruleGroups() ?? [],
          forwarder: () => this.alertForwarder,
        },
      },
    });
    const webLogger = this.logger.child({ component: 'web' });
    const tls = await this.openTls();
    this.http = new HttpServer({
      ...defaultHttpServerOptions(router, webLogger, new HttpMetrics(this.registry)),
      limits: this.limits.requests,
      ...(tls ? { tls } : {}),
    });
    const addr = await this.http.listen(host, port);
    this.listenAddress =
      addr.family === 'IPv6' ? `[${addr.address}]:${addr.port}` : `${addr.address}:${addr.port}`;
    this.logger.info('listening', {
      address: this.listenAddress,
      auth: this.auth !== undefined,
      tls: tls !== undefined,
    });
    await this.startRedirect(addr.port);
    this.acme?.start();
    await mkdir(this.flags.tsdbPath, { recursive: true });
    writeDataDirLock(this.flags.tsdbPath, this.listenAddress);
    if (setupToken !== undefined) {
      this.logger.warn(
        'no users yet: open this one-time link to create the first admin (or restart with --auth.admin-password-file)',
        { url: `${this.scheme()}://${this.listenAddress}/setup?token=${setupToken}` },
      );
    }

    const t0 = performance.now();
    const opened = await openStorage(this.flags, this.logger.child({ component: 'tsdb' }), {
      admitSeries: this.limits.admitSeries,
    });
    this.storage = opened.storage;
    this.remoteWrite.apply(
      this.config?.remoteWrite ?? [],
      this.config?.global.externalLabels ?? Labels.EMPTY,
    );
    // Everything appended locally is also queued for the `remote_write` destinations.
    const appendable = new TeeAppendable(opened.storage, this.remoteWrite, this.logger);
    this.admin = opened.admin;
    this.headStats = opened.headStats;
    this.forwarder = opened.forwarder;
    this.remoteStats = opened.remoteStats;
    this.tsdbGauges = opened.tsdbGauges;
    // Only a backend that reports late writes and deletions can be cached (the local TSDB).
    const changesSince = opened.storage.changesSince?.bind(opened.storage);
    if (changesSince !== undefined && this.flags.queryCacheMaxBytes > 0)
      this.queryCache = new QueryResultCache(
        { changesSince },
        {
          maxBytes: this.flags.queryCacheMaxBytes,
          timestampOffsetMs: this.flags.queryCacheTimestampOffsetMs,
          experimentalSyntax: this.engine.opts.enableExperimentalFunctions,
        },
      );
    this.pipeline = new IngestPipeline(appendable, {
      ...defaultIngestOptions(),
      relabel: this.ingestRelabel,
      limits: {
        maxLabelNames: this.flags.ingestMaxLabelNames,
        maxLabelNameLength: this.flags.ingestMaxLabelNameLength,
        maxLabelValueLength: this.flags.ingestMaxLabelValueLength,
      },
    });
    this.limits.start(() => {
      this.pipeline?.dropCaches();
      this.queryCache?.clear();
    });
    this.logger.info('storage opened', {
      path: this.flags.tsdbPath,
      duration_ms: Math.round(performance.now() - t0),
    });

    this.pushStore = await PushStore.open(this.pipeline, {
      ...defaultPushStoreOptions(),
      file: pushGroupsFile(this.flags.tsdbPath),
      onError: (err: unknown) => {
        this.logger.warn('cannot write push groups', { component: 'pushgateway', err });
      },
    });
    this.pushStore.start();
    this.scrape = new ScrapeManager({
      appendable,
      logger: this.logger.child({ component: 'scrape' }),
      userAgent: `Kansoku/${this.build.version}`,
    });
    if (this.config) this.scrape.applyConfig(this.config);
    else {
      this.configText = selfScrapeYaml(this.listenAddress, this.selfToken, this.scheme());
      this.scrape.applyConfig(parsePrometheusConfig(this.configText));
      // Scrape once right away so that a fresh start has data to query at once.
      this.scrape.scrapeAllNow().catch((err: unknown) => {
        this.logger.warn('cannot scrape self', { err });
      });
    }
    const amFile = this.flags.alertmanagerConfigFile;
    const amDir = path.join(this.flags.tsdbPath, 'alertmanager');
    await mkdir(amDir, { recursive: true });
    this.alertmanager = new Alertmanager(this.loadAlertmanagerConfig(), {
      dataDir: amDir,
      externalURL: `${this.scheme()}://${this.listenAddress}`,
      configDir: amFile === undefined ? process.cwd() : path.dirname(path.resolve(amFile)),
      warn: (msg: string) => {
        this.logger.warn(msg, { component: 'alertmanager' });
      },
      ...this.haAlertmanagerOptions(),
    });
    await this.alertmanager.start();
    this.alertForwarder = new AlertForwarder({
      ...defaultForwarderOptions(),
      userAgent: `Kansoku/${this.build.version}`,
      warn: (msg: string) => {
        this.logger.warn(msg, { component: 'notifier' });
      },
    });
    this.applyForwarding();
    const storage = opened.storage;
    this.rules = new RuleManager(this.ruleOptions(), {
      query: queryFnFrom(this.engine.instantQuery.bind(this.engine), storage),
      appendable,
      logger: this.logger.child({ component: 'rules' }),
      ...(this.ha.shared ? { shouldEvaluate: () => this.ha.isLeader() } : {}),
      notify: (alerts) => {
        this.alertForwarder?.send(
          alerts.map((a) => ({
            labels: a.labels,
            annotations: a.annotations.toRecord(),
            startsAtMs: a.startsAt,
            endsAtMs: a.endsAt,
            generatorURL: a.generatorURL,
          })),
        );
        try {
          this.alertmanager?.receive(
            alerts.map((a) => ({
              labels: a.labels.toRecord(),
              annotations: a.annotations.toRecord(),
              startsAtMs: a.startsAt,
              endsAtMs: a.endsAt,
              generatorURL: a.generatorURL,
            })),
          );
        } catch (err) {
          if (!(err instanceof InvalidAlertsError)) throw err;
          this.logger.warn('alerts rejected by the Alertmanager', { err });
        }
      },
      onAlertChange: (changes) => {
        for (const c of changes)
          this.alertmanager?.history.record(
            { event: c.state, labels: c.labels, value: c.value },
            c.t,
          );
      },
    });
    await this.rules.update(this.ruleFiles());
    this.rules.start();
    await this.startProvisioning();
    this.ready = true;
    this.logger.info('server is ready to receive requests');
  }

  /** The Alertmanager's shared state and sending gate when several servers share metadata. */
  private haAlertmanagerOptions(): Pick<AlertmanagerOptions, 'shared' | 'isLeader'> {
    const shared = this.ha.snapshots();
    return shared ? { shared, isLeader: () => this.ha.isLeader() } : {};
  }

  /**
   * Loads and validates `--config.file` (when given). Its scrape configurations drive the scrape
   * manager and its `remote_write` destinations get a disk-backed queue each.
   */
  private loadConfig(): void {
    this.loadIngestConfig();
    const file = this.flags.configFile;
    if (file === undefined) return;
    try {
      this.config = loadPrometheusConfigFile(file);
      this.configText = readFileSync(file, 'utf8');
    } catch (err) {
      this.configOk = false;
      throw new Error(
        `cannot load configuration file ${file} (--config.file): ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
    this.configOk = true;
    this.configTime = new Date();
    this.logger.info('loaded configuration file', {
      file,
      scrape_configs: this.config.scrapeConfigs.length,
    });
  }

  /**
   * Prepares an online backup (`POST /api/kansoku/admin/backup`): a TSDB snapshot with the head,
   * then a copy of the metadata and Alertmanager state; see `BackupService`.
   */
  private async prepareBackup(
    have: ReadonlyMap<string, string>,
  ): ReturnType<BackupService['prepare']> {
    const admin = this.ready ? this.admin : undefined;
    if (!admin)
      throw new HttpError(503, 'unavailable', 'cannot take backup: storage is not ready yet');
    this.backup ??= new BackupService({
      dataDir: this.flags.tsdbPath,
      snapshot: async () =>
        path.join(this.flags.tsdbPath, 'snapshots', await admin.snapshot(false)),
      flushState: async () => {
        await this.alertmanager?.silences.flush();
        await this.alertmanager?.nflog.flush();
        await this.alertmanager?.history.flush();
      },
      metadata: this.ha.shared ? 'external' : 'included',
      kansokuVersion: this.build.version,
      logger: this.logger.child({ component: 'backup' }),
    });
    try {
      return await this.backup.prepare(have);
    } catch (err) {
      if (err instanceof BackupBusyError) throw new HttpError(409, 'unavailable', err.message);
      throw err;
    }
  }

  /** The built-in Alertmanager's configuration: the file, or one receiver that sends nothing. */
  private loadAlertmanagerConfig(): AlertmanagerConfig {
    const file = this.flags.alertmanagerConfigFile;
    if (file === undefined) return parseAlertmanagerConfig(DEFAULT_ALERTMANAGER_YAML);
    try {
      return loadAlertmanagerConfigFile(file);
    } catch (err) {
      throw new Error(
        `cannot load Alertmanager configuration ${file} (--alertmanager.config.file): ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
  }

  /** Points the forwarder at the `alerting.alertmanagers` of the configuration. */
  private applyForwarding(): void {
    const urls = this.alertForwarder?.apply(
      this.config?.alerting ?? { alertRelabelConfigs: [], alertmanagers: [] },
      this.config?.global.externalLabels ?? Labels.EMPTY,
    );
    if (urls !== undefined && urls.length > 0)
      this.logger.info('forwarding alerts to Alertmanagers', { urls: urls.join(',') });
  }

  /** Loads `--dashboards.dir` and watches it; a missing directory stops the start. */
  private async startProvisioning(): Promise<void> {
    const dir = this.flags.dashboardsDir;
    if (dir === undefined) return;
    this.provisioner = new DashboardProvisioner(
      this.dashboards,
      {
        ...defaultProvisionerOptions(dir),
        writeBack: this.flags.dashboardsWriteBack,
        rescanIntervalMs: this.flags.dashboardsRescanMs,
      },
      this.logger.child({ component: 'dashboards' }),
    );
    try {
      const r = await this.provisioner.start();
      this.logger.info('loaded dashboards directory', {
        dir,
        loaded: r.loaded,
        unchanged: r.unchanged,
        removed: r.removed,
        errors: r.errors.length,
        write_back: this.flags.dashboardsWriteBack,
      });
    } catch (err) {
      throw new Error(
        `cannot load dashboards directory ${dir} (--dashboards.dir): ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
  }

  /** The configuration's rule files, after the built-in self-monitoring rules (unless off). */
  private ruleFiles(): string[] {
    const files = [...(this.config?.ruleFiles ?? [])];
    if (!this.flags.rulesBuiltin) return files;
    try {
      files.unshift(writeSelfMonitoringRules(this.flags.tsdbPath));
    } catch (err) {
      this.logger.warn('cannot write the built-in self-monitoring rules', { err });
    }
    return files;
  }

  /** Rule manager settings from the configuration's `global` section. */
  private ruleOptions(): RuleManagerOptions {
    const g = this.config?.global;
    return {
      ...defaultRuleManagerOptions(),
      externalURL: `${this.scheme()}://${this.listenAddress}`,
      ...(g === undefined
        ? {}
        : {
            evaluationIntervalMs: g.evaluationIntervalMs,
            queryOffsetMs: g.ruleQueryOffsetMs,
            externalLabels: g.externalLabels.toRecord(),
          }),
    };
  }

  /** Loads `--ingest.config.file` (when given); throws with the file and line on an error. */
  private loadIngestConfig(): void {
    const file = this.flags.ingestConfigFile;
    if (file === undefined) return;
    try {
      this.ingestRelabel = loadIngestConfigFile(file).relabelConfigs;
    } catch (err) {
      throw new Error(
        `cannot load ingest configuration file ${file} (--ingest.config.file): ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
    this.pipeline?.setRelabel(this.ingestRelabel);
    this.logger.info('loaded ingest configuration file', {
      file,
      relabel_configs: this.ingestRelabel.length,
    });
  }

  /**
   * Re-reads the configuration files (SIGHUP, `POST /-/reload`): the ingest settings, scrape
   * jobs, remote write, rule files and the Alertmanager configuration are applied; a bad file is
   * logged and the running configuration kept. Resolves with the error text, or undefined.
   */
  async reload(): Promise<string | undefined> {
    const fail = (what: string, err: unknown): string => {
      this.logger.error(`cannot reload ${what}`, { err });
      return `cannot reload ${what}: ${err instanceof Error ? err.message : String(err)}`;
    };
    if (this.flags.configFile === undefined) {
      try {
        this.loadIngestConfig();
      } catch (err) {
        return fail('ingest configuration', err);
      }
      this.logger.info('reload: no configuration file to reload (--config.file not set)');
      return undefined;
    }
    try {
      this.loadConfig();
    } catch (err) {
      return fail('configuration', err);
    }
    if (this.config) {
      this.scrape?.applyConfig(this.config);
      this.remoteWrite.apply(this.config.remoteWrite, this.config.global.externalLabels);
      this.applyForwarding();
    }
    try {
      await this.rules?.update(this.ruleFiles(), this.ruleOptions());
    } catch (err) {
      return fail('rule files', err);
    }
    try {
      if (this.alertmanager) await this.alertmanager.applyConfig(this.loadAlertmanagerConfig());
    } catch (err) {
      return fail('Alertmanager configuration', err);
    }
    this.logger.info('configuration reloaded');
    return undefined;
  }

  /** `https` with `--web.tls-*` or `--web.acme.*`, else `http`. */
  private scheme(): 'http' | 'https' {
    return this.flags.tls || this.flags.acme ? 'https' : 'http';
  }

  /**
   * With `--web.tls-*`: reads the certificate (failing the start when it is unusable), watches
   * it for changes and exposes its expiry. A certificate source from ACME plugs in here.
   */
  private async openTls(): Promise<{ source: CertificateSource; hsts: boolean } | undefined> {
    const acme = this.flags.acme;
    if (acme) {
      this.acme = await AcmeCertificateSource.open({
        ...defaultAcmeTiming(),
        ...acme,
        dir: path.join(this.flags.tsdbPath, 'acme'),
        logger: this.logger.child({ component: 'acme' }),
        metrics: registerAcmeMetrics(this.registry),
      });
      this.tlsSource = this.acme;
      registerTlsMetrics(this.registry, this.acme);
      return { source: this.acme, hsts: this.flags.hsts };
    }
    const files = this.flags.tls;
    if (!files) return undefined;
    this.tlsSource = await FileCertificateSource.open({
      ...files,
      logger: this.logger.child({ component: 'tls' }),
    });
    registerTlsMetrics(this.registry, this.tlsSource);
    return { source: this.tlsSource, hsts: this.flags.hsts };
  }

  /** With `--web.redirect-http`: the plain-HTTP listener that redirects to HTTPS. */
  private async startRedirect(httpsPort: number): Promise<void> {
    const address = this.flags.redirectHttpAddress;
    if (address === undefined) return;
    const { host, port } = splitHostPort(address, 'web.redirect-http');
    this.redirect = new RedirectServer(httpsPort, this.acme?.http01);
    const addr = await this.redirect.listen(host, port);
    this.logger.info('redirecting plain HTTP to HTTPS', {
      address:
        addr.family === 'IPv6' ? `[${addr.address}]:${addr.port}` : `${addr.address}:${addr.port}`,
    });
  }

  /** Stops everything top-down: HTTP (draining in-flight requests), loops, then storage. */
  async stop(): Promise<void> {
    this.ready = false;
    this.limits.stop();
    await this.redirect?.close();
    this.redirect = undefined;
    this.tlsSource?.close();
    this.tlsSource = undefined;
    this.acme = undefined;
    if (this.http) {
      const drained = await this.http.close(SHUTDOWN_GRACE_MS);
      if (!drained)
        this.logger.warn('closed connections with requests still in flight', {
          grace_ms: SHUTDOWN_GRACE_MS,
        });
      this.http = undefined;
    }
    if (this.rules) {
      await this.rules.stop();
      this.rules = undefined;
    }
    await this.alertForwarder?.stop();
    this.alertForwarder = undefined;
    if (this.alertmanager) {
      await this.alertmanager.stop();
      this.alertmanager = undefined;
    }
    if (this.scrape) {
      await this.scrape.stop();
      this.scrape = undefined;
    }
    if (this.pushStore) {
      await this.pushStore.stop();
      this.pushStore = undefined;
    }
    await this.remoteWrite.stop();
    if (this.provisioner) {
      await this.provisioner.stop();
      this.provisioner = undefined;
    }
    await this.ha.stop();
    if (this.storage) {
      await this.storage.close();
      this.storage = undefined;
      this.logger.info('storage closed');
    }
    removeDataDirLock(this.flags.tsdbPath);
    this.registry.clear();
  }
}

/** Retention as runtimeinfo shows it: `15d`, `512MB`, `15d or 512MB`, or `unlimited`. */
function retentionText(flags: ServerFlags): string {
  const parts: string[] = [];
  if (flags.retentionTimeMs > 0) parts.push(formatDuration(flags.retentionTimeMs));
  if (flags.retentionSizeBytes > 0) parts.push(formatBytes(flags.retentionSizeBytes));
  return parts.length === 0 ? 'unlimited' : parts.join(' or ');
}

/** The built-in Alertmanager's configuration without `--alertmanager.config.file`. */
const DEFAULT_ALERTMANAGER_YAML = 'route:\n  receiver: default\nreceivers:\n  - name: default\n';

/** Self-scrape interval without a configuration file (Prometheus' usual 15 s). */
const SELF_SCRAPE_INTERVAL = '15s';

/**
 * The configuration used without `--config.file`: Kansoku scrapes its own `/metrics` as
 * `job="kansoku"`, so a fresh start has data to query.
 */
function selfScrapeYaml(
  listenAddress: string,
  token: string | undefined,
  scheme: 'http' | 'https',
): string {
  return [
    'global:',
    `  scrape_interval: ${SELF_SCRAPE_INTERVAL}`,
    'scrape_configs:',
    '  - job_name: kansoku',
    // Over HTTPS the listener's own certificate names a host, not the loopback address scraped.
    ...(scheme === 'https'
      ? ['    scheme: https', '    tls_config:', '      insecure_skip_verify: true']
      : []),
    ...(token === undefined
      ? []
      : ['    authorization:', `      credentials: ${JSON.stringify(token)}`]),
    '    static_configs:',
    `      - targets: [${JSON.stringify(listenAddress)}]`,
    '',
  ].join('\n');
}
