/**
 * `POST /api/v1/write`: the Prometheus remote write 1.0 and 2.0 receiver.
 *
 * A request is all or nothing: the body is read (size-limited), decompressed and decoded in
 * full, every series is validated and passed through the shared ingest pipeline's limits and
 * relabeling (`IngestPipeline.admit`), and only then are all samples appended with one appender
 * of the pipeline's storage and committed. Any failure rolls back, so nothing of a rejected
 * request is stored. Client faults answer 400 with the field path; storage faults answer 5xx so
 * that senders retry. Validated and relabeled series are cached by their raw wire labels, so the
 * pipeline's rules cost nothing for a known series.
 */
import {
  BadInputError,
  LimitError,
  StorageUnavailableError,
  type Labels,
} from '../../model/index.js';
import {
  WriteRequestDecoder,
  WriteRequestRows,
  WriteRequestV2Decoder,
  WriteRequestV2Rows,
  SnappyBlockDecoder,
  decodeSnappyBodyAsync,
  snappyDecodedLength,
  type DecodeOptions,
} from '../../parsers/index.js';
import type { IngestPipeline } from '../../ingest/index.js';
import type { Appender, SeriesRef } from '../../storage/index.js';
import type { Logger } from '../../util/index.js';
import { readBody } from '../body.js';
import { HttpError } from '../errors.js';
import { sendEmpty } from '../respond.js';
import type { RequestContext } from '../router.js';
import { ALLOW_ALL, pushCredentials, type PushAuthorizer } from './credentials.js';
import type { RejectReason, RemoteWriteMetrics } from './metrics.js';
import { SeriesCache, type CachedSeries } from './series-cache.js';
import { InvalidSeriesError, validatedLabels } from './validate.js';

/**
 * Bodies that decompress to at most this many bytes are decompressed on the event loop (about
 * 40 µs for a typical 64 KiB batch), larger ones on the thread pool, whose hand-off alone costs
 * about 150 µs of event-loop time.
 */
const SYNC_DECODE_MAX_BYTES = 1024 * 1024;

/** Series to add to the cache after a successful commit. */
type PendingSeries = readonly (readonly [number, CachedSeries])[];

/** Options of the remote-write receiver. */
export interface RemoteWriteOptions {
  /** Largest body accepted, compressed and decompressed, in bytes. */
  readonly maxBodyBytes: number;
  /** The flag that holds `maxBodyBytes`, named in errors. */
  readonly maxBodySetting: string;
  /** Most series whose validated labels and references are cached. */
  readonly seriesCacheSize: number;
  /** Decoder limits (labels per series, label lengths). */
  readonly decode: Partial<DecodeOptions>;
  /** Who may write (default: everyone); the credentials hook shared by every push path. */
  readonly authorize?: PushAuthorizer;
}

/** Default options: 64 MiB bodies, 262,144 cached series. */
export function defaultRemoteWriteOptions(): RemoteWriteOptions {
  return {
    maxBodyBytes: 64 * 1024 * 1024,
    maxBodySetting: 'web.remote-write.max-body-size',
    seriesCacheSize: 262_144,
    decode: {},
  };
}

/** A sample could not be appended because of what the client sent (conflict, out of bounds). */
export class SampleRejectedError extends BadInputError {
  override readonly name = 'SampleRejectedError';
}

/** The remote-write receiver. One instance per server; safe for concurrent requests. */
export class RemoteWriteHandler {
  private readonly decoder: WriteRequestDecoder;
  private readonly unsnappy: SnappyBlockDecoder;
  private readonly rows1 = new WriteRequestRows();
  private readonly rows2 = new WriteRequestV2Rows();
  private readonly decoder2: WriteRequestV2Decoder;
  /** The rows of the request being handled (1.0 or 2.0 layout). */
  private rows: WriteRequestRows = this.rows1;
  private readonly cache: SeriesCache;
  private cacheOwner: IngestPipeline | undefined;
  private cacheGeneration = 0;
  // Per-request scratch, reused: validated labels (undefined: dropped by relabeling) and cache
  // entries per series.
  private seriesLabels: (Labels | undefined)[] = [];
  private seriesKeys: number[] = [];
  private seriesRefs: SeriesRef[] = [];
  private seriesCached: boolean[] = [];

  constructor(
    /** The shared ingest pipeline once storage is open, undefined before (503). */
    private readonly pipeline: () => IngestPipeline | undefined,
    private readonly opts: RemoteWriteOptions,
    private readonly metrics: RemoteWriteMetrics,
    private readonly logger: Logger,
  ) {
    this.decoder = new WriteRequestDecoder(opts.decode);
    this.unsnappy = new SnappyBlockDecoder();
    this.decoder2 = new WriteRequestV2Decoder(opts.decode);
    this.cache = new SeriesCache(opts.seriesCacheSize);
  }

