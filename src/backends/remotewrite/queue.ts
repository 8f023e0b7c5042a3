import { readFileSync } from 'node:fs';
import {
  Labels,
  LabelsBuilder,
  hashStrings,
  relabel,
  type RelabelRule,
} from '../../model/index.js';
import { WriteRequestDecoder, WriteRequestEncoder, encodeSnappyBody } from '../../parsers/index.js';
import type { Appendable, Appender, SeriesRef } from '../../storage/index.js';
import type { Logger } from '../../util/index.js';
import { QueueFile } from './queuefile.js';
import {
  HttpTransport,
  OAuth2TokenSource,
  type OAuth2Options,
  type TransportTLSOptions,
} from '../../util/index.js';
import { V2Transcoder, type MetadataLookup } from './v2.js';

/** The protobuf message a queue sends (`protobuf_message`); 1.0 is the default. */
export type RemoteWriteProtocol = 'prometheus.WriteRequest' | 'io.prometheus.write.v2.Request';

type SendOutcome =
  | { kind: 'ok' }
  | { kind: 'drop'; error: string }
  | { kind: 'retry'; error: string; retryAfterMs?: number }
  | { kind: 'unsupported'; error: string };

/** Settings of one remote-write destination (mapped from `remote_write` by the app). */
export interface RemoteWriteOptions {
  readonly url: string;
  /** Directory of the disk-backed queue. */
  readonly dir: string;
  /** Disk budget of the queue in bytes (0 = unlimited); the oldest samples are dropped first. */
  readonly budgetBytes: number;
  readonly segmentBytes: number;
  readonly maxSamplesPerSend: number;
  readonly batchSendDeadlineMs: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly retryOnHttp429: boolean;
  readonly remoteTimeoutMs: number;
  /** Extra request headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** `Authorization: <type> <credentials>` (credentials file re-read per request). */
  readonly authorization?: {
    readonly type: string;
    readonly credentials: string;
    readonly credentialsFile: string;
  };
  readonly basicAuth?: {
    readonly username: string;
    readonly password: string;
    readonly passwordFile: string;
  };
  /** Added to every series that does not have the label already. */
  readonly externalLabels: Labels;
  readonly writeRelabel: readonly RelabelRule[];
  readonly logger: Logger;
  /** Wire protocol; default `prometheus.WriteRequest` (remote write 1.0). */
  readonly protobufMessage?: RemoteWriteProtocol;
  /** OAuth 2.0 client credentials; the token is cached and refreshed before it expires. */
  readonly oauth2?: OAuth2Options;
  /** `tls_config` for `https://` URLs. */
  readonly tls?: TransportTLSOptions;
  /** `proxy_url` (an `http://` proxy; `https://` destinations are tunnelled with CONNECT). */
  readonly proxyUrl?: string;
  /** Metadata of metric families, sent inline with each series in remote write 2.0. */
  readonly metadata?: MetadataLookup;
  /** `User-Agent` header (default `Kansoku`). */
  readonly userAgent?: string;
  /**
   * fsync the queue at most this often (default 0: at every commit). Committed batches are
   * written before `commit()` resolves and survive a crash of the process either way.
   */
  readonly fsyncIntervalMs?: number;
  /**
   * Parallel requests when a backlog builds up (`queue_config` `min_shards`/`max_shards`; default
   * 1/1). With a backlog of more than two full requests per shard, a batch of up to
   * `shards x max_samples_per_send` samples is split by series into that many requests sent at
   * once; each series stays in one of them, so its samples still arrive in order.
   */
  readonly minShards?: number;
  readonly maxShards?: number;
}

/** Defaults like Prometheus' `queue_config`, with a 1 GiB disk budget. */
export function defaultRemoteWriteOptions(
  url: string,
  dir: string,
  logger: Logger,
): RemoteWriteOptions {
  return {
    url,
    dir,
    budgetBytes: 1 << 30,
    segmentBytes: 16 << 20,
    maxSamplesPerSend: 2000,
    batchSendDeadlineMs: 5000,
    minBackoffMs: 30,
    maxBackoffMs: 5000,
    retryOnHttp429: true,
    remoteTimeoutMs: 30_000,
    headers: {},
    externalLabels: Labels.EMPTY,
    writeRelabel: [],
    logger,
  };
}

