/**
 * The certificate source of `--web.acme.*`: serves the certificate stored under
 * `<storage.tsdb.path>/acme/` (or a self-signed stand-in until the first is issued), orders a
 * new one from the ACME CA when it is missing, names other domains or has a third of its
 * lifetime left, and swaps it in for new connections. Failures are logged, counted and retried
 * with backoff while the current certificate stays in use.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from '../../../util/index.js';
import type { Http01Responder } from '../redirect.js';
import {
  validatePair,
  type CertificatePair,
  type CertificateSource,
  type TlsHandshakeHooks,
} from '../source.js';
import { ChallengeResponder } from './challenges.js';
import {
  createAccountKey,
  createPlaceholder,
  orderCertificate,
  type AcmeChallengeType,
  type OrderFn,
} from './client.js';
import type { AcmeMetrics } from './metrics.js';
import {
  certificateFacts,
  renewAtMs,
  renewalReason,
  retryDelayMs,
  timerDelayMs,
  type CertificateFacts,
} from './renewal.js';
import { AcmeStore } from './store.js';

/** Options of `AcmeCertificateSource`. */
export interface AcmeSourceOptions {
  /** The names of the certificate (the first is its common name). */
  readonly domains: readonly string[];
  readonly email: string | undefined;
  readonly directoryUrl: string;
  readonly challenge: AcmeChallengeType;
  /** A PEM file of extra CA certificates to trust for the directory, or undefined. */
  readonly caFile: string | undefined;
  /** The ACME directory, normally `<storage.tsdb.path>/acme`. */
  readonly dir: string;
  readonly logger: Logger;
  readonly metrics: AcmeMetrics;
  /** First wait after a failed order, ms; doubled per failure up to `retryMaxMs`. */
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  /** Polling of pending challenges and orders, ms. */
  readonly pollMinMs: number;
  readonly pollMaxMs: number;
  /** The clock, ms since the epoch. */
  readonly now: () => number;
  /** Runs one order (the real ACME client unless a test replaces it). */
  readonly order: OrderFn;
}

/** Defaults of the timing options: retry from 1 minute up to 1 hour, poll from 1 to 10 s. */
export function defaultAcmeTiming(): Pick<
  AcmeSourceOptions,
  'retryMinMs' | 'retryMaxMs' | 'pollMinMs' | 'pollMaxMs' | 'now' | 'order'
> {
  return {
    retryMinMs: 60_000,
    retryMaxMs: 60 * 60_000,
    pollMinMs: 1_000,
    pollMaxMs: 10_000,
    now: Date.now,
    order: orderCertificate,
  };
}

/** Raised when the ACME source cannot start (an unreadable CA file or ACME directory). */
export class AcmeSetupError extends Error {
  override readonly name = 'AcmeSetupError';
}

/**
 * Keeps an ACME certificate. Create with `open()`, hand to the HTTPS server (and `http01` to
 * the redirect listener), then call `start()` once both listen. `close()` stops the timer; an
 * order in flight finishes but is no longer swapped in.
 */
export class AcmeCertificateSource implements CertificateSource {
  readonly handshake?: TlsHandshakeHooks;
  /** Answers HTTP-01 challenges; give it to the plain-HTTP listener. */
  readonly http01: Http01Responder;
  private pair: CertificatePair;
  /** The issued certificate in use, or undefined while the stand-in is served. */
  private facts: CertificateFacts | undefined;
  private readonly listeners = new Set<(pair: CertificatePair) => void>();
  private readonly responder = new ChallengeResponder();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<boolean> | undefined;
  private failures = 0;
  private closed = false;
  /** Stops an order in flight on `close()`. */
  private readonly stop = new AbortController();

  private constructor(
    private readonly opts: AcmeSourceOptions,
    private readonly store: AcmeStore,
    private readonly caPem: string | undefined,
    pair: CertificatePair,
    facts: CertificateFacts | undefined,
  ) {
    this.pair = pair;
    this.facts = facts;
    this.http01 = this.responder.http01;
    if (opts.challenge === 'tls-alpn-01') this.handshake = this.responder.handshake;
  }