  /** Handles one request (a router `Handler`). */
  readonly handle = async (ctx: RequestContext): Promise<void> => {
    (this.opts.authorize ?? ALLOW_ALL)(
      pushCredentials(ctx.req.headers, ctx.url.searchParams),
      ctx.url.pathname,
    );
    const v2 = checkHeaders(ctx);
    const body = await readBody(ctx.req, this.opts.maxBodyBytes, this.opts.maxBodySetting);
    let decoded: Uint8Array;
    try {
      const setting = `--${this.opts.maxBodySetting}`;
      // Small bodies decompress faster on this thread than the hand-off to the thread pool
      // costs, into a buffer reused by every request (it is only read synchronously below);
      // large ones on the thread pool.
      decoded =
        snappyDecodedLength(body) <= SYNC_DECODE_MAX_BYTES
          ? this.unsnappy.decode(body, this.opts.maxBodyBytes, setting)
          : await decodeSnappyBodyAsync(body, this.opts.maxBodyBytes, setting);
    } catch (err) {
      throw this.reject(err instanceof LimitError ? 'limit' : 'decode', err);
    }
    const store = this.pipeline();
    if (!store) {
      throw new StorageUnavailableError(
        'cannot ingest remote write request: storage is not ready yet',
        false,
      );
    }
    if (store !== this.cacheOwner || store.generation !== this.cacheGeneration) {
      this.cache.clear();
      this.cacheOwner = store;
      this.cacheGeneration = store.generation;
    }
    // From decoding to the end of the append loop everything is synchronous, because `rows`
    // and the per-series scratch arrays are shared between requests.
    let app: Appender | undefined;
    let pending: PendingSeries;
    this.rows = v2 ? this.rows2 : this.rows1;
    const rows = this.rows;
    try {
      try {
        if (v2) this.decoder2.decode(decoded, this.rows2);
        else this.decoder.decode(decoded, rows);
      } catch (err) {
        throw this.reject('decode', err);
      }
      this.validateAll(store);
      app = store.appendable.appender();
      this.appendAll(app);
      pending = this.pendingSeries();
    } catch (err) {
      if (app) await app.rollback();
      throw err;
    }
    const { exemplarCount, histogramCount } = rows;
    const sampleCount = rows.sampleCount - this.droppedSamples;
    try {
      await app.commit();
    } catch (err) {
      throw this.reject(err instanceof BadInputError ? 'conflict' : 'storage', err);
    }
    for (const [key, entry] of pending) this.cache.set(key, entry);
    this.metrics.samples.inc({ source: 'remote_write' }, sampleCount);
    if (exemplarCount > 0) this.metrics.dropped.inc({ kind: 'exemplar' }, exemplarCount);
    if (histogramCount > 0) this.metrics.dropped.inc({ kind: 'histogram' }, histogramCount);
    if (this.droppedSamples > 0)
      this.metrics.dropped.inc({ kind: 'relabeled' }, this.droppedSamples);
    if (v2) {
      // Remote write 2.0 answers say what was written.
      ctx.res.setHeader('X-Prometheus-Remote-Write-Samples-Written', String(sampleCount));
      ctx.res.setHeader('X-Prometheus-Remote-Write-Histograms-Written', '0');
      ctx.res.setHeader('X-Prometheus-Remote-Write-Exemplars-Written', '0');
    }
    sendEmpty(ctx.res, 204);
  };

  /**
   * Validates every series and applies the pipeline's limits and relabeling (or takes the result
   * from the cache) before anything is appended.
   */
  private validateAll(pipeline: IngestPipeline): void {
    const rows = this.rows;
    const n = rows.seriesCount;
    this.seriesLabels.length = n;
    this.seriesKeys.length = n;
    this.seriesRefs.length = n;
    this.seriesCached.length = n;
    let hits = 0;
    for (let i = 0; i < n; i++) {
      const from = rows.labelOffsets[i]!;
      const to = rows.labelOffsets[i + 1]!;
      const key = this.cache.hash(rows.labels, from, to);
      this.seriesKeys[i] = key;
      const hit = this.cache.get(key, rows.labels, from, to);
      if (hit) {
        hits++;
        this.seriesLabels[i] = hit.labels;
        this.seriesRefs[i] = hit.ref;
        this.seriesCached[i] = true;
        continue;
      }
      let admitted: Labels | undefined | string;
      try {
        admitted = pipeline.admit(validatedLabels(rows.labels, from, to, i));
      } catch (err) {
        throw this.reject('invalid_series', err);
      }
      if (typeof admitted === 'string') {
        throw this.reject(
          admitted.includes('raise --') ? 'limit' : 'invalid_series',
          new InvalidSeriesError(
            `cannot ingest remote write request: timeseries[${i}].labels: ${admitted}`,
          ),
        );
      }
      this.seriesLabels[i] = admitted;
      this.seriesRefs[i] = 0;
      this.seriesCached[i] = false;
    }
    if (hits > 0) this.metrics.cache.inc({ result: 'hit' }, hits);
    if (n - hits > 0) this.metrics.cache.inc({ result: 'miss' }, n - hits);
  }

