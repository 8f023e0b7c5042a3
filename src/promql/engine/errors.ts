/** The `errorType` values Prometheus' HTTP API uses for query failures. */
export type QueryErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled';

/** Base class of every error a query can end with; `errorType` says which kind. */
export class QueryError extends Error {
  override readonly name: string = 'QueryError';
  constructor(
    message: string,
    /** The Prometheus API error type this error maps to. */
    readonly errorType: QueryErrorType,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The query text or its parameters are invalid (HTTP 400, `bad_data`). */
export class BadQueryError extends QueryError {
  override readonly name = 'BadQueryError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'bad_data', options);
  }
}

/** The query failed while it ran (HTTP 422, `execution`). */
export class QueryExecutionError extends QueryError {
  override readonly name = 'QueryExecutionError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'execution', options);
  }
}

/** The query ran longer than `--query.timeout` (HTTP 503, `timeout`). */
export class QueryTimeoutError extends QueryError {
  override readonly name = 'QueryTimeoutError';
  constructor(where: string, timeoutMs: number) {
    super(
      `query timed out in ${where} (limit ${timeoutMs}ms, raise --query.timeout to allow longer queries)`,
      'timeout',
    );
  }
}

/** The caller aborted the query (HTTP 503, `canceled`). */
export class QueryCanceledError extends QueryError {
  override readonly name = 'QueryCanceledError';
  constructor(where: string) {
    super(`query was canceled in ${where}`, 'canceled');
  }
}

/** The query would hold more samples than `--query.max-samples` allows (`execution`). */
export class TooManySamplesError extends QueryError {
  override readonly name = 'TooManySamplesError';
  constructor(limit: number) {
    super(
      `query processing would load too many samples into memory in query execution (limit ${limit}, raise --query.max-samples to allow more)`,
      'execution',
    );
  }
}

/**
 * The error for work stopped by an aborted signal: a timeout when the abort reason is a
 * `TimeoutError` (as `AbortSignal.timeout()` and per-request timeouts use), a cancel otherwise.
 */
export function abortedError(signal: AbortSignal, where: string, timeoutMs: number): QueryError {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    const err = new QueryTimeoutError(where, timeoutMs);
    err.message = `query timed out in ${where}: ${reason.message}`;
    return err;
  }
  return new QueryCanceledError(where);
}
