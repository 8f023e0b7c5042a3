/**
 * The remote backend: a `Storage` whose writes go through the disk-backed remote-write queue
 * and whose reads are pushed down to a distributed engine (VictoriaMetrics, Mimir, Thanos,
 * Prometheus) as raw-sample reads.
 */
import { DuplicateSampleError, sameFloatBits, type Labels } from '../../model/index.js';
import {
  RemoteWriteQueue,
  defaultRemoteWriteOptions,
  defaultTransportTLS,
  type RemoteWriteStats,
} from '../remotewrite/index.js';
import type { Appender, Querier, SeriesRef, Storage } from '../../storage/index.js';
import { RemoteHttpClient, authHeaders } from './http.js';
import { RAW_READ_METHOD, type RemoteBackendOptions } from './options.js';
import { RemoteQuerier, type RemoteReadContext } from './querier.js';

/** Polling interval while waiting for the queue to deliver a batch (`visibility: delivered`). */
const DELIVERY_POLL_MS = 2;

/** A batch the backend refused (for example out-of-order or duplicate samples). */
export class RemoteWriteRejectedError extends Error {
  override readonly name = 'RemoteWriteRejectedError';
}

/**
 * Kansoku's storage on a remote engine.
 *
 * Durability: `commit()` resolves once the batch is fsynced into the local queue
 * (`queueDir`), so an acknowledged sample survives `kill -9` and outages of the backend; the
 * queue forwards it at least once. With `visibility: 'delivered'` `commit()` also waits until the
 * backend accepted everything queued so far (and asks `flushUrl` to make it searchable), and
 * rejects when the backend refused samples.
 *
 * Duplicates: a conflicting value at a timestamp already appended in the same batch throws
 * `DuplicateSampleError`; conflicts with data already in the backend are the backend's to judge
 * (Prometheus refuses the batch, VictoriaMetrics keeps both and reads return the later one).
 *
 * Safe for concurrent use; one instance per backend.
 */
export class RemoteStorage implements Storage {
  private readonly queue: RemoteWriteQueue;
  private readonly client: RemoteHttpClient;
  private readonly readCtx: RemoteReadContext;
  private closed = false;
  private minWritten = Infinity;

  constructor(readonly opts: RemoteBackendOptions) {
    this.client = new RemoteHttpClient(opts);
    const base = defaultRemoteWriteOptions(opts.writeUrl, opts.queueDir, opts.logger);
    const auth = opts.auth;
    this.queue = new RemoteWriteQueue({
      ...base,
      budgetBytes: opts.queueBudgetBytes,
      batchSendDeadlineMs: opts.sendDeadlineMs,
      remoteTimeoutMs: opts.writeTimeoutMs,
      headers: { ...authHeaders({ ...opts, auth: { kind: 'none' } }) },
      ...(auth.kind === 'basic'
        ? { basicAuth: { username: auth.username, password: auth.password, passwordFile: '' } }
        : {}),
      ...(auth.kind === 'authorization'
        ? { authorization: { type: auth.type, credentials: auth.credentials, credentialsFile: '' } }
        : {}),
      externalLabels: opts.externalLabels,
      tls: {
        ...defaultTransportTLS(),
        ca: opts.tls.ca,
        cert: opts.tls.cert,
        key: opts.tls.key,
        serverName: opts.tls.serverName,
        insecureSkipVerify: opts.tls.insecureSkipVerify,
      },
    });
    this.queue.start();
    this.readCtx = {
      client: this.client,
      method: RAW_READ_METHOD[opts.flavor],
      readUrl: opts.readUrl,
      externalLabels: opts.externalLabels,
    };
  }

  appender(): Appender {
    return new RemoteAppender(this);
  }

  querier(mint: number, maxt: number): Promise<Querier> {
    if (this.closed)
      return Promise.reject(new Error('cannot open querier: remote storage is closed'));
    return Promise.resolve(new RemoteQuerier(this.readCtx, mint, maxt));
  }

  /**
   * The earliest timestamp committed through this instance since it was opened (a shared engine
   * may hold older data, which only the backend knows); undefined before the first commit.
   */
  startTime(): number | undefined {
    return this.minWritten === Infinity ? undefined : this.minWritten;
  }