/** Counters of a queue, for self-metrics and the status page. */
export interface RemoteWriteStats {
  pendingSamples: number;
  pendingBytes: number;
  /** Age of the oldest unsent record in ms (0 when nothing is pending). */
  oldestPendingAgeMs: number;
  sentSamples: number;
  failedSamples: number;
  droppedSamples: number;
  retries: number;
  lastError: string;
  /** Samples the receiver reported as written (remote write 2.0 response headers). */
  writtenSamples: number;
  /** The protocol in use. */
  protocol: RemoteWriteProtocol;
}

/**
 * Store-and-forward remote write: `commit()` writes the batch to a local queue file and fsyncs it
 * (so it survives receiver outages and restarts), and a sender loop forwards queued batches
 * oldest-first, retrying with backoff and jitter, honouring `Retry-After`. Non-retryable answers
 * (4xx other than 429) drop the batch and count it as failed, as Prometheus does.
 *
 * Sending is sequential, so samples of a series arrive in order at receivers that reject
 * out-of-order samples.
 */
export class RemoteWriteQueue implements Appendable {
  private readonly q: QueueFile;
  private stopped = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private oldestAppend = 0;
  private readonly counters = { sent: 0, failed: 0, retries: 0, written: 0, lastError: '' };
  private readonly abort = new AbortController();
  private readonly transport: HttpTransport;
  private readonly oauth2: OAuth2TokenSource | undefined;
  private readonly v2: V2Transcoder | undefined;
  private readonly encoder = new WriteRequestEncoder();
  private readonly shardDecoder = new WriteRequestDecoder();

  constructor(readonly opts: RemoteWriteOptions) {
    this.transport = new HttpTransport(opts.url, opts.tls, opts.proxyUrl ?? '');
    this.oauth2 = opts.oauth2 ? new OAuth2TokenSource(opts.oauth2) : undefined;
    this.v2 =
      opts.protobufMessage === 'io.prometheus.write.v2.Request' ? new V2Transcoder() : undefined;
    this.q = QueueFile.open(opts.dir, {
      segmentBytes: opts.segmentBytes,
      budgetBytes: opts.budgetBytes,
      logger: opts.logger,
      syncIntervalMs: opts.fsyncIntervalMs ?? 0,
    });
    if (this.q.pending().samples > 0) this.oldestAppend = Date.now();
  }

  /** Starts the sender loop. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops sending; queued data stays on disk for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
    await this.loop;
    this.q.close();
    this.transport.close();
    this.oauth2?.close();
  }

  appender(): Appender {
    return new QueueAppender(this);
  }

  /**
   * @internal Encodes and queues one committed batch: `n` samples in append order; consecutive
   * samples with the same `Labels` object form one series entry.
   */
  enqueue(labels: readonly Labels[], ts: Float64Array, vs: Float64Array, n: number): void {
    const enc = this.encoder;
    enc.reset();
    let inMessage = 0;
    const flush = (): void => {
      if (inMessage === 0) return;
      this.q.append(enc.writer.finish(), inMessage);
      enc.reset();
      inMessage = 0;
    };
    for (let start = 0; start < n;) {
      const l = labels[start];
      let end = start + 1;
      while (end < n && labels[end] === l) end++;
      const out = l ? this.transform(l) : undefined;
      if (out) {
        const flat = out.flat;
        for (let from = start; from < end;) {
          const room = Math.max(1, this.opts.maxSamplesPerSend - inMessage);
          const to = Math.min(end, from + room);
          enc.addSeries(flat, ts, vs, from, to);
          inMessage += to - from;
          from = to;
          if (inMessage >= this.opts.maxSamplesPerSend) flush();
        }
      }
      start = end;
    }
    flush();
    this.q.sync();
    if (this.oldestAppend === 0) this.oldestAppend = Date.now();
    this.wake?.();
  }

  /** Transformed labels by input `Labels` object (scrape caches reuse them between scrapes). */
  private transformed = new WeakMap<Labels, Labels | null>();

  private transform(l: Labels): Labels | undefined {
    const hit = this.transformed.get(l);
    if (hit !== undefined) return hit ?? undefined;
    const out = this.transformUncached(l);
    this.transformed.set(l, out ?? null);
    return out;
  }

