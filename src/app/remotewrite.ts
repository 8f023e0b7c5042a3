/**
 * The `remote_write` destinations of a configuration, as a set of disk-backed queues that can be
 * reconfigured on reload, and the appendables that feed them (alone in the agent, after the local
 * storage in the server).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Counter, Gauge, type Registry } from 'prom-client';
import {
  RemoteWriteQueue,
  defaultRemoteWriteOptions,
  type MetadataLookup,
  type RemoteWriteStats,
} from '../backends/remotewrite/index.js';
import type { RemoteWriteConfig } from '../config/index.js';
import type { Labels } from '../model/index.js';
import type { Appendable, Appender, SeriesRef } from '../storage/index.js';
import type { Logger } from '../util/index.js';

/** The running remote-write queues, keyed by `name` (or position and URL). */
export class RemoteWriteSet {
  readonly queues = new Map<string, RemoteWriteQueue>();

  constructor(
    private readonly baseDir: string,
    private readonly budgetBytes: number,
    private readonly logger: Logger,
    private readonly metadata?: MetadataLookup,
    private readonly userAgent = 'Kansoku',
  ) {}

  /** Starts, keeps or stops queues so that they match `list`. Unchanged queues keep running. */
  apply(list: readonly RemoteWriteConfig[], externalLabels: Labels): void {
    const next = new Map<string, RemoteWriteConfig>();
    list.forEach((rw, i) =>
      next.set(rw.name !== '' ? rw.name : `queue-${i}-${hashUrl(rw.url)}`, rw),
    );
    for (const [name, q] of this.queues) {
      if (!next.has(name)) {
        void q.stop();
        this.queues.delete(name);
      }
    }
    for (const [name, rw] of next) {
      if (this.queues.has(name)) continue;
      const base = defaultRemoteWriteOptions(
        rw.url,
        path.join(this.baseDir, name),
        this.logger.child({ component: 'remote_write', queue: name }),
      );
      const ba = rw.http.basicAuth;
      const q = new RemoteWriteQueue({
        ...base,
        budgetBytes: this.budgetBytes,
        maxSamplesPerSend: rw.queueConfig.maxSamplesPerSend,
        batchSendDeadlineMs: rw.queueConfig.batchSendDeadlineMs,
        minBackoffMs: rw.queueConfig.minBackoffMs,
        maxBackoffMs: rw.queueConfig.maxBackoffMs,
        retryOnHttp429: rw.queueConfig.retryOnHttp429,
        remoteTimeoutMs: rw.remoteTimeoutMs,
        headers: rw.http.headers,
        ...(rw.http.authorization ? { authorization: rw.http.authorization } : {}),
        ...(ba
          ? {
              basicAuth: {
                username:
                  ba.usernameFile !== ''
                    ? readFileSync(ba.usernameFile, 'utf8').trim()
                    : ba.username,
                password: ba.password,
                passwordFile: ba.passwordFile,
              },
            }
          : {}),
        externalLabels,
        writeRelabel: rw.writeRelabelConfigs,
        protobufMessage: rw.protobufMessage,
        ...(rw.http.oauth2 ? { oauth2: rw.http.oauth2 } : {}),
        tls: rw.http.tlsConfig,
        proxyUrl: rw.http.proxyUrl,
        ...(this.metadata &&
        (rw.metadataConfig.send || rw.protobufMessage !== 'prometheus.WriteRequest')
          ? { metadata: this.metadata }
          : {}),
        userAgent: this.userAgent,
        // Batches reach the file before the scrape counts as done; fsync once a second.
        fsyncIntervalMs: 1000,
        minShards: rw.queueConfig.minShards,
        maxShards: rw.queueConfig.maxShards,
      });
      q.start();
      this.queues.set(name, q);
    }
  }

  /** Appends to every queue. */
  appender(): Appender[] {
    return [...this.queues.values()].map((q) => q.appender());
  }

