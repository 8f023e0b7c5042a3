/**
 * What every line-oriented push path shares: its dependencies, reading the body (credentials
 * first, then the size limit, gzip, and the pipeline once storage is open), counting accepted
 * and rejected samples, and the one-line summary of a partial write.
 */
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { IngestPipeline, IngestResult } from '../../ingest/index.js';
import { StorageUnavailableError } from '../../model/index.js';
import { readBody } from '../body.js';
import { HttpError } from '../errors.js';
import type { RequestContext } from '../router.js';
import { ALLOW_ALL, pushCredentials, type PushAuthorizer } from './credentials.js';
import type { IngestCounters } from './metrics.js';

const gunzipAsync = promisify(gunzip);

/** What the push endpoints need. */
export interface PushDeps {
  /** The ingest pipeline once storage is open; undefined before (503). */
  readonly pipeline: () => IngestPipeline | undefined;
  /** Largest body accepted (compressed and decompressed), in bytes. */
  readonly maxBodyBytes: number;
  /** The flag holding `maxBodyBytes`, named in errors. */
  readonly maxBodySetting: string;
  readonly counters: IngestCounters;
  /** Who may write (default: everyone); see `credentials.ts`. */
  readonly authorize?: PushAuthorizer;
}

/** The ingestion source label of each endpoint. */
export type Source = 'influx' | 'import_json' | 'import_csv' | 'import_prometheus';

/** Reads (and un-gzips) the body as text and finds the pipeline. */
export async function prepare(
  ctx: RequestContext,
  deps: PushDeps,
): Promise<{ pipeline: IngestPipeline; body: string }> {
  (deps.authorize ?? ALLOW_ALL)(
    pushCredentials(ctx.req.headers, ctx.url.searchParams),
    ctx.url.pathname,
  );
  const raw = await readBody(ctx.req, deps.maxBodyBytes, deps.maxBodySetting);
  const enc = (ctx.req.headers['content-encoding'] ?? '').toLowerCase();
  let bytes: Buffer = raw;
  if (enc === 'gzip') {
    try {
      bytes = await gunzipAsync(raw, { maxOutputLength: deps.maxBodyBytes });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (
        /maxOutputLength|Cannot create a Buffer larger/i.test(msg) ||
        (err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE'
      ) {
        throw new HttpError(
          413,
          'bad_data',
          `cannot decompress request body: more than the limit of ${deps.maxBodyBytes} bytes (raise --${deps.maxBodySetting})`,
        );
      }
      throw new HttpError(400, 'bad_data', `cannot decompress request body: ${msg}`);
    }
  } else if (enc !== '' && enc !== 'identity') {
    throw new HttpError(
      415,
      'bad_data',
      `unsupported Content-Encoding ${JSON.stringify(enc)} (use gzip or none)`,
    );
  }
  const pipeline = deps.pipeline();
  if (!pipeline)
    throw new StorageUnavailableError('cannot ingest request: storage is not ready yet', false);
  return { pipeline, body: bytes.toString('utf8') };
}

/** Counts a request's accepted and rejected samples in the self-metrics. */
export function count(deps: PushDeps, source: Source, r: IngestResult): void {
  deps.counters.count(source, r);
}

/** `3 of 10 samples rejected; line 2: …; line 5: …` (at most 5 reasons). */
export function summary(r: IngestResult): string {
  const shown = r.errors.slice(0, 5).map((e) => e.reason);
  const more = r.errors.length > shown.length || r.rejected > r.errors.length ? '; …' : '';
  return `${r.rejected} of ${r.accepted + r.rejected} samples rejected; ${shown.join('; ')}${more}`;
}
