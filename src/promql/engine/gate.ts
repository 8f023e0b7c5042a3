/** A counting semaphore that queues queries beyond `maxConcurrent`, honouring abort signals. */
import { QueryCanceledError } from './errors.js';

/** Limits how many queries evaluate at once; waiters are served in arrival order. */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly max: number) {}

  /** Waits for a slot; the returned function releases it (call exactly once). */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw new QueryCanceledError('queue');
    if (this.active < this.max) {
      this.active++;
      return () => {
        this.release();
      };
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiters.indexOf(go);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new QueryCanceledError('queue'));
      };
      const go = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiters.push(go);
      signal?.addEventListener('abort', onAbort, { once: true });
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

  private release(): void {
    this.active--;
    const next = this.waiters.shift();
    if (next) next();
  }
}