  private transformUncached(l: Labels): Labels | undefined {
    let out = l;
    if (this.opts.externalLabels.size > 0) {
      const b = new LabelsBuilder(l);
      this.opts.externalLabels.forEach((n, v) => {
        if (b.get(n) === '') b.set(n, v);
      });
      out = b.labels();
    }
    return relabel(out, this.opts.writeRelabel);
  }

  private oldestKey = '';
  private oldestTs = 0;
  private readonly ageDecoder = new WriteRequestDecoder();

  /**
   * Age of the oldest pending sample: now minus the earliest sample timestamp of the first
   * unacknowledged record (decoded once per cursor position). Falls back to the time the
   * backlog started when the record cannot be read.
   */
  private oldestPendingAge(): number {
    const now = Date.now();
    let first: ReturnType<QueueFile['peek']>;
    try {
      first = this.q.peek(1);
    } catch {
      first = undefined; // closed
    }
    if (!first) return this.oldestAppend > 0 ? now - this.oldestAppend : 0;
    const key = first.next.join(':');
    if (key !== this.oldestKey) {
      this.oldestKey = key;
      this.oldestTs = 0;
      try {
        const rows = this.ageDecoder.decode(Buffer.concat(first.payloads));
        let min = Infinity;
        for (let i = 0; i < rows.sampleCount; i++) min = Math.min(min, rows.timestamps[i] ?? min);
        if (Number.isFinite(min)) this.oldestTs = min;
      } catch {
        // A record that does not decode is the receiver's problem; report the backlog's age.
      }
    }
    const since = this.oldestTs > 0 ? this.oldestTs : this.oldestAppend;
    return since > 0 ? Math.max(0, now - since) : 0;
  }

  /** Read through a call: `stop()` flips the flag while the loop awaits. */
  private isStopped(): boolean {
    return this.stopped;
  }

  /** Current counters. */
  stats(): RemoteWriteStats {
    const p = this.q.pending();
    return {
      pendingSamples: p.samples,
      pendingBytes: p.bytes,
      oldestPendingAgeMs: p.samples > 0 ? this.oldestPendingAge() : 0,
      sentSamples: this.counters.sent,
      failedSamples: this.counters.failed,
      droppedSamples: this.q.dropped,
      retries: this.counters.retries,
      lastError: this.counters.lastError,
      writtenSamples: this.counters.written,
      protocol: this.opts.protobufMessage ?? 'prometheus.WriteRequest',
    };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    let backoff = this.opts.minBackoffMs;
    // Like a Prometheus shard: send as soon as a full batch is there, otherwise once
    // `batch_send_deadline` has passed since the last send.
    let lastSend = 0;
    while (!this.stopped) {
      const shards = this.shardCount();
      const batch = this.q.peek(this.opts.maxSamplesPerSend * shards);
      if (!batch) {
        this.oldestAppend = 0;
        await this.sleep(this.opts.batchSendDeadlineMs);
        continue;
      }
      const waited = Date.now() - lastSend;
      if (!batch.more && waited < this.opts.batchSendDeadlineMs) {
        await this.sleep(this.opts.batchSendDeadlineMs - waited);
        continue;
      }
      if (shards > 1 && batch.samples > this.opts.maxSamplesPerSend) {
        if (!(await this.sendSharded(Buffer.concat(batch.payloads), shards))) break;
        lastSend = Date.now();
        this.q.ack(batch.next, batch.samples);
        this.oldestAppend = this.q.pending().samples > 0 ? lastSend : 0;
        continue;
      }
      const outcome = await this.deliver(Buffer.concat(batch.payloads), batch.samples);
      if (this.isStopped() && outcome.kind === 'retry') break;
      switch (outcome.kind) {
        case 'ok':
          lastSend = Date.now();
          this.counters.sent += batch.samples;
          this.q.ack(batch.next, batch.samples);
          this.oldestAppend = this.q.pending().samples > 0 ? lastSend : 0;
          backoff = this.opts.minBackoffMs;
          break;
        case 'drop':
          lastSend = Date.now();
          this.counters.failed += batch.samples;
          this.counters.lastError = outcome.error;
          this.opts.logger.error('remote write rejected a batch; dropping it', {
            url: this.opts.url,
            err: outcome.error,
            samples: batch.samples,
          });
          this.q.ack(batch.next, batch.samples);
          break;
        case 'retry': {
          this.counters.retries++;
          this.counters.lastError = outcome.error;
          const wait = outcome.retryAfterMs ?? backoff;
          this.opts.logger.warn('remote write failed; retrying', {
            url: this.opts.url,
            err: outcome.error,
            retry_in_ms: wait,
          });
          await this.sleep(wait * (0.8 + Math.random() * 0.4));
          backoff = Math.min(this.opts.maxBackoffMs, backoff * 2);
          break;
        }
      }
    }
  }

