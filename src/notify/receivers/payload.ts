import type { Alert } from '../alerts/alert.js';
import { isResolved } from '../alerts/alert.js';
import type { GroupContext } from '../dispatch/group.js';
import { KV, templateData, type TemplateData } from '../template/data.js';

/** Go's zero time in ms since the epoch (0001-01-01T00:00:00Z). */
export const GO_ZERO_TIME_MS = -62135596800000;

/** Formats a time like Go's `time.Time` JSON encoding (RFC 3339, trailing zeros trimmed). */
export function rfc3339(ms: number): string {
  if (ms === GO_ZERO_TIME_MS) return '0001-01-01T00:00:00Z';
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.?0*Z$/, 'Z');
}

/**
 * The alerts as Alertmanager hands them to integrations: firing alerts carry no end time (so
 * they do not resolve as time moves on while the notification is in flight).
 */
export function forNotification(alerts: readonly Alert[], nowMs: number): Alert[] {
  return alerts.map((a) => (isResolved(a, nowMs) ? a : { ...a, endsAtMs: GO_ZERO_TIME_MS }));
}

/** The template data of a notification. */
export function notificationData(
  ctx: GroupContext,
  alerts: readonly Alert[],
  externalURL: string,
): TemplateData {
  return templateData(
    ctx.receiver,
    ctx.groupLabels,
    forNotification(alerts, ctx.nowMs),
    externalURL,
    ctx.nowMs,
  );
}

/** Alertmanager's webhook message (version 4). */
export interface WebhookMessage {
  readonly receiver: string;
  readonly status: 'firing' | 'resolved';
  readonly alerts: {
    status: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }[];
  readonly groupLabels: Record<string, string>;
  readonly commonLabels: Record<string, string>;
  readonly commonAnnotations: Record<string, string>;
  readonly externalURL: string;
  readonly version: '4';
  readonly groupKey: string;
  readonly truncatedAlerts: number;
}

/** Builds the webhook message; `maxAlerts` > 0 truncates the alert list. */
export function webhookMessage(
  data: TemplateData,
  groupKey: string,
  maxAlerts: number,
): WebhookMessage {
  const all = [...data.Alerts];
  const kept = maxAlerts > 0 ? all.slice(0, maxAlerts) : all;
  return {
    receiver: data.Receiver,
    status: data.Status,
    alerts: kept.map((a) => ({
      status: a.Status,
      labels: KV.toRecord(a.Labels),
      annotations: KV.toRecord(a.Annotations),
      startsAt: rfc3339(a.StartsAt.getTime()),
      endsAt: rfc3339(a.EndsAt.getTime()),
      generatorURL: a.GeneratorURL,
      fingerprint: a.Fingerprint,
    })),
    groupLabels: KV.toRecord(data.GroupLabels),
    commonLabels: KV.toRecord(data.CommonLabels),
    commonAnnotations: KV.toRecord(data.CommonAnnotations),
    externalURL: data.ExternalURL,
    version: '4',
    groupKey,
    truncatedAlerts: all.length - kept.length,
  };
}
