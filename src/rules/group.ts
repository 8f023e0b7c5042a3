import { hashStrings, STALE_NAN, type Labels } from '../model/index.js';
import type { Appendable, Appender } from '../storage/index.js';
import type { Logger } from '../util/index.js';
import { AlertingRule } from './alerting.js';
import {
  labelsKey,
  type AlertChangeFn,
  type NotifyFn,
  type QueryFn,
  type QuerySample,
} from './query.js';
import { readNames, readsAny, type ReadSet } from './reads.js';
import { RecordingRule } from './recording.js';
import type { TemplateEnv } from './template.js';
import type { GroupSpec } from './types.js';

/** A rule of a group: recording or alerting. */
export type Rule = RecordingRule | AlertingRule;

/** What a group needs from its surroundings. */
export interface GroupDeps {
  readonly query: QueryFn;
  readonly appendable: Appendable;
  readonly notify?: NotifyFn | undefined;
  /** Receives alert state changes (pending, firing, resolved) for the alert history. */
  readonly onAlertChange?: AlertChangeFn | undefined;
  readonly logger?: Logger | undefined;
  /** Template inputs for alert labels and annotations. */
  readonly env: TemplateEnv;
  /** Used when the group has no `interval`, in ms. */
  readonly defaultIntervalMs: number;
  /** Used when the group has no `query_offset`, in ms. */
  readonly defaultQueryOffsetMs: number;
  /** Minimum delay between two sends of one firing alert, in ms (Alertmanager's 1m). */
  readonly resendDelayMs: number;
  /** How far back ALERTS_FOR_STATE is looked up when restoring, in ms. */
  readonly outageToleranceMs: number;
  /** Minimum time an alert restored as pending keeps pending, in ms. */
  readonly forGracePeriodMs: number;
  /** The base of alert generator URLs (`/graph?g0.expr=…`). */
  readonly externalURL: string;
}

/** A rule group: its rules, evaluated in order at one interval, and what they wrote last. */
export class Group {
  readonly rules: Rule[];
  /** Per rule: the series written by its last successful evaluation. */
  private prevSeries: Map<string, Labels>[];
  /** Per rule: the metric names it writes (its record name, or ALERTS and ALERTS_FOR_STATE). */
  private readonly writes: ReadonlySet<string>[];
  /** Per rule: the metric names its expression and templates read. */
  private readonly reads: ReadSet[];
  /** Series of rules dropped by a reload, marked stale at the next evaluation. */
  private pendingStale: Labels[] = [];
  /** Timestamp (ms) and duration (s) of the last evaluation. */
  lastEvaluation = 0;
  evaluationTime = 0;

  constructor(
    readonly spec: GroupSpec,
    /** What the group was built with (shared by the groups of one manager). */
    readonly deps: GroupDeps,
  ) {
    this.rules = spec.rules.map((r) => {
      const labels = new Map([...spec.labels, ...r.labels]);
      return r.kind === 'recording'
        ? new RecordingRule(r, labels)
        : new AlertingRule(r, labels, deps.env);
    });
    this.prevSeries = this.rules.map(() => new Map<string, Labels>());
    this.writes = this.rules.map((r) =>
      r instanceof AlertingRule ? new Set(['ALERTS', 'ALERTS_FOR_STATE']) : new Set([r.name]),
    );
    this.reads = this.rules.map((r) =>
      r instanceof AlertingRule && r.templatesQuery ? 'any' : readNames(r.spec.parsed),
    );
  }

  /** Holds back ALERTS_FOR_STATE until restoreForState ran (call before the first evaluation). */
  prepareRestore(): void {
    for (const r of this.rules) if (r instanceof AlertingRule) r.restored = false;
  }

  /** The group's name. */
  get name(): string {
    return this.spec.name;
  }

  /** The group's file. */
  get file(): string {
    return this.spec.file;
  }

  /** The evaluation interval in ms. */
  get intervalMs(): number {
    return this.spec.intervalMs > 0 ? this.spec.intervalMs : this.deps.defaultIntervalMs;
  }

  /** The query offset in ms. */
  get queryOffsetMs(): number {
    return this.spec.queryOffsetMs ?? this.deps.defaultQueryOffsetMs;
  }

  /** The group's key in a manager: file and name. */
  get key(): string {
    return groupKey(this.spec.file, this.spec.name);
  }