  /** Counters of the write queue. */
  stats(): RemoteWriteStats {
    return this.queue.stats();
  }

  /** The HTTP client of the read side (shared with the query forwarder). */
  httpClient(): RemoteHttpClient {
    return this.client;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.stop();
    this.client.close();
  }

  /** @internal Queues one committed batch and waits per the visibility setting. */
  async write(
    series: ReadonlyMap<string, { labels: Labels; ts: number[]; vs: Float64Array; n: number }>,
  ): Promise<void> {
    if (this.closed) throw new Error('cannot commit samples: remote storage is closed');
    const failedBefore = this.queue.stats().failedSamples;
    const app = this.queue.appender();
    let min = Infinity;
    for (const s of series.values()) {
      for (let i = 0; i < s.n; i++) {
        const t = s.ts[i]!;
        if (t < min) min = t;
        app.append(0, s.labels, t, s.vs[i]!);
      }
    }
    await app.commit();
    if (min < this.minWritten) this.minWritten = min;
    if (this.opts.visibility === 'queued') return;
    await this.waitDelivered(failedBefore);
    if (this.opts.flushUrl !== '') await this.client.request(this.opts.flushUrl);
  }

  private async waitDelivered(failedBefore: number): Promise<void> {
    const deadline = Date.now() + this.opts.writeTimeoutMs;
    for (;;) {
      const st = this.queue.stats();
      if (st.failedSamples > failedBefore) {
        throw new RemoteWriteRejectedError(
          `cannot write samples to the remote backend: ${st.lastError}`,
        );
      }
      if (st.pendingSamples === 0) return;
      if (Date.now() > deadline) {
        throw new Error(
          `cannot confirm delivery to the remote backend within ${this.opts.writeTimeoutMs}ms: ${st.lastError || 'queue still sending'} (samples stay queued)`,
        );
      }
      await new Promise((r) => setTimeout(r, DELIVERY_POLL_MS));
    }
  }
}

/** Per-series buffer of a batch; values in a typed array (NaN payloads survive). */
interface Pending {
  labels: Labels;
  ts: number[];
  vs: Float64Array;
  n: number;
}

/** Buffers a batch, rejecting conflicting duplicates within it; hands it to the queue at commit. */
class RemoteAppender implements Appender {
  private readonly series = new Map<string, Pending>();
  private done = false;

  constructor(private readonly storage: RemoteStorage) {}

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    if (this.done) throw new Error('BUG: appender used after commit or rollback');
    if (labels.size === 0) throw new Error('cannot append sample: empty label set');
    const key = labels.toString();
    let s = this.series.get(key);
    if (!s) {
      s = { labels, ts: [], vs: new Float64Array(8), n: 0 };
      this.series.set(key, s);
    }
    const last = s.n > 0 ? s.ts[s.n - 1]! : -Infinity;
    if (t <= last) {
      for (let i = s.n - 1; i >= 0; i--) {
        if (s.ts[i] !== t) continue;
        if (sameFloatBits(s.vs[i]!, v)) return refOf(ref, labels);
        throw new DuplicateSampleError(
          `cannot append sample: ${labels.toString()} already has a different value at ${t}`,
        );
      }
    }
    if (s.n === s.vs.length) {
      const grown = new Float64Array(s.n * 2);
      grown.set(s.vs);
      s.vs = grown;
    }
    s.ts.push(t);
    s.vs[s.n++] = v;
    return refOf(ref, labels);
  }

  commit(): Promise<void> {
    if (this.done) return Promise.reject(new Error('BUG: appender committed twice'));
    this.done = true;
    if (this.series.size === 0) return Promise.resolve();
    return this.storage.write(this.series);
  }

  rollback(): Promise<void> {
    this.done = true;
    this.series.clear();
    return Promise.resolve();
  }
}

/** A non-zero reference: the caller's, else the label hash (references are only hints here). */
function refOf(ref: SeriesRef, labels: Labels): SeriesRef {
  return ref !== 0 ? ref : labels.hash() >>> 0 || 1;
}
