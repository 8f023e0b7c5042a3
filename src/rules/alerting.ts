import { Labels, LabelsBuilder } from '../model/index.js';
import {
  labelsKey,
  newEvalStatus,
  type AlertChange,
  type AlertState,
  type EvalStatus,
  type NotifyAlert,
  type QueryFn,
  type QuerySample,
} from './query.js';
import { RuleEvalError } from './recording.js';
import {
  expandAlertTemplate,
  expandAlertTemplateAsync,
  usesQuery,
  type TemplateEnv,
} from './template.js';
import type { RuleSpec } from './types.js';

/** How long resolved alerts are kept (and re-sent) after they resolve: 15 minutes, as Prometheus. */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

/** One alert of an alerting rule. Times are in ms; 0 means "not set". */
export interface Alert {
  state: AlertState;
  labels: Labels;
  annotations: Labels;
  value: number;
  activeAt: number;
  firedAt: number;
  resolvedAt: number;
  lastSentAt: number;
  validUntil: number;
  keepFiringSince: number;
}

/** An alerting rule and its active alerts, keyed by their label set. */
export class AlertingRule {
  readonly status: EvalStatus = newEvalStatus();
  /** Active (pending, firing) and recently resolved alerts. */
  active = new Map<string, Alert>();
  /** The state changes of the last evaluation (replaced by each `eval`). */
  changes: AlertChange[] = [];
  /**
   * Whether alert state was restored after a restart: until then ALERTS_FOR_STATE is not
   * written, so that the restore reads the state from before the restart.
   */
  restored = true;

  constructor(
    readonly spec: RuleSpec,
    /** Group labels merged under the rule's own labels (templates allowed). */
    readonly labels: ReadonlyMap<string, string>,
    readonly env: TemplateEnv,
  ) {
    this.templatesQuery =
      [...labels.values()].some(usesQuery) || [...spec.annotations.values()].some(usesQuery);
  }

  /** Whether any label or annotation template calls `query`. */
  readonly templatesQuery: boolean;

  /** The alert name. */
  get name(): string {
    return this.spec.name;
  }

  /** The rule's state: firing if any alert fires, else pending if any pends, else inactive. */
  state(): AlertState {
    let st: AlertState = 'inactive';
    for (const a of this.active.values()) {
      if (a.state === 'firing') return 'firing';
      if (a.state === 'pending') st = 'pending';
    }
    return st;
  }

  /** Alerts that are pending or firing, sorted by labels. */
  activeAlerts(): Alert[] {
    return [...this.active.values()]
      .filter((a) => a.state !== 'inactive')
      .sort((a, b) => a.labels.compare(b.labels));
  }

  private async build(
    s: QuerySample,
    nowMs: number,
    query: QueryFn,
    signal: AbortSignal | undefined,
  ): Promise<{ labels: Labels; annotations: Labels }> {
    const rec = s.labels.toRecord();
    const expand = async (t: string): Promise<string> =>
      this.templatesQuery && usesQuery(t)
        ? expandAlertTemplateAsync(this.name, t, rec, s.v, this.env, nowMs, query, signal)
        : expandAlertTemplate(this.name, t, rec, s.v, this.env, nowMs);
    const b = new LabelsBuilder(s.labels).del('__name__');
    for (const [k, t] of this.labels) b.set(k, await expand(t));
    b.set('alertname', this.name);
    const ann: string[] = [];
    for (const [k, t] of this.spec.annotations) ann.push(k, await expand(t));
    return { labels: b.labels(), annotations: Labels.fromFlatUnsorted(ann) };
  }