  /**
   * The latest evaluation time at or before `nowMs`: a multiple of the interval shifted by a
   * fixed per-group offset, so that groups spread over the interval.
   */
  evalTimestamp(nowMs: number): number {
    const iv = this.intervalMs;
    const offset = hashStrings(['name', this.spec.name, 'file', this.spec.file]) % iv;
    const adj = nowMs - offset;
    return adj - (((adj % iv) + iv) % iv) + offset;
  }

  /** Evaluates every rule in order at `tsMs`, writes the results and sends alerts. */
  async evaluate(tsMs: number, signal?: AbortSignal): Promise<void> {
    const start = performance.now();
    const queryTime = tsMs - this.queryOffsetMs;
    if (this.pendingStale.length > 0) {
      const app = this.deps.appendable.appender();
      for (const l of this.pendingStale) this.tryAppend(app, l, tsMs, STALE_NAN);
      this.pendingStale = [];
      await app.commit().catch((e: unknown) => {
        this.deps.logger?.warn('cannot write staleness markers', {
          group: this.name,
          err: String(e),
        });
      });
    }
    // The samples of all rules go into one appender, committed (one log write) at the end, or
    // earlier when a rule reads a metric name that an earlier rule of this evaluation wrote, so
    // that every rule sees the output of the rules before it.
    let app: Appender | undefined;
    const pending = new Set<string>();
    for (let i = 0; i < this.rules.length; i++) {
      if (signal?.aborted) {
        if (app) await this.commit(app);
        return;
      }
      const rule = this.rules[i];
      if (!rule) continue;
      if (app && readsAny(this.reads[i] ?? 'any', pending)) {
        await this.commit(app);
        app = undefined;
        pending.clear();
      }
      const t0 = performance.now();
      let samples: QuerySample[];
      try {
        samples = await rule.eval(this.deps.query, tsMs, queryTime, this.spec.limit, signal);
        rule.status.health = 'ok';
        rule.status.lastError = '';
      } catch (e) {
        rule.status.health = 'err';
        rule.status.lastError = e instanceof Error ? e.message : String(e);
        rule.status.lastEvaluation = tsMs;
        rule.status.evaluationTime = (performance.now() - t0) / 1000;
        this.deps.logger?.warn('rule evaluation failed', {
          group: this.name,
          rule: rule.name,
          err: rule.status.lastError,
        });
        continue;
      }
      rule.status.lastEvaluation = tsMs;
      rule.status.evaluationTime = (performance.now() - t0) / 1000;
      if (rule instanceof AlertingRule && rule.changes.length > 0) {
        this.deps.onAlertChange?.(rule.changes);
      }
      if (rule instanceof AlertingRule && this.deps.notify) {
        const url = generatorURL(this.deps.externalURL, rule.spec.expr);
        const alerts = rule.alertsToSend(tsMs, this.deps.resendDelayMs, this.intervalMs, url);
        if (alerts.length > 0) this.deps.notify(alerts);
      }
      app ??= this.deps.appendable.appender();
      if (this.write(i, samples, tsMs, app)) for (const n of this.writes[i] ?? []) pending.add(n);
    }
    if (app) await this.commit(app);
    this.lastEvaluation = tsMs;
    this.evaluationTime = (performance.now() - start) / 1000;
  }

  /**
   * Appends the samples of rule `i` and staleness markers for its vanished series to `app`;
   * returns whether it appended anything.
   */
  private write(i: number, samples: readonly QuerySample[], tsMs: number, app: Appender): boolean {
    const prev = this.prevSeries[i] ?? new Map<string, Labels>();
    const cur = new Map<string, Labels>();
    let n = samples.length;
    for (const s of samples) {
      cur.set(labelsKey(s.labels), s.labels);
      this.tryAppend(app, s.labels, s.t, s.v);
    }
    for (const [k, l] of prev) {
      if (cur.has(k)) continue;
      this.tryAppend(app, l, tsMs, STALE_NAN);
      n++;
    }
    this.prevSeries[i] = cur;
    return n > 0;
  }

  /** Commits the rule results in `app` (rolled back and logged when that fails). */
  private async commit(app: Appender): Promise<void> {
    try {
      await app.commit();
    } catch (e) {
      this.deps.logger?.warn('cannot write rule results', { group: this.name, err: String(e) });
      await app.rollback().catch(() => undefined);
    }
  }