  /** Shards for the current backlog: one per two full requests pending, within min…max. */
  private shardCount(): number {
    const min = Math.max(1, this.opts.minShards ?? 1);
    const max = Math.max(min, this.opts.maxShards ?? 1);
    if (max === 1) return 1;
    const want = Math.ceil(this.q.pending().samples / (2 * this.opts.maxSamplesPerSend));
    return Math.min(max, Math.max(min, want));
  }

  /**
   * Splits a batch by series hash into `shards` requests and sends them in parallel, retrying
   * only the ones that failed (with backoff) until every one is acknowledged or dropped.
   * Returns false when stopped before that (the batch stays queued and is sent again).
   */
  private async sendSharded(message: Buffer, shards: number): Promise<boolean> {
    const rows = this.shardDecoder.decode(message);
    const encoders = Array.from({ length: shards }, () => new WriteRequestEncoder(16 * 1024));
    const counts = new Array<number>(shards).fill(0);
    for (let i = 0; i < rows.seriesCount; i++) {
      const labels = rows.seriesLabels(i);
      const from = rows.sampleOffsets[i] ?? 0;
      const to = rows.sampleOffsets[i + 1] ?? 0;
      const shard = hashStrings(labels) % shards;
      encoders[shard]?.addSeries(labels, rows.timestamps, rows.values, from, to);
      counts[shard] = (counts[shard] ?? 0) + (to - from);
    }
    let todo = encoders
      .map((e, i) => ({ body: Buffer.from(e.writer.finish()), samples: counts[i] ?? 0 }))
      .filter((p) => p.samples > 0);
    let backoff = this.opts.minBackoffMs;
    while (todo.length > 0) {
      if (this.isStopped()) return false;
      const outcomes = await Promise.all(todo.map((p) => this.deliver(p.body, p.samples)));
      const again: typeof todo = [];
      let wait = 0;
      outcomes.forEach((o, i) => {
        const part = todo[i];
        if (!part) return;
        if (o.kind === 'ok') this.counters.sent += part.samples;
        else if (o.kind === 'drop') {
          this.counters.failed += part.samples;
          this.counters.lastError = o.error;
          this.opts.logger.error('remote write rejected a batch; dropping it', {
            url: this.opts.url,
            err: o.error,
            samples: part.samples,
          });
        } else {
          this.counters.retries++;
          this.counters.lastError = o.error;
          wait = Math.max(wait, o.retryAfterMs ?? backoff);
          again.push(part);
        }
      });
      todo = again;
      if (todo.length > 0) {
        this.opts.logger.warn('remote write failed; retrying', {
          url: this.opts.url,
          err: this.counters.lastError,
          retry_in_ms: wait,
          requests: todo.length,
        });
        await this.sleep(wait * (0.8 + Math.random() * 0.4));
        backoff = Math.min(this.opts.maxBackoffMs, backoff * 2);
      }
    }
    return true;
  }

  /** Sends a batch in the configured protocol, falling back to 1.0 for a 1.0-only receiver. */
  private async deliver(
    message: Buffer,
    samples: number,
  ): Promise<Exclude<SendOutcome, { kind: 'unsupported' }>> {
    if (this.v2) {
      const out = await this.send(this.v2.transcode(message, this.opts.metadata), 'v2', samples);
      if (out.kind !== 'unsupported') return out;
      this.opts.logger.warn(
        'receiver does not take remote write 2.0; sending this batch as 1.0 (set protobuf_message: prometheus.WriteRequest)',
        { url: this.opts.url, err: out.error },
      );
    }
    const out = await this.send(message, 'v1', samples);
    return out.kind === 'unsupported' ? { kind: 'drop', error: out.error } : out;
  }