  /**
   * Evaluates at `queryTimeMs`, moves alerts through inactive → pending → firing, and returns the
   * `ALERTS` and `ALERTS_FOR_STATE` samples stamped `tsMs`.
   */
  async eval(
    query: QueryFn,
    tsMs: number,
    queryTimeMs: number,
    limit: number,
    signal?: AbortSignal,
  ): Promise<QuerySample[]> {
    const res = await query(this.spec.expr, queryTimeMs, signal);
    const before = new Map<string, { state: AlertState; labels: Labels }>();
    for (const [k, a] of this.active) before.set(k, { state: a.state, labels: a.labels });
    this.changes = [];
    const seen = new Map<string, { labels: Labels; annotations: Labels; v: number }>();
    for (const s of res) {
      const a = await this.build(s, tsMs, query, signal);
      const key = labelsKey(a.labels);
      if (seen.has(key)) {
        throw new RuleEvalError(
          'vector contains metrics with the same labelset after applying alert labels',
        );
      }
      seen.set(key, { ...a, v: s.v });
    }
    for (const [key, a] of seen) {
      const old = this.active.get(key);
      if (old && old.state !== 'inactive') {
        old.value = a.v;
        old.annotations = a.annotations;
        continue;
      }
      this.active.set(key, {
        state: 'pending',
        labels: a.labels,
        annotations: a.annotations,
        value: a.v,
        activeAt: tsMs,
        firedAt: 0,
        resolvedAt: 0,
        lastSentAt: 0,
        validUntil: 0,
        keepFiringSince: 0,
      });
    }
    let numActive = 0;
    for (const [key, a] of this.active) {
      if (!seen.has(key)) {
        if (a.state === 'firing' && this.spec.keepFiringForMs > 0) {
          if (a.keepFiringSince === 0) a.keepFiringSince = tsMs;
          if (tsMs - a.keepFiringSince < this.spec.keepFiringForMs) {
            numActive++;
            continue;
          }
        }
        if (
          a.state === 'pending' ||
          (a.resolvedAt !== 0 && tsMs - a.resolvedAt > RESOLVED_RETENTION_MS)
        ) {
          this.active.delete(key);
        }
        if (a.state !== 'inactive') {
          a.state = 'inactive';
          a.resolvedAt = tsMs;
        }
        continue;
      }
      a.keepFiringSince = 0;
      numActive++;
      if (a.state === 'pending' && tsMs - a.activeAt >= this.spec.forMs) {
        a.state = 'firing';
        a.firedAt = tsMs;
      }
    }
    if (limit > 0 && numActive > limit) {
      this.active.clear();
      throw new RuleEvalError(`exceeded limit of ${limit} with ${numActive} alerts`);
    }
    this.noteChanges(before, tsMs);
    const out: QuerySample[] = [];
    for (const a of this.active.values()) {
      if (a.state === 'inactive') continue;
      out.push({ labels: alertSeries(a), t: tsMs, v: 1 });
      if (this.restored) {
        out.push({ labels: forStateSeries(a), t: tsMs, v: Math.floor(a.activeAt / 1000) });
      }
    }
    return out;
  }

  /** Fills `changes` by comparing the states before and after an evaluation. */
  private noteChanges(
    before: ReadonlyMap<string, { state: AlertState; labels: Labels }>,
    tsMs: number,
  ): void {
    for (const [k, a] of this.active) {
      const was = before.get(k)?.state ?? 'inactive';
      if (was === a.state) continue;
      const state = a.state === 'inactive' ? (was === 'firing' ? 'resolved' : 'inactive') : a.state;
      this.changes.push({ state, labels: a.labels, value: a.value, t: tsMs });
    }
    for (const [k, was] of before) {
      if (this.active.has(k) || was.state === 'inactive') continue;
      const state = was.state === 'firing' ? 'resolved' : 'inactive';
      this.changes.push({ state, labels: was.labels, value: NaN, t: tsMs });
    }
  }

  /**
   * The alerts to send now: firing ones not sent within `resendDelayMs`, and resolved ones not
   * yet sent since they resolved. Marks them sent.
   */
  alertsToSend(
    tsMs: number,
    resendDelayMs: number,
    intervalMs: number,
    generatorURL: string,
  ): NotifyAlert[] {
    const out: NotifyAlert[] = [];
    for (const a of this.active.values()) {
      if (a.state === 'pending') continue;
      const resolvedSinceSent = a.resolvedAt !== 0 && a.resolvedAt > a.lastSentAt;
      if (!resolvedSinceSent && a.lastSentAt + resendDelayMs >= tsMs) continue;
      a.lastSentAt = tsMs;
      a.validUntil = tsMs + 4 * Math.max(resendDelayMs, intervalMs);
      out.push({
        labels: a.labels,
        annotations: a.annotations,
        startsAt: a.firedAt,
        endsAt: a.resolvedAt !== 0 ? a.resolvedAt : a.validUntil,
        generatorURL,
      });
    }
    return out;
  }
}

/** The `ALERTS{alertname, alertstate, …}` series of an alert. */
export function alertSeries(a: Alert): Labels {
  return new LabelsBuilder(a.labels).set('__name__', 'ALERTS').set('alertstate', a.state).labels();
}

/** The `ALERTS_FOR_STATE{alertname, …}` series of an alert (value: activeAt in seconds). */
export function forStateSeries(a: Alert): Labels {
  return new LabelsBuilder(a.labels).set('__name__', 'ALERTS_FOR_STATE').labels();
}
