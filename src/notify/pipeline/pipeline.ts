import { isResolved, type Alert } from '../alerts/alert.js';
import { fingerprint } from '../alerts/alert.js';
import type { Inhibitor } from '../alerts/inhibit.js';
import type { TimeInterval } from '../config/index.js';
import type { FlushFn, GroupContext } from '../dispatch/group.js';
import { routeMuted } from '../dispatch/route.js';
import type { AlertHistory } from '../history/history.js';
import type { Silences } from '../silence/silences.js';
import type { Clock } from '../util/clock.js';
import { NotificationLog, needsUpdate } from './nflog.js';

/** A failed delivery; `retryable` false stops the retries (for example HTTP 4xx). */
export class NotifyError extends Error {
  override readonly name = 'NotifyError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * One configured integration of a receiver (a webhook, a Slack channel, …). `send` gets the
 * alerts to deliver (already filtered by `sendResolved`) and must honour the signal.
 */
export interface Integration {
  readonly receiver: string;
  /** The integration kind (`webhook`, `slack`, …). */
  readonly kind: string;
  /** Position among the receiver's integrations of this kind. */
  readonly index: number;
  readonly sendResolved: boolean;
  send(ctx: GroupContext, alerts: readonly Alert[]): Promise<void>;
}

/** Backoff between delivery attempts: starts at `initialMs`, grows by `multiplier` to `maxMs`. */
export interface RetryOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly multiplier: number;
}

/** Alertmanager's backoff (500ms, ×1.5, at most 1m), without jitter. */
export const DEFAULT_RETRY: RetryOptions = { initialMs: 500, maxMs: 60_000, multiplier: 1.5 };

/** Everything the notification pipeline consults. */
export interface PipelineOptions {
  readonly clock: Clock;
  readonly nflog: NotificationLog;
  readonly silences: Silences;
  readonly inhibitor: Inhibitor;
  readonly timeIntervals: ReadonlyMap<string, TimeInterval>;
  /** Integrations by receiver name. */
  readonly integrations: ReadonlyMap<string, readonly Integration[]>;
  readonly retry?: RetryOptions;
  /** Where silenced, notified and failed-to-notify events are recorded (optional). */
  readonly history?: AlertHistory;
  /** Called once per delivery of an integration: `ok` false when it failed for good. */
  readonly onDelivery?: (i: Integration, ok: boolean) => void;
  /** Called for every failed attempt (for logs and metrics). */
  readonly onError?: (i: Integration, err: Error, attempt: number) => void;
}

/**
 * Builds the flush function of the dispatcher: drop inhibited and silenced alerts, skip muted
 * routes, then per integration (in parallel) deduplicate against the notification log, send with
 * retries until the group's deadline, and log what was sent.
 */
export function buildPipeline(opts: PipelineOptions): FlushFn {
  /** Per alert fingerprint: the silences that muted it at the last flush (for history). */
  const silencedBy = new Map<string, string>();
  return async (ctx, alerts) => {
    const now = opts.clock.now();
    const kept = alerts.filter((a) => {
      if (opts.inhibitor.mutes(a.labels, now).length > 0) return false;
      const ids = opts.silences.mutes(a.labels, now);
      if (opts.history) noteSilenced(opts.history, silencedBy, a, ids.join(','), now);
      return ids.length === 0;
    });
    if (routeMuted(ctx.route, opts.timeIntervals, now).muted) return true;
    const integrations = opts.integrations.get(ctx.receiver) ?? [];
    const results = await Promise.all(integrations.map((i) => deliver(opts, i, ctx, kept)));
    return results.every(Boolean);
  };
}

async function deliver(
  opts: PipelineOptions,
  i: Integration,
  ctx: GroupContext,
  alerts: readonly Alert[],
): Promise<boolean> {
  const firing = new Set<string>();
  const resolved = new Set<string>();
  for (const a of alerts) (isResolved(a, ctx.nowMs) ? resolved : firing).add(fingerprint(a.labels));
  const key = NotificationLog.key(ctx.groupKey, i.receiver, i.kind, i.index);
  const entry = opts.nflog.query(key);
  if (
    !needsUpdate(
      entry,
      firing,
      resolved,
      i.sendResolved,
      ctx.route.options.repeatIntervalMs,
      ctx.nowMs,
    )
  ) {
    return true;
  }
  const toSend = i.sendResolved ? alerts : alerts.filter((a) => !isResolved(a, ctx.nowMs));
  if (toSend.length > 0) {
    const err = await sendWithRetry(opts, i, ctx, toSend);
    opts.onDelivery?.(i, err === undefined);
    const receiver = `${i.receiver}/${i.kind}[${i.index}]`;
    for (const a of toSend) {
      opts.history?.record({
        event: err === undefined ? 'notified' : 'notify_failed',
        labels: a.labels,
        receiver,
        detail: err?.message ?? (isResolved(a, ctx.nowMs) ? 'resolved' : 'firing'),
      });
    }
    if (err !== undefined) return false;
  }
  await opts.nflog.log(key, [...firing], [...resolved]);
  return true;
}

/** Records `silenced` when silences start muting an alert and `unsilenced` when they stop. */
function noteSilenced(
  history: AlertHistory,
  silencedBy: Map<string, string>,
  a: Alert,
  ids: string,
  now: number,
): void {
  const fp = fingerprint(a.labels);
  const before = silencedBy.get(fp) ?? '';
  if (before === ids) return;
  if (ids === '') silencedBy.delete(fp);
  else silencedBy.set(fp, ids);
  if (isResolved(a, now) && ids === '') return;
  history.record({
    event: ids === '' ? 'unsilenced' : 'silenced',
    labels: a.labels,
    ...(ids === '' ? {} : { detail: ids }),
  });
}

/** Sends with retries; undefined on success, else the last error. */
async function sendWithRetry(
  opts: PipelineOptions,
  i: Integration,
  ctx: GroupContext,
  alerts: readonly Alert[],
): Promise<Error | undefined> {
  const r = opts.retry ?? DEFAULT_RETRY;
  let wait = r.initialMs;
  for (let attempt = 1; ; attempt++) {
    let last: Error;
    try {
      await i.send(ctx, alerts);
      return undefined;
    } catch (e) {
      last = e instanceof Error ? e : new Error(String(e));
      opts.onError?.(i, last, attempt);
      if (last instanceof NotifyError && !last.retryable) return last;
      if (ctx.signal.aborted) return last;
    }
    try {
      await opts.clock.sleep(wait, ctx.signal);
    } catch {
      return last;
    }
    wait = Math.min(r.maxMs, wait * r.multiplier);
  }
}
