/**
 * `GET /api/kansoku/alerts/history`: the stored timeline of alert state changes (pending,
 * firing, resolved, silenced, notified, failed to notify), in Prometheus' JSON envelope.
 */
import type { Matcher } from '../../model/index.js';
import { parseMatchers, type Alertmanager, type HistoryEntry } from '../../notify/index.js';
import { HttpError } from '../errors.js';
import { BadParamError, parseTimeParam } from '../params.js';
import { sendSuccess } from '../respond.js';
import type { Router } from '../router.js';

/** Range queried when `start` is absent: the last 24 hours. */
const DEFAULT_RANGE_MS = 24 * 3_600_000;

/** Most entries one answer holds unless `limit` asks for fewer (the newest are kept). */
const MAX_ENTRIES = 10_000;

/** One entry as the API writes it (times as RFC 3339 and Unix seconds). */
export interface ApiHistoryEntry {
  readonly time: string;
  readonly timestamp: number;
  readonly event: HistoryEntry['event'];
  readonly labels: Readonly<Record<string, string>>;
  readonly fingerprint: string;
  readonly receiver?: string;
  readonly value?: number;
  readonly detail?: string;
}

/** Adds the alert history route. */
export function addAlertHistoryRoute(
  router: Router,
  alertmanager: () => Alertmanager | undefined,
): void {
  router.get('/api/kansoku/alerts/history', (ctx) => {
    const am = alertmanager();
    if (!am) throw new HttpError(503, 'unavailable', 'the Alertmanager is not ready yet');
    const p = ctx.url.searchParams;
    const now = am.clock.now();
    const endMs = parseTimeParam(p.get('end'), 'end', now);
    const startMs = parseTimeParam(p.get('start'), 'start', endMs - DEFAULT_RANGE_MS);
    if (endMs < startMs) {
      throw new BadParamError(
        'invalid parameter "end": end timestamp must not be before start time',
      );
    }
    const matchers: Matcher[] = [];
    for (const m of [...p.getAll('matcher'), ...p.getAll('match[]')]) {
      try {
        matchers.push(...parseMatchers(m).matchers);
      } catch (e) {
        throw new BadParamError(
          `invalid parameter "matcher": cannot parse "${m}": ${(e as Error).message}`,
        );
      }
    }
    const limitText = p.get('limit');
    const limit = limitText === null || limitText === '' ? MAX_ENTRIES : Number(limitText);
    if (!Number.isInteger(limit) || limit < 0) {
      throw new BadParamError(`invalid parameter "limit": "${limitText}" is not a count`);
    }
    const entries = am.history.query({
      startMs,
      endMs,
      matchers,
      limit: Math.min(limit === 0 ? MAX_ENTRIES : limit, MAX_ENTRIES),
    });
    sendSuccess(ctx.res, entries.map(apiEntry));
  });
}

function apiEntry(e: HistoryEntry): ApiHistoryEntry {
  return {
    time: new Date(e.t).toISOString(),
    timestamp: e.t / 1000,
    event: e.event,
    labels: e.labels,
    fingerprint: e.fingerprint,
    ...(e.receiver === undefined ? {} : { receiver: e.receiver }),
    ...(e.value === undefined ? {} : { value: e.value }),
    ...(e.detail === undefined ? {} : { detail: e.detail }),
  };
}
