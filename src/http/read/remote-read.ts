/**
 * `POST /api/v1/read`: the Prometheus remote read endpoint. Answers with `SAMPLES`
 * (snappy-compressed `ReadResponse`) or, when the client accepts it, `STREAMED_XOR_CHUNKS`
 * (one CRC-checked frame per series, XOR chunks of at most 120 samples).
 */
import { LimitError, Matcher } from '../../model/index.js';
import {
  ReadRequestDecoder,
  STREAMED_CONTENT_TYPE,
  decodeSnappyBody,
  encodeChunkedFrame,
  encodeReadResponse,
  encodeSnappyBody,
  encodeXORChunk,
  type ReadChunk,
  type ReadQuery,
  type ReadSeries,
} from '../../parsers/index.js';
import type { Queryable } from '../../storage/index.js';
import { readBody } from '../body.js';
import { HttpError } from '../errors.js';
import type { RequestContext, Router } from '../router.js';

/** What the remote read endpoint needs. */
export interface RemoteReadDeps {
  /** The storage once open; undefined before (503). */
  readonly storage: () => Queryable | undefined;
  /** Largest request body (compressed and decompressed), bytes. */
  readonly maxBodyBytes: number;
  /** Most samples one SAMPLES answer may hold (`--query.max-samples`). */
  readonly maxSamples: number;
}

/** Most samples per XOR chunk in streamed answers, as Prometheus. */
const SAMPLES_PER_CHUNK = 120;

/** Adds `POST /api/v1/read`. */
export function addRemoteReadRoute(router: Router, deps: RemoteReadDeps): void {
  const decoder = new ReadRequestDecoder();
  router.post('/api/v1/read', async (ctx) => {
    const body = await readBody(ctx.req, deps.maxBodyBytes, 'web.remote-write.max-body-size');
    const req = decoder.decode(
      decodeSnappyBody(body, deps.maxBodyBytes, '--web.remote-write.max-body-size'),
    );
    const store = deps.storage();
    if (!store)
      throw new HttpError(503, 'unavailable', 'cannot serve remote read: storage is not ready yet');
    const queries = req.queries.map((q) => ({
      q,
      matchers: q.matchers.map((m) => new Matcher(m.type, m.name, m.value)),
    }));
    if (req.acceptedResponseTypes.includes(1)) {
      await streamChunks(ctx, store, queries);
      return;
    }
    const results: ReadSeries[][] = [];
    let total = 0;
    for (const { q, matchers } of queries) {
      const series = await readSamples(store, q, matchers, ctx.signal);
      for (const s of series) total += s.count;
      if (total > deps.maxSamples) {
        throw new LimitError(
          `cannot answer remote read: more than ${deps.maxSamples} samples (raise --query.max-samples or ask for streamed chunks)`,
          'query.max-samples',
        );
      }
      results.push(series);
    }
    const out = encodeSnappyBody(encodeReadResponse(results));
    ctx.res.writeHead(200, {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'snappy',
      'Content-Length': out.length,
    });
    ctx.res.end(out);
  });
}

/** Reads every matching series of one query as sample arrays. */
async function readSamples(
  store: Queryable,
  q: ReadQuery,
  matchers: readonly Matcher[],
  signal: AbortSignal,
): Promise<ReadSeries[]> {
  const querier = await store.querier(q.startMs, q.endMs);
  try {
    const set = await querier.select(true, { start: q.startMs, end: q.endMs }, matchers, signal);
    const out: ReadSeries[] = [];
    while (set.next()) {
      const s = set.at();
      const ts: number[] = [];
      const vs: number[] = [];
      const it = s.iterator();
      while (it.next() !== 'none') {
        const t = it.atT();
        if (t < q.startMs) continue;
        if (t > q.endMs) break;
        ts.push(t);
        vs.push(it.atF());
      }
      const err = it.err();
      if (err) throw err;
      if (ts.length > 0) out.push({ labels: s.labels.flat, ts, vs, count: ts.length });
    }
    const err = set.err();
    if (err) throw err;
    return out;
  } finally {
    querier.close();
  }
}

/** Writes a `STREAMED_XOR_CHUNKS` answer: one frame per series, queries in order. */
async function streamChunks(
  ctx: RequestContext,
  store: Queryable,
  queries: readonly { q: ReadQuery; matchers: Matcher[] }[],
): Promise<void> {
  let started = false;
  for (let qi = 0; qi < queries.length; qi++) {
    const { q, matchers } = queries[qi]!;
    const series = await readSamples(store, q, matchers, ctx.signal);
    if (!started) {
      ctx.res.writeHead(200, { 'Content-Type': STREAMED_CONTENT_TYPE });
      started = true;
    }
    for (const s of series) {
      const chunks: ReadChunk[] = [];
      for (let from = 0; from < s.count; from += SAMPLES_PER_CHUNK) {
        const to = Math.min(s.count, from + SAMPLES_PER_CHUNK);
        chunks.push({
          minTimeMs: s.ts[from]!,
          maxTimeMs: s.ts[to - 1]!,
          data: encodeXORChunk(s.ts, s.vs, from, to),
        });
      }
      const frame = encodeChunkedFrame(qi, [{ labels: s.labels, chunks }]);
      if (!ctx.res.write(frame)) await new Promise((r) => ctx.res.once('drain', r));
    }
  }
  if (!started) ctx.res.writeHead(200, { 'Content-Type': STREAMED_CONTENT_TYPE });
  ctx.res.end();
}
