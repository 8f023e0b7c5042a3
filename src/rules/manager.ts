import { expandGlob } from '../config/index.js';
import type { Appendable } from '../storage/index.js';
import type { Logger } from '../util/index.js';
import { RuleFileError } from './errors.js';
import { loadRuleFile } from './file.js';
import { Group, type GroupDeps } from './group.js';
import type { AlertChangeFn, NotifyFn, QueryFn } from './query.js';
import type { TemplateEnv } from './template.js';
import type { GroupSpec, RuleFileOptions } from './types.js';

/** Settings of the rule manager (Prometheus flags and global config). */
export interface RuleManagerOptions {
  /** `global.evaluation_interval`, ms. */
  evaluationIntervalMs: number;
  /** `global.rule_query_offset`, ms. */
  queryOffsetMs: number;
  /** `global.external_labels`. */
  externalLabels: Record<string, string>;
  /** `--web.external-url`. */
  externalURL: string;
  /** Resend delay of firing alerts (`--rules.alert.resend-delay`), ms. */
  resendDelayMs: number;
  /** `--rules.alert.for-outage-tolerance`, ms. */
  outageToleranceMs: number;
  /** `--rules.alert.for-grace-period`, ms. */
  forGracePeriodMs: number;
  /** Restore alert `for` state from ALERTS_FOR_STATE on the first evaluation. */
  restoreForState: boolean;
  /** Rule file parsing options. */
  fileOptions: RuleFileOptions;
}

/** Prometheus' defaults: 1m interval, 1m resend delay, 1h outage tolerance, 10m grace period. */
export function defaultRuleManagerOptions(): RuleManagerOptions {
  return {
    evaluationIntervalMs: 60_000,
    queryOffsetMs: 0,
    externalLabels: {},
    externalURL: 'http://localhost:9090',
    resendDelayMs: 60_000,
    outageToleranceMs: 3_600_000,
    forGracePeriodMs: 600_000,
    restoreForState: true,
    fileOptions: {},
  };
}

/** What the manager gets injected. */
export interface RuleManagerDeps {
  readonly query: QueryFn;
  readonly appendable: Appendable;
  readonly notify?: NotifyFn | undefined;
  /** Receives alert state changes (pending, firing, resolved) for the alert history. */
  readonly onAlertChange?: AlertChangeFn | undefined;
  readonly logger?: Logger | undefined;
  /** Clock in ms; default Date.now. */
  readonly now?: (() => number) | undefined;
  /**
   * Whether this server evaluates rules right now (high availability: only the leader does).
   * Absent: always. A skipped evaluation restores `for` state when evaluation resumes.
   */
  readonly shouldEvaluate?: (() => boolean) | undefined;
}

interface Running {
  group: Group;
  timer: NodeJS.Timeout | undefined;
  stopped: boolean;
  abort: AbortController;
  /** Resolves when the evaluation in progress (if any) ends. */
  busy: Promise<void>;
  restorePending: boolean;
}

/** Two group specs with the same content (so a reload keeps the running group). */
function sameSpec(a: GroupSpec, b: GroupSpec): boolean {
  const strip = (g: GroupSpec) =>
    JSON.stringify({
      ...g,
      labels: [...g.labels],
      rules: g.rules.map((r) => ({
        ...r,
        parsed: null,
        line: 0,
        labels: [...r.labels],
        annotations: [...r.annotations],
      })),
    });
  return strip(a) === strip(b);
}

/**
 * Runs rule groups: loads rule files from globs, evaluates each group on its interval (aligned
 * per group), writes results through the Appendable and sends alerts through NotifyFn. Reloading
 * keeps running unchanged groups and the alert state of rules that stay. Not reentrant: call
 * `update` and `stop` one at a time.
 */
export class RuleManager {
  private readonly groups = new Map<string, Running>();
  private started = false;
  private readonly now: () => number;

  constructor(
    private opts: RuleManagerOptions,
    private readonly deps: RuleManagerDeps,
  ) {
    this.now = deps.now ?? Date.now;
  }

  /** Loads and validates every file the globs match; throws RuleFileError for bad files. */
  loadGroups(patterns: readonly string[]): GroupSpec[] {
    const files = [...new Set(patterns.flatMap((p) => expandGlob(p)))];
    const specs: GroupSpec[] = [];
    const errors: RuleFileError[] = [];
    for (const f of files) {
      try {
        specs.push(...loadRuleFile(f, this.opts.fileOptions));
      } catch (e) {
        if (e instanceof RuleFileError) errors.push(e);
        else throw e;
      }
    }
    const first = errors[0];
    if (first) {
      throw new RuleFileError(
        first.file,
        errors.flatMap((e) => e.lines().map((message) => ({ message }))),
      );
    }
    return specs;
  }

