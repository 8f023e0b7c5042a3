/** The PromQL engine: parses, evaluates over the storage seam, enforces limits, shapes results. */
import { dropMetadata } from './value.js';
import { Labels } from '../../model/index.js';
import type { Queryable } from '../../storage/index.js';
import { DurationError, exprType, resolveDurations, type Expr } from '../parser/index.js';
import { QueryContext } from './context.js';
import {
  BadQueryError,
  abortedError,
  QueryCanceledError,
  QueryError,
  QueryExecutionError,
  QueryTimeoutError,
} from './errors.js';
import { Evaluator } from './evaluator.js';
import { ConcurrencyGate } from './gate.js';
import { parseQuery } from './parse.js';
import { queryTimeRange, selectorWindows } from './timerange.js';
import {
  defaultEngineOptions,
  type EngineOptions,
  type MatrixSeries,
  type QueryOptions,
  type QueryResult,
  type QueryValue,
  type VectorSample,
} from './types.js';
import type { EvalValue, StepSeries } from './value.js';

/**
 * Evaluates PromQL instant and range queries against any `Queryable`. Safe to share: each query
 * has its own state; at most `maxConcurrent` queries evaluate at once and the rest wait in order.
 */
export class Engine {
  readonly opts: EngineOptions;
  private readonly gate: ConcurrencyGate;

  constructor(opts?: Partial<EngineOptions>) {
    this.opts = { ...defaultEngineOptions(), ...opts };
    this.gate = new ConcurrencyGate(Math.max(1, this.opts.maxConcurrent), this.opts.maxQueueWaitMs);
  }

  /** Queries evaluating now (for self-metrics such as `prometheus_engine_queries`). */
  get runningQueries(): number {
    return this.gate.running;
  }

  /** Queries waiting for a slot because `maxConcurrent` are running. */
  get queuedQueries(): number {
    return this.gate.queued;
  }

  /** Queries refused since start because no slot came free within `maxQueueWaitMs`. */
  get refusedQueries(): number {
    return this.gate.refused;
  }

  /** Evaluates `expr` at one instant (ms). */
  instantQuery(
    q: Queryable,
    expr: string | Expr,
    timeMs: number,
    opts?: QueryOptions,
  ): Promise<QueryResult> {
    return this.run(q, expr, timeMs, timeMs, 0, opts ?? {});
  }

  /** Evaluates `expr` at every step from `startMs` to `endMs` (inclusive). */
  rangeQuery(
    q: Queryable,
    expr: string | Expr,
    startMs: number,
    endMs: number,
    stepMs: number,
    opts?: QueryOptions,
  ): Promise<QueryResult> {
    if (!(stepMs > 0))
      return Promise.reject(
        new BadQueryError(
          'zero or negative query resolution step widths are not accepted. Try a positive integer',
        ),
      );
    if (endMs < startMs)
      return Promise.reject(new BadQueryError('end timestamp must not be before start time'));
    return this.run(q, expr, startMs, endMs, stepMs, opts ?? {});
  }

