/** Dashboard errors as HTTP answers, in Kansoku's envelope and in Grafana's shape. */
import type { ServerResponse } from 'node:http';
import {
  DashboardConflictError,
  DashboardNotFoundError,
  DashboardReadOnlyError,
  DashboardValidationError,
} from '../../dashboards/index.js';
import { readBody } from '../body.js';
import { errorResponse, HttpError, type ApiErrorType } from '../errors.js';
import { sendJson } from '../respond.js';
import type { Handler, RequestContext } from '../router.js';
import type { IncomingMessage } from 'node:http';

/** Largest dashboard request body accepted (Grafana's exports of big dashboards stay well below). */
export const MAX_DASHBOARD_BODY = 16 << 20;

/** Status and envelope type of a dashboard error, undefined for other errors. */
function dashboardStatus(err: unknown): [number, ApiErrorType] | undefined {
  if (err instanceof DashboardValidationError) return [400, 'bad_data'];
  if (err instanceof DashboardNotFoundError) return [404, 'not_found'];
  if (err instanceof DashboardConflictError) return [409, 'bad_data'];
  if (err instanceof DashboardReadOnlyError) return [403, 'bad_data'];
  return undefined;
}

/**
 * Wraps a Kansoku API handler: dashboard errors become `{"status":"error","errorType",
 * "error"}` with their status (400 with `path` for validation, 404, 403, 409 with `reason`);
 * other errors go to the common mapping.
 */
export function kansokuHandler(fn: Handler): Handler {
  return async (ctx) => {
    try {
      await fn(ctx);
    } catch (err) {
      const mapped = dashboardStatus(err);
      if (!mapped) throw err;
      const e = err as Error;
      sendJson(ctx.res, mapped[0], {
        status: 'error',
        errorType: mapped[1],
        error: e.message,
        ...(err instanceof DashboardValidationError ? { path: err.path } : {}),
        ...(err instanceof DashboardConflictError ? { reason: err.reason } : {}),
      });
    }
  };
}

/** Wraps a Grafana-compatible handler: errors are `{"message": …}` like Grafana's API. */
export function grafanaHandler(fn: Handler): Handler {
  return async (ctx) => {
    try {
      await fn(ctx);
    } catch (err) {
      sendGrafanaError(ctx.res, err);
    }
  };
}

function sendGrafanaError(res: ServerResponse, err: unknown): void {
  if (err instanceof DashboardConflictError) {
    sendJson(res, 412, {
      message:
        err.reason === 'version-mismatch'
          ? 'The dashboard has been changed by someone else'
          : 'A dashboard with the same uid already exists',
      status: err.reason === 'version-mismatch' ? 'version-mismatch' : 'name-exists',
      error: err.message,
    });
    return;
  }
  const mapped = dashboardStatus(err);
  if (mapped) {
    const status = mapped[0];
    sendJson(res, status, {
      message: status === 404 ? 'Dashboard not found' : (err as Error).message,
      ...(status === 404 ? { status: 'not-found', error: (err as Error).message } : {}),
    });
    return;
  }
  const e = errorResponse(err);
  sendJson(res, e.status, { message: e.message }, { ...e.headers });
}

/** Reads a JSON request body (an empty body is `{}`). */
export async function readJson(ctx: RequestContext): Promise<unknown> {
  return parseJson(ctx.req);
}

async function parseJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req, MAX_DASHBOARD_BODY, undefined);
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError(
      400,
      'bad_data',
      `cannot parse request body as JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
