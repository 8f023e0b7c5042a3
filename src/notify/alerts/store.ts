import { Labels } from '../../model/index.js';
import { isValidLabelName } from '../config/index.js';
import type { Clock } from '../util/clock.js';
import { fingerprint, isResolved, mergeAlerts, type Alert } from './alert.js';

/** An alert as a client posts it (`POST /api/v2/alerts`); absent times are 0. */
export interface PostedAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly startsAtMs?: number;
  readonly endsAtMs?: number;
  readonly generatorURL?: string;
}

/** Rejected alerts of a `put`, with Alertmanager's messages. */
export class InvalidAlertsError extends Error {
  override readonly name = 'InvalidAlertsError';
  constructor(readonly problems: readonly string[]) {
    super(`cannot accept alerts: ${problems.join('; ')}`);
  }
}

/** Options of the alert store. */
export interface AlertStoreOptions {
  readonly clock: Clock;
  /** `global.resolve_timeout` in ms: alerts without `endsAt` resolve this long after an update. */
  readonly resolveTimeoutMs: number;
}

/**
 * The current alerts by fingerprint. Receiving an alert merges it with the stored one and
 * tells the subscribers (the dispatcher). Not thread-safe; one owner on the event loop.
 */
export class AlertStore {
  private readonly alerts = new Map<string, Alert>();
  private readonly subscribers = new Set<(a: Alert, fp: string) => void>();

  constructor(private options: AlertStoreOptions) {}

  /** Changes the resolve timeout (on configuration reload). */
  setResolveTimeout(ms: number): void {
    this.options = { ...this.options, resolveTimeoutMs: ms };
  }

  /**
   * Validates and stores alerts. Valid alerts are stored even when others are rejected; the
   * rejected ones are reported by throwing `InvalidAlertsError` afterwards.
   */
  put(posted: readonly PostedAlert[]): void {
    const now = this.options.clock.now();
    const problems: string[] = [];
    for (const p of posted) {
      const problem = validate(p);
      if (problem !== undefined) {
        problems.push(`${problem}: ${JSON.stringify(p.labels)}`);
        continue;
      }
      let startsAtMs = p.startsAtMs ?? 0;
      let endsAtMs = p.endsAtMs ?? 0;
      let timeout = false;
      if (startsAtMs === 0) startsAtMs = endsAtMs === 0 ? now : endsAtMs;
      if (endsAtMs === 0) {
        timeout = true;
        endsAtMs = now + this.options.resolveTimeoutMs;
      }
      const labels = Labels.fromRecord(p.labels);
      this.insert({
        labels,
        annotations: { ...(p.annotations ?? {}) },
        startsAtMs,
        endsAtMs,
        generatorURL: p.generatorURL ?? '',
        updatedAtMs: now,
        timeout,
      });
    }
    if (problems.length > 0) throw new InvalidAlertsError(problems);
  }

  /** Stores an already complete alert (merging with a stored one). */
  insert(a: Alert): void {
    const fp = fingerprint(a.labels);
    const prev = this.alerts.get(fp);
    const merged = prev === undefined ? a : mergeAlerts(prev, a);
    this.alerts.set(fp, merged);
    for (const s of this.subscribers) s(merged, fp);
  }

  /** The alert with the fingerprint, if stored. */
  get(fp: string): Alert | undefined {
    return this.alerts.get(fp);
  }

  /** All stored alerts with their fingerprints. */
  list(): [string, Alert][] {
    return [...this.alerts];
  }

  /** Calls `fn` for every alert received from now on; returns the unsubscribe function. */
  subscribe(fn: (a: Alert, fp: string) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  /** Drops resolved alerts; returns their fingerprints. */
  gc(): string[] {
    const now = this.options.clock.now();
    const dropped: string[] = [];
    for (const [fp, a] of this.alerts) {
      if (isResolved(a, now)) {
        this.alerts.delete(fp);
        dropped.push(fp);
      }
    }
    return dropped;
  }
}

function validate(p: PostedAlert): string | undefined {
  const names = Object.keys(p.labels);
  if (names.length === 0) return 'at least one label pair required';
  for (const n of names) {
    if (!isValidLabelName(n)) return `invalid label name ${JSON.stringify(n)}`;
    if ((p.labels[n] ?? '') === '') return `empty value for label ${JSON.stringify(n)}`;
  }
  for (const n of Object.keys(p.annotations ?? {})) {
    if (!isValidLabelName(n)) return `invalid annotation name ${JSON.stringify(n)}`;
  }
  const s = p.startsAtMs ?? 0;
  const e = p.endsAtMs ?? 0;
  if (s !== 0 && e !== 0 && e < s) return 'start time must be before end time';
  return undefined;
}