  /**
   * Loads the stored certificate when it is usable for the domains, else prepares a stand-in.
   * Throws `AcmeSetupError` when the CA file or the ACME directory cannot be read.
   */
  static async open(opts: AcmeSourceOptions): Promise<AcmeCertificateSource> {
    let caPem: string | undefined;
    if (opts.caFile !== undefined) {
      try {
        caPem = await readFile(opts.caFile, 'utf8');
      } catch (err) {
        throw new AcmeSetupError(
          `cannot read ACME CA file ${opts.caFile}: ${errText(err)} (check --web.acme.ca-file)`,
          { cause: err },
        );
      }
    }
    const store = new AcmeStore(opts.dir);
    let pair: CertificatePair | undefined;
    let facts: CertificateFacts | undefined;
    try {
      const stored = await store.readCertificate();
      if (stored !== undefined) {
        try {
          pair = validatePair(stored.cert, stored.key, `in ${opts.dir}`);
          facts = certificateFacts(stored.cert);
        } catch (err) {
          opts.logger.warn('stored ACME certificate is unusable; ordering a new one', {
            err: errText(err),
          });
        }
      }
    } catch (err) {
      throw new AcmeSetupError(errText(err), { cause: err });
    }
    if (pair === undefined) {
      const stand = await createPlaceholder(opts.domains[0] ?? 'localhost');
      pair = validatePair(stand.cert, stand.key, 'stand-in');
    }
    return new AcmeCertificateSource(opts, store, caPem, pair, facts);
  }

  current(): CertificatePair {
    return this.pair;
  }

  onChange(fn: (pair: CertificatePair) => void): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }

  /** Whether an issued certificate (not the stand-in) is in use. */
  hasIssued(): boolean {
    return this.facts !== undefined;
  }

  /** Starts the background loop: checks now, then whenever renewal or a retry is due. */
  start(): void {
    if (this.closed || this.timer !== undefined || this.running !== undefined) return;
    this.schedule(0);
  }

  close(): void {
    this.closed = true;
    this.stop.abort();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Orders a certificate now if one is needed (or always, with `force`); resolves with whether
   * a new one is in use. Concurrent calls share one order.
   */
  checkNow(force = false): Promise<boolean> {
    this.running ??= this.check(force).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.opts.metrics.nextAttempt.set((this.opts.now() + delayMs) / 1000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.checkNow().then(() => {
        this.scheduleNext();
      });
    }, delayMs);
    this.timer.unref();
  }

  /** Plans the next check: the retry after a failure, else the renewal time. */
  private scheduleNext(): void {
    const now = this.opts.now();
    if (this.failures > 0) {
      this.schedule(retryDelayMs(this.failures, this.opts.retryMinMs, this.opts.retryMaxMs));
    } else if (this.facts !== undefined) {
      this.schedule(timerDelayMs(renewAtMs(this.facts), now));
    } else {
      this.schedule(this.opts.retryMinMs);
    }
  }

  private async check(force: boolean): Promise<boolean> {
    const reason = force ? 'forced' : renewalReason(this.facts, this.opts.domains, this.opts.now());
    if (reason === undefined || this.closed) return false;
    const log = this.opts.logger;
    log.info('ordering ACME certificate', {
      reason,
      domains: this.opts.domains.join(','),
      challenge: this.opts.challenge,
    });
    try {
      const accountKey = await this.accountKey();
      if (this.isClosed()) return false;
      const stored = await this.opts.order({
        directoryUrl: this.opts.directoryUrl,
        accountKey,
        email: this.opts.email,
        domains: this.opts.domains,
        challenge: this.opts.challenge,
        caPem: this.caPem,
        responder: this.responder,
        logger: log,
        pollMinMs: this.opts.pollMinMs,
        pollMaxMs: this.opts.pollMaxMs,
        signal: this.stop.signal,
      });
      const pair = validatePair(stored.cert, stored.key, 'from the ACME CA');
      const facts = certificateFacts(stored.cert);
      await this.store.writeCertificate(stored);
      if (this.isClosed()) return false;
      this.pair = pair;
      this.facts = facts;
      this.failures = 0;
      this.opts.metrics.orders.inc({ result: 'success' });
      log.info('installed ACME certificate', {
        not_after: new Date(pair.notAfterMs).toISOString(),
        renew_at: new Date(renewAtMs(facts)).toISOString(),
      });
      for (const fn of this.listeners) fn(pair);
      return true;
    } catch (err) {
      if (this.isClosed()) return false;
      this.failures++;
      this.opts.metrics.orders.inc({ result: 'failure' });
      log.error('cannot obtain ACME certificate; keeping the current one', {
        err: errText(err),
        failures: this.failures,
        retry_in_ms: retryDelayMs(this.failures, this.opts.retryMinMs, this.opts.retryMaxMs),
      });
      return false;
    }
  }

  /** Whether `close()` was called (a method, so it is read again after an await). */
  private isClosed(): boolean {
    return this.closed;
  }

  /** The stored account key, created and stored on first use. */
  private async accountKey(): Promise<string> {
    const stored = await this.store.readAccountKey();
    if (stored !== undefined) return stored;
    const key = await createAccountKey();
    await this.store.writeAccountKey(key);
    this.opts.logger.info('created ACME account key', { dir: this.opts.dir });
    return key;
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
