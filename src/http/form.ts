/** Request parameters from the URL and from form-encoded POST bodies. */
import { readBody } from './body.js';
import type { RequestContext } from './router.js';

/** Upper bound of a form-encoded request body (1 MiB: long PromQL queries fit easily). */
const MAX_FORM_BYTES = 1024 * 1024;

/**
 * Query parameters merged with an `application/x-www-form-urlencoded` body (POST and PUT), like
 * Go's `Request.Form`: body values come first, then URL values.
 */
export async function formParams(ctx: RequestContext): Promise<URLSearchParams> {
  const ct = ctx.req.headers['content-type'] ?? '';
  const method = ctx.req.method ?? 'GET';
  if (
    (method === 'POST' || method === 'PUT') &&
    ct.startsWith('application/x-www-form-urlencoded')
  ) {
    const body = await readBody(ctx.req, MAX_FORM_BYTES, undefined);
    const merged = new URLSearchParams(body.toString('utf8'));
    for (const [k, v] of ctx.url.searchParams) merged.append(k, v);
    return merged;
  }
  return ctx.url.searchParams;
}