  /**
   * Applies new rule files (and optionally new options): on any invalid file nothing changes and
   * the error is thrown. Unchanged groups keep running; changed ones take over the old state.
   */
  async update(patterns: readonly string[], opts?: RuleManagerOptions): Promise<void> {
    if (opts) this.opts = opts;
    const specs = this.loadGroups(patterns);
    await this.apply(specs);
  }

  /** Applies already loaded group specs; see update. */
  async apply(specs: readonly GroupSpec[]): Promise<void> {
    const next = new Map<string, Running>();
    const firstLoad = !this.started && this.groups.size === 0;
    for (const spec of specs) {
      const g = new Group(spec, this.groupDeps());
      const old = this.groups.get(g.key);
      if (old && sameSpec(old.group.spec, spec) && !next.has(g.key)) {
        next.set(g.key, old);
        this.groups.delete(g.key);
        continue;
      }
      if (old) {
        await this.halt(old);
        g.copyState(old.group);
        this.groups.delete(g.key);
      }
      const restore = firstLoad && this.opts.restoreForState;
      if (restore) g.prepareRestore();
      next.set(g.key, {
        group: g,
        timer: undefined,
        stopped: false,
        abort: new AbortController(),
        busy: Promise.resolve(),
        restorePending: restore,
      });
    }
    const nowMs = this.now();
    for (const r of this.groups.values()) {
      await this.halt(r);
      await r.group.markStale(nowMs);
    }
    this.groups.clear();
    for (const [k, r] of next) {
      this.groups.set(k, r);
      if (this.started && r.timer === undefined && !r.stopped) this.schedule(r);
    }
  }

  private groupDeps(): GroupDeps {
    const env: TemplateEnv = {
      externalLabels: this.opts.externalLabels,
      externalURL: this.opts.externalURL,
    };
    return {
      query: this.deps.query,
      appendable: this.deps.appendable,
      notify: this.deps.notify,
      onAlertChange: this.deps.onAlertChange,
      logger: this.deps.logger,
      env,
      defaultIntervalMs: this.opts.evaluationIntervalMs,
      defaultQueryOffsetMs: this.opts.queryOffsetMs,
      resendDelayMs: this.opts.resendDelayMs,
      outageToleranceMs: this.opts.outageToleranceMs,
      forGracePeriodMs: this.opts.forGracePeriodMs,
      externalURL: this.opts.externalURL,
    };
  }

  /** Starts evaluating all groups. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const r of this.groups.values()) this.schedule(r);
  }

  private schedule(r: Running): void {
    const g = r.group;
    const nowMs = this.now();
    let next = g.evalTimestamp(nowMs) + g.intervalMs;
    if (g.lastEvaluation >= next) next = g.lastEvaluation + g.intervalMs;
    const tick = (): void => {
      if (r.stopped) return;
      const ts = next;
      r.busy = this.runOnce(r, ts);
      void r.busy.then(() => {
        if (r.stopped) return;
        const missed = Math.max(0, Math.floor((this.now() - ts) / g.intervalMs) - 1);
        if (missed > 0)
          this.deps.logger?.warn('rule group evaluations missed', { group: g.name, missed });
        next = ts + (missed + 1) * g.intervalMs;
        r.timer = setTimeout(tick, Math.max(0, next - this.now()));
      });
    };
    r.timer = setTimeout(tick, Math.max(0, next - nowMs));
  }

  private async runOnce(r: Running, ts: number): Promise<void> {
    if (this.deps.shouldEvaluate && !this.deps.shouldEvaluate()) {
      r.restorePending = this.opts.restoreForState;
      return;
    }
    try {
      await r.group.evaluate(ts, r.abort.signal);
      if (r.restorePending) {
        r.restorePending = false;
        await r.group.restoreForState(ts, r.abort.signal);
      }
    } catch (e) {
      this.deps.logger?.error('rule group evaluation failed', {
        group: r.group.name,
        err: String(e),
      });
    }
  }

  private async halt(r: Running): Promise<void> {
    r.stopped = true;
    if (r.timer !== undefined) clearTimeout(r.timer);
    r.timer = undefined;
    r.abort.abort();
    await r.busy;
  }

  /** Stops every group and waits for running evaluations to end. Alert state stays in memory. */
  async stop(): Promise<void> {
    this.started = false;
    for (const r of this.groups.values()) await this.halt(r);
    for (const r of this.groups.values()) {
      r.stopped = false;
      r.abort = new AbortController();
    }
  }

  /** The current groups, in load order. */
  ruleGroups(): Group[] {
    return [...this.groups.values()].map((r) => r.group);
  }

  /** The external URL and labels alerts are built with. */
  options(): Readonly<RuleManagerOptions> {
    return this.opts;
  }
}
