/**
 * A small router: exact paths and `:name` segments, per-route method lists, 404 and 405 answers
 * decided in one place. Routes are matched in the order they were added.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/index.js';

/** HTTP methods the router dispatches. `HEAD` is served by `GET` routes automatically. */
export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

/** Everything a handler needs about one request. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The parsed request URL (query parameters in `url.searchParams`). */
  readonly url: URL;
  /** Values of `:name` path segments, URL-decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** Aborted when the client goes away before the response is finished. */
  readonly signal: AbortSignal;
  /** Who the request acts as, when the router has a guard (authentication is on). */
  readonly principal?: Principal;
}

/**
 * The authorization hook: runs before every matched route's handler. `authorize` resolves the
 * request's principal or throws an `HttpError` (401, 403, 429), and may set security headers on
 * `res`; `run` calls the handler with that
 * principal as the current one, so that decorators deeper down (a storage restricted to a
 * token's label matchers) can see it.
 */
export interface Guard {
  authorize(req: IncomingMessage, url: URL, route: Route, res: ServerResponse): Promise<Principal>;
  run<T>(principal: Principal, fn: () => T): T;
}

/** A request handler; it writes the response itself or throws an error to be mapped. */
export type Handler = (ctx: RequestContext) => Promise<void> | void;

/** One registered route. */
export interface Route {
  readonly methods: readonly Method[];
  /** The path pattern, for example `/api/v1/label/:name/values`; also the metrics label. */
  readonly pattern: string;
  readonly handler: Handler;
}

/** The outcome of matching a request against the routes. */
export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Record<string, string> }
  | {
      readonly kind: 'method-not-allowed';
      readonly pattern: string;
      readonly allow: readonly Method[];
    }
  | { readonly kind: 'not-found' };

interface CompiledRoute {
  readonly route: Route;
  readonly segments: readonly string[];
}

/** Routes requests by path and method. Not changed after the server starts. */
export class Router {
  private readonly routes: CompiledRoute[] = [];
  /** Called before every handler when set (see `Guard`). */
  guard: Guard | undefined;

  /**
   * Adds a route; `pattern` segments starting with `:` capture one path segment, and a last
   * segment `*` captures the rest of the path (one segment or more, still percent-encoded) as
   * the parameter `*`.
   */
  add(methods: readonly Method[], pattern: string, handler: Handler): this {
    if (!pattern.startsWith('/'))
      throw new Error(`BUG: route pattern ${pattern} must start with /`);
    this.routes.push({ route: { methods, pattern, handler }, segments: pattern.split('/') });
    return this;
  }

  /** Shorthand for a GET (and HEAD) route. */
  get(pattern: string, handler: Handler): this {
    return this.add(['GET'], pattern, handler);
  }

  /** Shorthand for a POST route. */
  post(pattern: string, handler: Handler): this {
    return this.add(['POST'], pattern, handler);
  }

  /** All routes in the order they were added. */
  list(): readonly Route[] {
    return this.routes.map((r) => r.route);
  }

  /**
   * Finds the route for a method and path. A path that exists under other methods gives
   * `method-not-allowed` with the allowed methods (for the `Allow` header).
   */
  match(method: string, path: string): RouteMatch {
    const parts = path.split('/');
    let allowed: Method[] | undefined;
    let allowedPattern = '';
    for (const c of this.routes) {
      const params = matchSegments(c.segments, parts);
      if (!params) continue;
      const methods = c.route.methods;
      if (methods.includes(method as Method) || (method === 'HEAD' && methods.includes('GET'))) {
        return { kind: 'found', route: c.route, params };
      }
      if (!allowed) {
        allowed = [];
        allowedPattern = c.route.pattern;
      }
      for (const m of methods) if (!allowed.includes(m)) allowed.push(m);
      if (methods.includes('GET') && !allowed.includes('HEAD')) allowed.push('HEAD');
    }
    return allowed
      ? { kind: 'method-not-allowed', pattern: allowedPattern, allow: allowed }
      : { kind: 'not-found' };
  }
}

function matchSegments(
  pattern: readonly string[],
  parts: readonly string[],
): Record<string, string> | undefined {
  const rest = pattern[pattern.length - 1] === '*';
  if (rest ? parts.length < pattern.length : pattern.length !== parts.length) return undefined;
  let params: Record<string, string> | undefined;
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const v = parts[i]!;
    if (rest && i === pattern.length - 1) {
      const tail = parts.slice(i).join('/');
      if (tail === '') return undefined;
      params ??= {};
      params['*'] = tail;
      break;
    }
    if (p.startsWith(':')) {
      if (v === '') return undefined;
      let decoded: string;
      try {
        decoded = decodeURIComponent(v);
      } catch {
        return undefined;
      }
      params ??= {};
      params[p.slice(1)] = decoded;
    } else if (p !== v) return undefined;
  }
  return params ?? {};
}