  private async run(
    q: Queryable,
    input: string | Expr,
    start: number,
    end: number,
    step: number,
    opts: QueryOptions,
  ): Promise<QueryResult> {
    const text = typeof input === 'string' ? input : undefined;
    const parsed =
      typeof input === 'string' ? parseQuery(input, this.opts.enableExperimentalFunctions) : input;
    let expr: Expr;
    try {
      expr = resolveDurations(parsed, { stepMs: step, rangeMs: end - start });
    } catch (err) {
      if (err instanceof DurationError) throw new BadQueryError(err.message, { cause: err });
      throw err;
    }
    const isRange = step > 0;
    const type = exprType(expr);
    if (isRange && type !== 'scalar' && type !== 'vector')
      throw new BadQueryError(
        `invalid expression type "${type === 'matrix' ? 'range vector' : type}" for range query, must be Scalar or instant Vector`,
      );
    // The timeout covers waiting in the queue and evaluation; the timer also aborts storage calls.
    const deadline = Date.now() + this.opts.timeoutMs;
    const timer = new AbortController();
    // setTimeout fires at once beyond 2^31-1 ms, so longer timeouts are capped (~24.8 days).
    const handle = setTimeout(
      () => {
        timer.abort();
      },
      Math.min(this.opts.timeoutMs, 2_147_483_647),
    );
    const signal = opts.signal ? AbortSignal.any([opts.signal, timer.signal]) : timer.signal;
    const failure = (err: unknown, where: string): QueryError => {
      if (opts.signal?.aborted) return abortedError(opts.signal, where, this.opts.timeoutMs);
      if (timer.signal.aborted || Date.now() > deadline)
        return new QueryTimeoutError(where, this.opts.timeoutMs);
      if (err instanceof QueryError) return err;
      const msg = err instanceof Error ? err.message : String(err);
      return new QueryExecutionError(msg, { cause: err });
    };
    let release: () => void;
    try {
      release = await this.gate.acquire(signal);
    } catch (err) {
      clearTimeout(handle);
      throw failure(err, 'queue');
    }
    const t0 = performance.now();
    try {
      const lookbackMs = opts.lookbackDeltaMs ?? this.opts.lookbackDeltaMs;
      const rangeParams = { start, end, lookbackMs };
      const windows = selectorWindows(expr, rangeParams);
      const [mint, maxt] = queryTimeRange(windows, rangeParams);
      const querier = await q.querier(mint, maxt);
      try {
        const ctx = new QueryContext(querier, {
          lookbackMs,
          maxSamples: this.opts.maxSamples,
          timeoutMs: this.opts.timeoutMs,
          deadline,
          signal,
          delayedNameRemoval: this.opts.enableDelayedNameRemoval,
          defaultSubqueryStepMs: this.opts.defaultSubqueryStepMs,
          queryText: text,
          start,
          end,
          step,
          windows,
        });
        const ev = new Evaluator(ctx, start, end, isRange ? step : 1);
        const val = await ev.eval(expr);
        const value = isRange ? toMatrix(ctx, ev, val) : toInstant(val, start);
        return {
          value,
          warnings: [...ctx.warnings],
          infos: [...ctx.infos],
          stats: {
            samplesLoaded: ctx.samplesLoaded,
            seriesLoaded: ctx.seriesLoaded,
            evalMs: performance.now() - t0,
          },
        };
      } finally {
        querier.close();
      }
    } catch (err) {
      // Limits and bad input keep their own error; interrupted work becomes timeout/cancel.
      if (err instanceof QueryError && !(err instanceof QueryCanceledError)) throw err;
      throw failure(err, 'expression evaluation');
    } finally {
      clearTimeout(handle);
      release();
    }
  }
}

function byLabels<T extends { labels: { compare(o: T['labels']): number } }>(a: T, b: T): number {
  return a.labels.compare(b.labels);
}

function toInstant(val: EvalValue, t: number): QueryValue {
  switch (val.kind) {
    case 'scalar':
      return { type: 'scalar', t, v: val.vs[0] ?? NaN };
    case 'string':
      return { type: 'string', t, v: val.v };
    case 'vector': {
      const series = dropNamesInstant(val.series);
      const out: VectorSample[] = [];
      for (const s of series) if (s.has[0]) out.push({ labels: s.labels, t, v: s.vs[0]! });
      if (!val.ordered) out.sort(byLabels);
      return { type: 'vector', series: out };
    }
    case 'matrix': {
      const out: MatrixSeries[] = val.series.map((s) => ({
        labels: s.dropName ? dropMetadata(s.labels) : s.labels,
        ts: s.ts,
        vs: s.vs,
      }));
      out.sort(byLabels);
      for (let i = 1; i < out.length; i++)
        if (out[i - 1]!.labels.equals(out[i]!.labels))
          throw new QueryExecutionError('vector cannot contain metrics with the same labelset');
      return { type: 'matrix', series: out };
    }
  }
}

function dropNamesInstant(series: StepSeries[]): StepSeries[] {
  const seen = new Set<string>();
  for (const s of series) {
    if (s.dropName) {
      s.labels = dropMetadata(s.labels);
      s.dropName = false;
    }
    if (!s.has[0]) continue;
    const key = s.labels.flat.join('\xff');
    if (seen.has(key))
      throw new QueryExecutionError('vector cannot contain metrics with the same labelset');
    seen.add(key);
  }
  return series;
}

function toMatrix(ctx: QueryContext, ev: Evaluator, val: EvalValue): QueryValue {
  let series: StepSeries[];
  if (val.kind === 'scalar') {
    series = [
      {
        labels: Labels.EMPTY,
        vs: val.vs,
        has: new Uint8Array(val.vs.length).fill(1),
        dropName: false,
      },
    ];
  } else if (val.kind === 'vector') series = ctx.dropNames(val.series);
  else throw new QueryExecutionError(`BUG: range query produced ${val.kind}`);
  const out: MatrixSeries[] = [];
  for (const s of series) {
    let n = 0;
    for (let i = 0; i < s.has.length; i++) n += s.has[i]!;
    if (n === 0) continue;
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    let j = 0;
    for (let i = 0; i < s.has.length; i++) {
      if (!s.has[i]) continue;
      ts[j] = ev.time(i);
      vs[j] = s.vs[i]!;
      j++;
    }
    out.push({ labels: s.labels, ts, vs });
  }
  out.sort(byLabels);
  return { type: 'matrix', series: out };
}