  /**
   * Registers the `kansoku_remote_write_*` self-metrics on a registry: gauges for the backlog
   * (pending samples and bytes, oldest pending age) and counters for what happened since start
   * (sent, written as the receiver reported, failed, dropped, retried).
   */
  registerMetrics(registry: Registry): void {
    const queues = this.queues;
    type Stats = ReturnType<RemoteWriteQueue['stats']>;
    const gauge = (name: string, help: string, pick: (s: Stats) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ['queue', 'url'],
        registers: [registry],
        collect() {
          this.reset();
          for (const [q, queue] of queues)
            this.set({ queue: q, url: queue.opts.url }, pick(queue.stats()));
        },
      });
    };
    const counter = (name: string, help: string, pick: (s: Stats) => number): void => {
      new Counter({
        name,
        help,
        labelNames: ['queue', 'url'],
        registers: [registry],
        collect() {
          this.reset();
          for (const [q, queue] of queues)
            this.inc({ queue: q, url: queue.opts.url }, pick(queue.stats()));
        },
      });
    };
    gauge(
      'kansoku_remote_write_pending_samples',
      'Samples queued on disk and not yet acknowledged by the receiver.',
      (s) => s.pendingSamples,
    );
    gauge(
      'kansoku_remote_write_pending_bytes',
      'Bytes of the on-disk queue.',
      (s) => s.pendingBytes,
    );
    gauge(
      'kansoku_remote_write_oldest_pending_age_seconds',
      'Age of the oldest sample not yet acknowledged by the receiver.',
      (s) => s.oldestPendingAgeMs / 1000,
    );
    counter(
      'kansoku_remote_write_sent_samples_total',
      'Samples acknowledged by the receiver since start.',
      (s) => s.sentSamples,
    );
    counter(
      'kansoku_remote_write_written_samples_total',
      'Samples the receiver reported as written (remote write 2.0 response headers) since start.',
      (s) => s.writtenSamples,
    );
    counter(
      'kansoku_remote_write_failed_samples_total',
      'Samples the receiver rejected for good (4xx other than 429) since start.',
      (s) => s.failedSamples,
    );
    counter(
      'kansoku_remote_write_dropped_samples_total',
      'Samples dropped because a queue exceeded its disk budget, since start.',
      (s) => s.droppedSamples,
    );
    counter(
      'kansoku_remote_write_retries_total',
      'Send attempts retried (network errors, 5xx, 429) since start.',
      (s) => s.retries,
    );
  }

  /** Per-queue status for the status endpoint. */
  status(): (RemoteWriteStats & { name: string; url: string })[] {
    return [...this.queues.entries()].map(([name, q]) => ({ name, url: q.opts.url, ...q.stats() }));
  }

  /** Stops every queue (their backlog stays on disk). */
  async stop(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.stop()));
    this.queues.clear();
  }
}

function hashUrl(url: string): string {
  let h = 2166136261;
  for (let i = 0; i < url.length; i++) h = Math.imul(h ^ url.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16);
}

/**
 * Appends to an optional primary (the local storage; its errors propagate and its reference is
 * returned) and to every remote-write queue (their errors are logged, never fail the write).
 */
export class TeeAppendable implements Appendable {
  constructor(
    private readonly primary: Appendable | undefined,
    private readonly set: RemoteWriteSet,
    private readonly logger: Logger,
  ) {}

  appender(): Appender {
    const main = this.primary?.appender();
    const queues = this.set.appender();
    if (queues.length === 0 && main) return main;
    const logger = this.logger;
    return {
      append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
        const out = main ? main.append(ref, labels, t, v) : ref;
        for (const q of queues) q.append(0, labels, t, v);
        return out;
      },
      async commit(): Promise<void> {
        if (main) await main.commit();
        const results = await Promise.allSettled(queues.map((q) => q.commit()));
        for (const r of results)
          if (r.status === 'rejected')
            logger.warn('cannot queue samples for remote write', { err: r.reason as unknown });
      },
      async rollback(): Promise<void> {
        await main?.rollback();
        await Promise.all(queues.map((q) => q.rollback()));
      },
    };
  }
}
