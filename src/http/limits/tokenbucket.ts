/**
 * Token buckets per key (an API token, a signed-in user, a client address): each key may make
 * `rate` requests per second on average and `burst` at once. Memory stays bounded: buckets that
 * have refilled completely carry no information and are dropped when the table grows.
 */

/** One key's bucket: tokens left at `at` (ms). */
interface Bucket {
  tokens: number;
  at: number;
}

/** How many buckets may exist before full ones are swept out. */
const SWEEP_AT = 10_000;

/** Rate limits by key. Synchronous; one instance per server. */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    /** Requests per second (must be > 0). */
    readonly rate: number,
    /** Largest number of requests at once (at least 1). */
    readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(rate > 0)) throw new Error(`BUG: token bucket rate ${rate} must be positive`);
  }

  /**
   * Takes one token of `key`'s bucket. Returns 0 when the request may proceed, otherwise the
   * seconds until a token is available (for `Retry-After`).
   */
  take(key: string): number {
    const now = this.now();
    let b = this.buckets.get(key);
    if (b === undefined) {
      if (this.buckets.size >= SWEEP_AT) this.sweep(now);
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.rate);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (1 - b.tokens) / this.rate;
  }

  /** Keys tracked now. */
  get size(): number {
    return this.buckets.size;
  }

  /**
   * Drops buckets that are full again (they behave exactly like a new bucket). When most are
   * still in use (many clients at once), all are dropped, so that the table stays bounded and a
   * sweep runs at most once per `SWEEP_AT / 2` new keys.
   */
  private sweep(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.rate >= this.burst) this.buckets.delete(k);
    }
    if (this.buckets.size >= SWEEP_AT / 2) this.buckets.clear();
  }
}
