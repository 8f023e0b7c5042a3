/**
 * `POST /api/v1/otlp/v1/metrics`: the OTLP/HTTP metrics receiver (protobuf or JSON, optionally
 * gzip). Points are translated to Prometheus series by the ingest layer; points that cannot be
 * translated are reported in the answer's `partial_success`, the others are stored.
 */
import {
  DeltaTracker,
  defaultOTLPIngestOptions,
  ingestOTLP,
  type IngestPipeline,
  type OTLPIngestOptions,
} from '../../ingest/index.js';
import { StorageUnavailableError } from '../../model/index.js';
import {
  decodeMetrics,
  encodeExportResponse,
  otlpContentType,
  otlpEncodingOf,
} from '../../parsers/index.js';
import { gunzipBody, readBody } from '../body.js';
import { HttpError } from '../errors.js';
import type { Router } from '../router.js';
import { ALLOW_ALL, pushCredentials, type PushAuthorizer } from './credentials.js';
import type { IngestCounters } from './metrics.js';

/** What the OTLP receiver needs. */
export interface OTLPDeps {
  /** The ingest pipeline once storage is open; undefined before (503). */
  readonly pipeline: () => IngestPipeline | undefined;
  /** Largest body accepted (compressed and decompressed), bytes. */
  readonly maxBodyBytes: number;
  /** The flag holding `maxBodyBytes`, named in errors. */
  readonly maxBodySetting: string;
  readonly counters: IngestCounters;
  /** Who may write (default: everyone); see `credentials.ts`. */
  readonly authorize?: PushAuthorizer;
  /** Translation settings; `now` is set per request. */
  readonly options?: Partial<OTLPIngestOptions>;
}

/** Adds the OTLP receiver. Delta-temporality running totals are shared by all requests. */
export function addOTLPRoute(router: Router, deps: OTLPDeps): void {
  const base: OTLPIngestOptions = {
    ...defaultOTLPIngestOptions(),
    deltas: new DeltaTracker(),
    ...deps.options,
  };
  router.post('/api/v1/otlp/v1/metrics', async (ctx) => {
    const ct = ctx.req.headers['content-type'] ?? '';
    const enc = otlpEncodingOf(ct);
    if (enc === undefined) {
      throw new HttpError(
        415,
        'bad_data',
        `cannot ingest OTLP request: unsupported Content-Type ${JSON.stringify(ct)} (use application/x-protobuf or application/json)`,
      );
    }
    (deps.authorize ?? ALLOW_ALL)(
      pushCredentials(ctx.req.headers, ctx.url.searchParams),
      ctx.url.pathname,
    );
    let body = await readBody(ctx.req, deps.maxBodyBytes, deps.maxBodySetting);
    const ce = (ctx.req.headers['content-encoding'] ?? '').toLowerCase();
    if (ce === 'gzip') {
      body = await gunzipBody(body, deps.maxBodyBytes, deps.maxBodySetting);
    } else if (ce !== '' && ce !== 'identity') {
      throw new HttpError(
        415,
        'bad_data',
        `unsupported Content-Encoding ${JSON.stringify(ce)} (use gzip or none)`,
      );
    }
    const req = decodeMetrics(body, enc);
    const pipeline = deps.pipeline();
    if (!pipeline)
      throw new StorageUnavailableError(
        'cannot ingest OTLP request: storage is not ready yet',
        false,
      );
    const r = await ingestOTLP(pipeline, req, { ...base, now: Date.now() });
    deps.counters.count('otlp', r);
    const message = r.errors
      .slice(0, 5)
      .map((e) => e.reason)
      .join('; ');
    const out = encodeExportResponse(r.rejected, r.rejected > 0 ? message : '', enc);
    ctx.res.writeHead(200, { 'Content-Type': otlpContentType(enc), 'Content-Length': out.length });
    ctx.res.end(out);
  });
}