  /** Samples of the current request whose series relabeling dropped. */
  private droppedSamples = 0;

  /** Appends every sample of the series not dropped. Errors name the series and sample. */
  private appendAll(app: Appender): void {
    const rows = this.rows;
    const ts = rows.timestamps;
    const vs = rows.values;
    this.droppedSamples = 0;
    for (let i = 0; i < rows.seriesCount; i++) {
      const labels = this.seriesLabels[i];
      let ref = this.seriesRefs[i]!;
      const from = rows.sampleOffsets[i]!;
      const to = rows.sampleOffsets[i + 1]!;
      if (labels === undefined) {
        this.droppedSamples += to - from;
        continue;
      }
      for (let s = from; s < to; s++) {
        try {
          ref = app.append(ref, labels, ts[s]!, vs[s]!);
        } catch (err) {
          throw this.appendError(err, i, s - from, ts[s]!);
        }
      }
      this.seriesRefs[i] = ref;
    }
  }

  /**
   * The series seen for the first time, with their references, to be cached once the commit
   * succeeded (a rolled-back series may not exist in storage).
   */
  private pendingSeries(): PendingSeries {
    const out: [number, CachedSeries][] = [];
    const rows = this.rows;
    for (let i = 0; i < rows.seriesCount; i++) {
      const ref = this.seriesRefs[i]!;
      const labels = this.seriesLabels[i];
      // A series dropped by relabeling is cached too (ref 0), so it is not relabeled again.
      if (!this.seriesCached[i] && (ref !== 0 || labels === undefined)) {
        const raw = rows.stableSeriesLabels(i);
        out.push([this.seriesKeys[i]!, { raw, labels, ref }]);
      }
    }
    return out;
  }

  private appendError(err: unknown, series: number, sample: number, t: number): unknown {
    const where = `timeseries[${series}].samples[${sample}] (timestamp ${t})`;
    if (err instanceof BadInputError) {
      return this.reject(
        'conflict',
        new SampleRejectedError(`cannot ingest remote write request: ${where}: ${err.message}`, {
          cause: err,
        }),
      );
    }
    if (err instanceof LimitError) return this.reject('limit', err);
    return this.reject('storage', err);
  }

  private reject(reason: RejectReason, err: unknown): unknown {
    this.metrics.rejected.inc({ reason });
    if (reason === 'storage') this.logger.warn('remote write request failed in storage', { err });
    else this.logger.debug('remote write request rejected', { reason, err });
    return err;
  }
}

/**
 * Rejects content types and encodings other than remote write 1.0 and 2.0 (protobuf, snappy);
 * returns whether the body is a 2.0 `io.prometheus.write.v2.Request`.
 */
function checkHeaders(ctx: RequestContext): boolean {
  const enc = ctx.req.headers['content-encoding'];
  if (enc !== undefined && enc !== '' && enc.toLowerCase() !== 'snappy') {
    throw new HttpError(
      415,
      'bad_data',
      `cannot ingest remote write request: unsupported Content-Encoding ${JSON.stringify(enc)} (only snappy)`,
    );
  }
  const ct = ctx.req.headers['content-type'];
  if (ct === undefined || ct === '') return false;
  const [type = '', ...params] = ct.split(';').map((p) => p.trim());
  const proto = params.find((p) => p.startsWith('proto='))?.slice('proto='.length);
  if (
    type.toLowerCase() !== 'application/x-protobuf' ||
    (proto !== undefined &&
      proto !== 'prometheus.WriteRequest' &&
      proto !== 'io.prometheus.write.v2.Request')
  ) {
    throw new HttpError(
      415,
      'bad_data',
      `cannot ingest remote write request: unsupported Content-Type ${JSON.stringify(ct)} (remote write 1.0 or 2.0: application/x-protobuf;proto=prometheus.WriteRequest or io.prometheus.write.v2.Request)`,
    );
  }
  return proto === 'io.prometheus.write.v2.Request';
}
