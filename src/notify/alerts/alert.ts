import { Labels } from '../../model/index.js';

/**
 * An alert as Alertmanager holds it. Times are milliseconds since the epoch; `endsAtMs` is 0 for
 * "not known yet" only before the store fills it in from `resolve_timeout`.
 */
export interface Alert {
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly generatorURL: string;
  /** When the store last received the alert. */
  readonly updatedAtMs: number;
  /** Whether `endsAtMs` came from `resolve_timeout` rather than from the sender. */
  readonly timeout: boolean;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;
const SEPARATOR = 0xff;
const encoder = new TextEncoder();

function fnvAdd(h: bigint, bytes: Uint8Array): bigint {
  let x = h;
  for (const b of bytes) x = ((x ^ BigInt(b)) * FNV_PRIME) & MASK;
  return x;
}

/**
 * The alert fingerprint as Alertmanager computes it (Prometheus' `model.Fingerprint` of the
 * label set): FNV-1a 64 over name, 0xff, value, 0xff for each label sorted by name, printed as
 * 16 lower-case hex digits.
 */
export function fingerprint(labels: Labels): string {
  let h = FNV_OFFSET;
  const sep = new Uint8Array([SEPARATOR]);
  labels.forEach((name, value) => {
    h = fnvAdd(h, encoder.encode(name));
    h = fnvAdd(h, sep);
    h = fnvAdd(h, encoder.encode(value));
    h = fnvAdd(h, sep);
  });
  return h.toString(16).padStart(16, '0');
}

/** Whether the alert is resolved at the instant (its end lies in the past; 0 or less is "no end"). */
export function isResolved(a: Alert, nowMs: number): boolean {
  return a.endsAtMs > 0 && a.endsAtMs <= nowMs;
}

/**
 * Merges a newly received alert into the stored one with the same labels, like Alertmanager:
 * the interval of the stored alert is extended when the two overlap; a resolved stored alert and
 * a new, later firing one do not merge (the new one replaces it).
 */
export function mergeAlerts(prev: Alert, next: Alert): Alert {
  const overlap =
    (prev.endsAtMs === 0 || next.startsAtMs <= prev.endsAtMs) &&
    (next.endsAtMs === 0 || prev.startsAtMs <= next.endsAtMs);
  if (!overlap) return next;
  // The newer update wins for the end time unless the older one already resolved it later on
  // explicitly (a resolve-timeout end never beats an explicit one).
  let endsAtMs = next.endsAtMs;
  let timeout = next.timeout;
  if (next.updatedAtMs < prev.updatedAtMs) {
    endsAtMs = prev.endsAtMs;
    timeout = prev.timeout;
  } else if (next.timeout && !prev.timeout && prev.endsAtMs > next.endsAtMs) {
    endsAtMs = prev.endsAtMs;
    timeout = false;
  }
  const newer = next.updatedAtMs >= prev.updatedAtMs ? next : prev;
  return {
    labels: next.labels,
    annotations: newer.annotations,
    generatorURL: newer.generatorURL,
    startsAtMs: Math.min(prev.startsAtMs, next.startsAtMs),
    endsAtMs,
    updatedAtMs: Math.max(prev.updatedAtMs, next.updatedAtMs),
    timeout,
  };
}
