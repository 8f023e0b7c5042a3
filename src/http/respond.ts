/** Writing responses: Prometheus' JSON envelopes, plain text and empty answers. */
import type { ServerResponse } from 'node:http';
import { errorEnvelope, errorResponse, type ErrorResponse } from './errors.js';

/** Writes `body` as JSON with the given status. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Writes Prometheus' success envelope `{"status":"success","data":…}` with optional warnings. */
export function sendSuccess(
  res: ServerResponse,
  data: unknown,
  warnings: readonly string[] = [],
  infos: readonly string[] = [],
): void {
  const body: Record<string, unknown> = { status: 'success', data };
  if (warnings.length > 0) body['warnings'] = warnings;
  if (infos.length > 0) body['infos'] = infos;
  sendJson(res, 200, body);
}

/**
 * Maps `err` to its status and writes Prometheus' error envelope. Returns the mapped response
 * so the caller can log server-side faults.
 */
export function sendError(res: ServerResponse, err: unknown): ErrorResponse {
  const e = errorResponse(err);
  sendJson(res, e.status, errorEnvelope(e), { ...e.headers });
  return e;
}

/** Writes plain text. */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Writes an empty response (204 by default). */
export function sendEmpty(res: ServerResponse, status = 204): void {
  res.writeHead(status);
  res.end();
}
