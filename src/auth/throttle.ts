/**
 * Exponential throttling of failed attempts per key (a user name or a client address): the first
 * `freeFailures` failures cost nothing, each further one doubles the lock-out, up to `maxDelayMs`.
 * A success clears the key. Kept in memory, bounded to `maxKeys` keys (oldest forgotten first).
 */

/** Options of a `Throttle`. */
export interface ThrottleOptions {
  /** Failures allowed before any delay. */
  readonly freeFailures: number;
  /** The lock-out after the first failure beyond the free ones, in ms. */
  readonly baseDelayMs: number;
  /** The longest lock-out, in ms. */
  readonly maxDelayMs: number;
  /** A key with no failure for this long starts over, in ms. */
  readonly forgetAfterMs: number;
  /** Keys remembered at most. */
  readonly maxKeys: number;
}

/** Defaults: 5 free failures, then 1 s, 2 s, 4 s, … up to 15 minutes. */
export function defaultThrottleOptions(): ThrottleOptions {
  return {
    freeFailures: 5,
    baseDelayMs: 1000,
    maxDelayMs: 15 * 60_000,
    forgetAfterMs: 60 * 60_000,
    maxKeys: 100_000,
  };
}

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

/** Counts failures per key and says how long a key must wait. */
export class Throttle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly opts: ThrottleOptions = defaultThrottleOptions(),
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds `key` must still wait before its next attempt (0: go ahead). */
  waitMs(key: string): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    const now = this.now();
    if (now - e.lastFailure > this.opts.forgetAfterMs) {
      this.entries.delete(key);
      return 0;
    }
    return Math.max(0, e.lockedUntil - now);
  }

  /** Records a failure of `key`. */
  fail(key: string): void {
    const now = this.now();
    let e = this.entries.get(key);
    if (!e || now - e.lastFailure > this.opts.forgetAfterMs) {
      e = { failures: 0, lockedUntil: 0, lastFailure: now };
    }
    this.entries.delete(key);
    this.entries.set(key, e);
    e.failures++;
    e.lastFailure = now;
    const over = e.failures - this.opts.freeFailures;
    if (over > 0) {
      const delay = Math.min(
        this.opts.maxDelayMs,
        this.opts.baseDelayMs * 2 ** Math.min(over - 1, 40),
      );
      e.lockedUntil = now + delay;
    }
    while (this.entries.size > this.opts.maxKeys) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  /** Clears the failures of `key` after a success. */
  succeed(key: string): void {
    this.entries.delete(key);
  }
}