  private tryAppend(app: Appender, l: Labels, t: number, v: number): void {
    try {
      app.append(0, l, t, v);
    } catch (e) {
      this.deps.logger?.debug('rule sample rejected', { series: l.toString(), err: String(e) });
    }
  }

  /** Writes staleness markers at `tsMs` for every series the group wrote last (on removal). */
  async markStale(tsMs: number): Promise<void> {
    const app = this.deps.appendable.appender();
    for (const prev of this.prevSeries)
      for (const l of prev.values()) this.tryAppend(app, l, tsMs, STALE_NAN);
    this.prevSeries = this.rules.map(() => new Map<string, Labels>());
    await app.commit().catch((e: unknown) => {
      this.deps.logger?.warn('cannot write staleness markers', {
        group: this.name,
        err: String(e),
      });
    });
  }

  /**
   * Takes over the state of the same group before a reload: evaluation times, the series written
   * and the alerts of rules with the same kind and name (in order).
   */
  copyState(old: Group): void {
    this.lastEvaluation = old.lastEvaluation;
    this.evaluationTime = old.evaluationTime;
    const byName = new Map<string, number[]>();
    old.rules.forEach((r, i) => {
      const k = `${r.spec.kind}\u0000${r.name}`;
      byName.set(k, [...(byName.get(k) ?? []), i]);
    });
    const taken = new Set<number>();
    this.rules.forEach((r, i) => {
      const list = byName.get(`${r.spec.kind}\u0000${r.name}`);
      const j = list?.shift();
      if (j === undefined) return;
      taken.add(j);
      const o = old.rules[j];
      if (!o) return;
      Object.assign(r.status, o.status);
      this.prevSeries[i] = old.prevSeries[j] ?? new Map<string, Labels>();
      if (r instanceof AlertingRule && o instanceof AlertingRule) {
        r.active = o.active;
        r.restored = o.restored;
      }
    });
    this.pendingStale = [...old.pendingStale];
    old.prevSeries.forEach((m, j) => {
      if (!taken.has(j)) this.pendingStale.push(...m.values());
    });
  }

  /**
   * Restores `activeAt` of pending and firing alerts with a `for` duration from the
   * ALERTS_FOR_STATE series written before a restart.
   */
  async restoreForState(tsMs: number, signal?: AbortSignal): Promise<void> {
    const tol = Math.max(1, Math.round(this.deps.outageToleranceMs / 1000));
    const step = Math.max(1, Math.round(this.intervalMs / 1000));
    for (const rule of this.rules) {
      if (!(rule instanceof AlertingRule)) continue;
      rule.restored = true;
      if (rule.spec.forMs === 0 || rule.active.size === 0) continue;
      const sel = `ALERTS_FOR_STATE{alertname=${JSON.stringify(rule.name)}}`;
      let values: QuerySample[];
      let times: QuerySample[];
      try {
        values = await this.deps.query(`last_over_time(${sel}[${tol}s])`, tsMs, signal);
        times = await this.deps.query(
          `last_over_time(timestamp(${sel})[${tol}s:${step}s])`,
          tsMs,
          signal,
        );
      } catch (e) {
        this.deps.logger?.warn('cannot restore alert state', { rule: rule.name, err: String(e) });
        continue;
      }
      const downAtByKey = new Map(
        times.map((s) => [labelsKey(s.labels.without('__name__')), s.v * 1000]),
      );
      const valueByKey = new Map(
        values.map((s) => [labelsKey(s.labels.without('__name__')), s.v * 1000]),
      );
      for (const a of rule.active.values()) {
        if (a.state === 'inactive') continue;
        const key = labelsKey(a.labels);
        const activeAt = valueByKey.get(key);
        const downAt = downAtByKey.get(key);
        if (activeAt === undefined || downAt === undefined) continue;
        const remaining = rule.spec.forMs - (downAt - activeAt);
        let restored = activeAt;
        if (remaining > 0) {
          restored =
            remaining < this.deps.forGracePeriodMs
              ? tsMs + this.deps.forGracePeriodMs - rule.spec.forMs
              : activeAt + (tsMs - downAt);
        }
        a.activeAt = restored;
      }
    }
  }
}

/** The key of a group in a manager. */
export function groupKey(file: string, name: string): string {
  return `${file};${name}`;
}

/** The link from an alert to its expression in the query page, as Prometheus builds it. */
export function generatorURL(externalURL: string, expr: string): string {
  return `${externalURL.replace(/\/$/, '')}/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`;
}