  private async headers(v: 'v1' | 'v2'): Promise<Record<string, string>> {
    const headers: Record<string, string> = {
      ...this.opts.headers,
      'Content-Encoding': 'snappy',
      'Content-Type':
        v === 'v2'
          ? 'application/x-protobuf;proto=io.prometheus.write.v2.Request'
          : 'application/x-protobuf',
      'User-Agent': this.opts.userAgent ?? 'Kansoku',
      'X-Prometheus-Remote-Write-Version': v === 'v2' ? '2.0.0' : '0.1.0',
    };
    const a = this.opts.authorization;
    if (a)
      headers['Authorization'] =
        `${a.type} ${a.credentialsFile !== '' ? readFileSync(a.credentialsFile, 'utf8').trim() : a.credentials}`;
    const b = this.opts.basicAuth;
    if (b) {
      const pw = b.passwordFile !== '' ? readFileSync(b.passwordFile, 'utf8').trim() : b.password;
      headers['Authorization'] = `Basic ${Buffer.from(`${b.username}:${pw}`).toString('base64')}`;
    }
    if (this.oauth2) headers['Authorization'] = await this.oauth2.authorization(this.abort.signal);
    return headers;
  }

  private async send(message: Uint8Array, v: 'v1' | 'v2', samples: number): Promise<SendOutcome> {
    let status: number;
    let text: string;
    let written: string | string[] | undefined;
    let retryAfter: string | string[] | undefined;
    try {
      const res = await this.transport.post(
        encodeSnappyBody(message),
        await this.headers(v),
        AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.opts.remoteTimeoutMs)]),
      );
      status = res.status;
      text = res.body.slice(0, 512);
      written = res.headers['x-prometheus-remote-write-samples-written'];
      retryAfter = res.headers['retry-after'];
    } catch (e) {
      return { kind: 'retry', error: (e as Error).message };
    }
    const error = `HTTP ${status}: ${text}`;
    if (v === 'v2' && status === 415) return { kind: 'unsupported', error };
    if (status >= 200 && status < 300) {
      if (v === 'v1') return { kind: 'ok' };
      // A 2xx without the written-count headers is a 1.0 receiver that decoded nothing (spec 2.0).
      if (typeof written !== 'string')
        return {
          kind: 'unsupported',
          error: `HTTP ${status} without X-Prometheus-Remote-Write-Samples-Written`,
        };
      const n = Number(written);
      this.counters.written += Number.isFinite(n) ? n : 0;
      if (n < samples)
        this.opts.logger.warn('receiver wrote fewer samples than sent', {
          url: this.opts.url,
          sent: samples,
          written: n,
        });
      return { kind: 'ok' };
    }
    if (status === 401 && this.oauth2) {
      // The token may have been revoked or expired early: fetch a new one and try again.
      this.oauth2.invalidate();
      return { kind: 'retry', error };
    }
    if (status === 429 && !this.opts.retryOnHttp429) return { kind: 'drop', error };
    if (status === 429 || status >= 500) {
      const ra = typeof retryAfter === 'string' ? retryAfter : undefined;
      const ms = ra !== undefined ? retryAfterMs(ra) : undefined;
      return ms !== undefined
        ? { kind: 'retry', error, retryAfterMs: ms }
        : { kind: 'retry', error };
    }
    return { kind: 'drop', error };
  }
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms from now (undefined when invalid). */
function retryAfterMs(v: string): number | undefined {
  const secs = Number(v);
  if (v.trim() !== '' && Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** Collects a batch column-wise (no object per sample) until commit. */
class QueueAppender implements Appender {
  private labels: Labels[] = [];
  private ts = new Float64Array(256);
  private vs = new Float64Array(256);
  private n = 0;
  private done = false;

  constructor(private readonly queue: RemoteWriteQueue) {}

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    if (this.done) throw new Error('BUG: appender used after commit or rollback');
    if (this.n === this.ts.length) {
      const ts = new Float64Array(this.n * 2);
      ts.set(this.ts);
      this.ts = ts;
      const vs = new Float64Array(this.n * 2);
      vs.set(this.vs);
      this.vs = vs;
    }
    this.labels.push(labels);
    this.ts[this.n] = t;
    this.vs[this.n++] = v;
    return ref;
  }

  commit(): Promise<void> {
    this.done = true;
    try {
      if (this.n > 0) this.queue.enqueue(this.labels, this.ts, this.vs, this.n);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    return Promise.resolve();
  }

  rollback(): Promise<void> {
    this.done = true;
    this.labels = [];
    this.n = 0;
    return Promise.resolve();
  }
}
