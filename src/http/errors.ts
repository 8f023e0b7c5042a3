/**
 * The one place where errors become HTTP statuses: typed errors from every area are mapped to a
 * status code and Prometheus' `errorType`, and rendered in Prometheus' JSON error envelope.
 */
import {
  BadInputError,
  LimitError,
  MatcherError,
  StorageUnavailableError,
} from '../model/index.js';

/**
 * The `errorType` values of Prometheus' API envelope. Only Prometheus' own set is used, so that
 * clients written for Prometheus understand every answer: client faults without a more specific
 * type (405, 413, 415) are `bad_data`, and "try again later" (429, 503, 507) is `unavailable`.
 */
export type ApiErrorType =
  | 'bad_data'
  | 'execution'
  | 'timeout'
  | 'canceled'
  | 'internal'
  | 'unavailable'
  | 'not_found'
  | 'not_acceptable';

/** An error raised by the HTTP layer itself with an explicit status (404, 405, 413, 415, 503). */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    /** The HTTP status code to answer with. */
    readonly status: number,
    /** The envelope's `errorType`. */
    readonly errorType: ApiErrorType,
    message: string,
    /** Extra response headers (for example `Allow` on 405). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** The HTTP view of an error: status, envelope type, message and extra headers. */
export interface ErrorResponse {
  readonly status: number;
  readonly errorType: ApiErrorType;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Status Prometheus uses for a query the client abandoned (nginx' "client closed request"). */
const STATUS_CLIENT_CLOSED = 499;

/** Query error types as the PromQL engine reports them (`QueryError.errorType`). */
const QUERY_ERROR_STATUS: Readonly<Record<string, [number, ApiErrorType]>> = {
  bad_data: [400, 'bad_data'],
  execution: [422, 'execution'],
  timeout: [503, 'timeout'],
  canceled: [STATUS_CLIENT_CLOSED, 'canceled'],
};

/**
 * Maps any thrown value to its HTTP response:
 * - `HttpError` → its own status;
 * - `BadInputError` (bad input, duplicate or out-of-bounds samples, decode errors) and
 *   `MatcherError` → 400 `bad_data`;
 * - `LimitError` → 422 `execution` for query limits (`query.*` settings), otherwise 429 (the
 *   client should slow down or send less);
 * - `StorageUnavailableError` → 507 when the disk is full, else 503 `unavailable`;
 * - query errors carrying an `errorType` (PromQL engine) → 400/422/503/499 like Prometheus;
 * - timeouts and aborts (`TimeoutError`, `AbortError`) → 503 `timeout` / 499 `canceled`;
 * - anything else, including broken invariants (`BUG: …`) → 500 `internal`.
 */
export function errorResponse(err: unknown): ErrorResponse {
  const message = err instanceof Error ? err.message : String(err);
  const r = (
    status: number,
    errorType: ApiErrorType,
    headers: Record<string, string> = {},
  ): ErrorResponse => ({
    status,
    errorType,
    message,
    headers,
  });
  if (err instanceof HttpError) return r(err.status, err.errorType, { ...err.headers });
  if (err instanceof BadInputError || err instanceof MatcherError) return r(400, 'bad_data');
  if (err instanceof LimitError) {
    return err.setting.startsWith('query.') || err.setting.startsWith('--query.')
      ? r(422, 'execution')
      : r(429, 'unavailable');
  }
  if (err instanceof StorageUnavailableError) return r(err.diskFull ? 507 : 503, 'unavailable');
  if (err instanceof Error) {
    const queryType = queryErrorType(err);
    if (queryType !== undefined) {
      const mapped = QUERY_ERROR_STATUS[queryType];
      if (mapped) return r(mapped[0], mapped[1]);
    }
    if (err.name === 'TimeoutError') return r(503, 'timeout');
    if (err.name === 'AbortError') return r(STATUS_CLIENT_CLOSED, 'canceled');
  }
  return r(500, 'internal');
}

/** The `errorType` of a PromQL engine error (read structurally so `http` stays decoupled). */
function queryErrorType(err: Error): string | undefined {
  const t: unknown = (err as { errorType?: unknown }).errorType;
  return typeof t === 'string' ? t : undefined;
}

/** Prometheus' error envelope: `{"status":"error","errorType":…,"error":…}`. */
export interface ErrorEnvelope {
  readonly status: 'error';
  readonly errorType: ApiErrorType;
  readonly error: string;
}

/** Builds the JSON error envelope for a mapped error. */
export function errorEnvelope(e: ErrorResponse): ErrorEnvelope {
  return { status: 'error', errorType: e.errorType, error: e.message };
}
