import type { Labels } from '../../model/index.js';
import { isResolved, type Alert } from '../alerts/alert.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { Route } from './route.js';

/** What the pipeline gets with each flush of a group. */
export interface GroupContext {
  /** `<route key>:<group labels>`, as in Alertmanager's webhook `groupKey`. */
  readonly groupKey: string;
  readonly route: Route;
  readonly receiver: string;
  readonly groupLabels: Labels;
  readonly nowMs: number;
  /** Aborts when the flush overruns `group_interval`. */
  readonly signal: AbortSignal;
}

/** Sends a group's alerts; resolves true when every integration succeeded. */
export type FlushFn = (ctx: GroupContext, alerts: readonly Alert[]) => Promise<boolean>;

/**
 * An aggregation group: the alerts of one route with the same group labels. The first flush
 * waits `group_wait` (or happens at once for alerts older than that), later ones come every
 * `group_interval`. Resolved alerts leave the group once they were sent unchanged.
 */
export class AggregationGroup {
  readonly groupKey: string;
  private readonly alerts = new Map<string, Alert>();
  private timer: TimerHandle | undefined;
  private flushed = false;
  private running = false;
  private stopped = false;

  constructor(
    readonly route: Route,
    readonly groupLabels: Labels,
    private readonly clock: Clock,
    private readonly flushFn: FlushFn,
    private readonly onEmpty: (g: AggregationGroup) => void,
  ) {
    this.groupKey = `${route.key()}:${groupLabels.toString()}`;
    this.timer = clock.setTimer(() => void this.tick(), route.options.groupWaitMs);
  }

  /** Adds or replaces an alert (by fingerprint). */
  insert(fp: string, a: Alert): void {
    this.alerts.set(fp, a);
    // An alert that started longer than group_wait ago is sent at once.
    if (
      !this.flushed &&
      !this.running &&
      a.startsAtMs + this.route.options.groupWaitMs < this.clock.now()
    ) {
      this.timer?.cancel();
      this.timer = this.clock.setTimer(() => void this.tick(), 0);
    }
  }

  /** The group's alerts, sorted by fingerprint. */
  list(): [string, Alert][] {
    return [...this.alerts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** Whether the group holds no alert. */
  empty(): boolean {
    return this.alerts.size === 0;
  }

  /** Cancels the timer; no flush starts afterwards. */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const interval = this.route.options.groupIntervalMs;
    this.timer = this.clock.setTimer(() => void this.tick(), interval);
    if (this.running) return;
    this.running = true;
    try {
      await this.flush(interval);
    } finally {
      this.running = false;
      this.flushed = true;
    }
    if (this.empty()) {
      this.stop();
      this.onEmpty(this);
    }
  }

  private async flush(timeoutMs: number): Promise<void> {
    const snapshot = this.list();
    if (snapshot.length === 0) return;
    const now = this.clock.now();
    const ac = new AbortController();
    const deadline = this.clock.setTimer(() => {
      ac.abort(new Error('notification timed out after group_interval'));
    }, timeoutMs);
    let ok = false;
    try {
      ok = await this.flushFn(
        {
          groupKey: this.groupKey,
          route: this.route,
          receiver: this.route.options.receiver,
          groupLabels: this.groupLabels,
          nowMs: now,
          signal: ac.signal,
        },
        snapshot.map(([, a]) => a),
      );
    } finally {
      deadline.cancel();
    }
    if (!ok) return;
    for (const [fp, a] of snapshot) {
      // Drop resolved alerts that did not change while they were being sent.
      if (isResolved(a, now) && this.alerts.get(fp) === a) this.alerts.delete(fp);
    }
  }
}
