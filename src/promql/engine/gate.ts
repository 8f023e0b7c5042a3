/**
 * A counting semaphore that queues queries beyond `maxConcurrent` for a short while, honouring
 * abort signals; a query that cannot get a slot in time is refused with `QueryOverloadError`
 * (HTTP 503 with `Retry-After`) instead of piling up behind the running ones.
 */
import { QueryCanceledError, QueryError } from './errors.js';

/** The queue was full or no slot came free in time (HTTP 503, `Retry-After`). */
export class QueryOverloadError extends QueryError {
  override readonly name = 'QueryOverloadError';
  constructor(
    message: string,
    /** When trying again may succeed, in seconds. */
    readonly retryAfterSeconds: number,
  ) {
    super(message, 'timeout');
  }
}

/** How many queries may wait per slot before new ones are refused at once. */
const QUEUED_PER_SLOT = 4;

/** Limits how many queries evaluate at once; waiters are served in arrival order. */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  /** Queries refused since start (queue full or waited too long). */
  refused = 0;

  constructor(
    private readonly max: number,
    /** Longest wait for a slot in ms (`--query.max-queue-wait`); Infinity waits forever. */
    private readonly maxWaitMs = Infinity,
  ) {}

  /** Waits for a slot; the returned function releases it (call exactly once). */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw new QueryCanceledError('queue');
    if (this.active < this.max) {
      this.active++;
      return () => {
        this.release();
      };
    }
    if (this.waiters.length >= this.max * QUEUED_PER_SLOT) throw this.overload('the queue is full');
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const leave = (): void => {
        const i = this.waiters.indexOf(go);
        if (i >= 0) this.waiters.splice(i, 1);
        signal?.removeEventListener('abort', onAbort);
        clearTimeout(timer);
      };
      const onAbort = (): void => {
        leave();
        reject(new QueryCanceledError('queue'));
      };
      const go = (): void => {
        signal?.removeEventListener('abort', onAbort);
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(go);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (Number.isFinite(this.maxWaitMs)) {
        timer = setTimeout(() => {
          leave();
          reject(this.overload(`no slot came free within ${this.maxWaitMs}ms`));
        }, this.maxWaitMs);
      }
    });
    this.active++;
    return () => {
      this.release();
    };
  }

  /** Queries currently evaluating. */
  get running(): number {
    return this.active;
  }

  /** Queries waiting for a slot. */
  get queued(): number {
    return this.waiters.length;
  }

  private overload(why: string): QueryOverloadError {
    this.refused++;
    const seconds = Math.max(
      1,
      Math.ceil((Number.isFinite(this.maxWaitMs) ? this.maxWaitMs : 1000) / 1000),
    );
    return new QueryOverloadError(
      `cannot run query: ${this.max} queries are running and ${why} (${this.waiters.length} waiting); retry after ${seconds}s, or raise --query.max-concurrency or --query.max-queue-wait`,
      seconds,
    );
  }

  private release(): void {
    this.active--;
    const next = this.waiters.shift();
    if (next) next();
  }
}
