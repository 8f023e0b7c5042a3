/** Reading and checking the small JSON bodies of the auth API. */
import { AuthError } from '../../auth/index.js';
import { readBody } from '../body.js';
import type { RequestContext } from '../router.js';

/** Largest auth API body accepted (share links carry their queries). */
const MAX_BODY = 256 * 1024;

/** A JSON object body; 415 for another content type (forces a CORS preflight), 400 when bad. */
export async function jsonBody(ctx: RequestContext): Promise<Record<string, unknown>> {
  const type = (ctx.req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json')
    throw new AuthError(400, 'cannot read the request: the body must be application/json');
  const raw = await readBody(ctx.req, MAX_BODY, undefined);
  let v: unknown;
  try {
    v = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AuthError(400, 'cannot read the request: the body is not valid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new AuthError(400, 'cannot read the request: the body must be a JSON object');
  return v as Record<string, unknown>;
}

/** A required string field. */
export function str(o: Record<string, unknown>, name: string, max = 1024): string {
  const v = o[name];
  if (typeof v !== 'string' || v.length > max)
    throw new AuthError(
      400,
      `cannot read the request: "${name}" must be a string of at most ${max} characters`,
    );
  return v;
}

/** An optional string field. */
export function optStr(o: Record<string, unknown>, name: string, max = 1024): string | undefined {
  return o[name] === undefined || o[name] === null ? undefined : str(o, name, max);
}

/** An optional list of strings. */
export function strList(
  o: Record<string, unknown>,
  name: string,
  maxItems: number,
  maxLen: number,
): string[] {
  const v = o[name];
  if (v === undefined || v === null) return [];
  if (
    !Array.isArray(v) ||
    v.length > maxItems ||
    !v.every((x) => typeof x === 'string' && x.length <= maxLen)
  )
    throw new AuthError(
      400,
      `cannot read the request: "${name}" must be a list of at most ${maxItems} strings`,
    );
  return v as string[];
}
