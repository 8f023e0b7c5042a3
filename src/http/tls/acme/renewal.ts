/**
 * When an ACME certificate is renewed: pure timing rules of `AcmeCertificateSource`, kept apart
 * so that they are tested without a clock or a CA.
 */
import { X509Certificate } from 'node:crypto';

/** Renewal starts when this share of the certificate's lifetime remains (Let's Encrypt: 30 of 90 days). */
export const RENEW_WHEN_REMAINING = 1 / 3;

/** The longest single timer, in ms (setTimeout's limit is 2^31-1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 24 * 60 * 60 * 1000;

/** What `renewalReason` looks at: the names and validity of the certificate in use. */
export interface CertificateFacts {
  /** The DNS names of the leaf's subjectAltName, lower case. */
  readonly names: readonly string[];
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
}

/** Why a certificate must be ordered now. */
export type RenewalReason = 'missing' | 'names-changed' | 'expiring';

/** Reads the names and validity of the leaf (the first certificate of a PEM chain). */
export function certificateFacts(certPem: string): CertificateFacts {
  const leaf = new X509Certificate(certPem);
  const names: string[] = [];
  for (const part of (leaf.subjectAltName ?? '').split(',')) {
    const m = /^\s*DNS:(.+?)\s*$/.exec(part);
    if (m?.[1] !== undefined) names.push(m[1].toLowerCase());
  }
  return { names, notBeforeMs: Date.parse(leaf.validFrom), notAfterMs: Date.parse(leaf.validTo) };
}

/** When renewal of a certificate with this validity is due, in ms since the epoch. */
export function renewAtMs(facts: Pick<CertificateFacts, 'notBeforeMs' | 'notAfterMs'>): number {
  const lifetime = Math.max(0, facts.notAfterMs - facts.notBeforeMs);
  return facts.notAfterMs - lifetime * RENEW_WHEN_REMAINING;
}

/**
 * Why a certificate has to be ordered at `nowMs` for `domains`, or undefined when `facts` (the
 * certificate in use, undefined when there is none) is good for now.
 */
export function renewalReason(
  facts: CertificateFacts | undefined,
  domains: readonly string[],
  nowMs: number,
): RenewalReason | undefined {
  if (facts === undefined) return 'missing';
  const have = new Set(facts.names);
  if (have.size !== new Set(domains.map((d) => d.toLowerCase())).size) return 'names-changed';
  for (const d of domains) if (!have.has(d.toLowerCase())) return 'names-changed';
  return nowMs >= renewAtMs(facts) ? 'expiring' : undefined;
}

/**
 * The wait before retry number `failures` (1 for the first retry): `minMs` doubled per failure,
 * at most `maxMs`.
 */
export function retryDelayMs(failures: number, minMs: number, maxMs: number): number {
  const exp = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(maxMs, minMs * 2 ** exp);
}

/** The timer delay to reach `atMs` from `nowMs`: at least 0 and at most `MAX_TIMER_MS`. */
export function timerDelayMs(atMs: number, nowMs: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, atMs - nowMs));
}
