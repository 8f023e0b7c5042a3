/**
 * Request admission before a handler runs: the per-client request rate (`--auth.token-rate-limit`)
 * and back-pressure from the memory budget (`--storage.memory-budget`). Overload answers are
 * 429 (this client is too fast) or 503 (the server is short of memory), both with `Retry-After`,
 * so that well-behaved clients (remote-write senders, Grafana) back off and retry. Health checks,
 * `/metrics`, the UI and the admin and auth endpoints are never refused for memory, so the
 * server stays observable and operable while it sheds load.
 */
import type { IncomingMessage } from 'node:http';
import { Counter, type Registry } from 'prom-client';
import type { Principal } from '../../auth/index.js';
import { HttpError } from '../errors.js';
import { TokenBuckets } from './tokenbucket.js';

/** The memory budget's state: below it, near it (`pressure`), at it (`critical`). */
export type MemoryState = 'ok' | 'pressure' | 'critical';

/** What a route does, for admission: write samples, read samples, or anything else. */
export type RouteClass = 'ingest' | 'query' | 'other';

/** Routes that write samples (refused under memory pressure). */
const INGEST_ROUTES: ReadonlySet<string> = new Set([
  '/api/v1/write',
  '/write',
  '/api/v2/write',
  '/api/v1/import',
  '/api/v1/import/csv',
  '/api/v1/import/prometheus',
  '/api/v1/otlp/v1/metrics',
  '/metrics/job/*',
]);

/** Routes whose cost grows with the data they read (refused under memory pressure). */
const QUERY_ROUTES: ReadonlySet<string> = new Set([
  '/api/v1/query',
  '/api/v1/query_range',
  '/api/v1/series',
  '/api/v1/labels',
  '/api/v1/label/:name/values',
  '/api/v1/export',
  '/api/v1/export/csv',
  '/api/v1/export/prometheus',
  '/api/v1/read',
  '/api/v1/query_exemplars',
  '/api/kansoku/cardinality',
  '/api/v1/status/tsdb',
  '/query',
  '/federate',
]);

/** Routes never rate limited: liveness and readiness probes. */
const PROBE_ROUTES: ReadonlySet<string> = new Set(['/-/healthy', '/-/ready', '/ping', '/health']);

/** The class of a route pattern. */
export function routeClass(pattern: string, method: string): RouteClass {
  if (INGEST_ROUTES.has(pattern)) return method === 'GET' || method === 'HEAD' ? 'other' : 'ingest';
  if (QUERY_ROUTES.has(pattern)) return 'query';
  return 'other';
}

/** Settings of `RequestLimits`. */
export interface RequestLimitOptions {
  /** The memory budget's current state (cheap: read on every request). */
  readonly memoryState: () => MemoryState;
  /** `--auth.token-rate-limit`: requests per second per client; 0 turns the rate limit off. */
  readonly rate: number;
  /** `--auth.token-rate-burst`. */
  readonly burst: number;
  /** Seconds clients are asked to wait when memory is short. */
  readonly memoryRetryAfterSeconds: number;
  /** Clock in ms (tests). */
  readonly now?: () => number;
}

/** Why a request was refused (the self-metric's `reason` label). */
export type LimitReason = 'rate_limit' | 'memory_budget';

/** The per-request admission check. One per server; synchronous. */
export class RequestLimits {
  private readonly buckets: TokenBuckets | undefined;
  private readonly refused: Counter<'reason' | 'class'> | undefined;
  /** Refusals since start, by reason (also in the self-metric). */
  readonly counts: Record<LimitReason, number> = { rate_limit: 0, memory_budget: 0 };

  constructor(
    private readonly opts: RequestLimitOptions,
    registry?: Registry,
  ) {
    this.buckets =
      opts.rate > 0 ? new TokenBuckets(opts.rate, Math.max(1, opts.burst), opts.now) : undefined;
    this.refused = registry
      ? new Counter({
          name: 'kansoku_http_limited_requests_total',
          help: 'HTTP requests refused before their handler ran, by reason (rate_limit: 429, memory_budget: 503) and route class.',
          labelNames: ['reason', 'class'],
          registers: [registry],
        })
      : undefined;
    if (this.refused) {
      for (const reason of ['rate_limit', 'memory_budget'] as const)
        for (const c of ['ingest', 'query', 'other'] as const)
          this.refused.inc({ reason, class: c }, 0);
    }
  }

  /**
   * Checks one request; throws an `HttpError` (429 or 503 with `Retry-After`) naming the setting
   * when it must wait. `principal` is undefined when authentication is off.
   */
  admit(req: IncomingMessage, pattern: string, principal: Principal | undefined): void {
    const method = req.method ?? 'GET';
    const cls = routeClass(pattern, method);
    if (this.buckets && !PROBE_ROUTES.has(pattern)) {
      const key = clientKey(req, principal);
      const wait = key === undefined ? 0 : this.buckets.take(key);
      if (wait > 0) {
        const seconds = Math.max(1, Math.ceil(wait));
        this.count('rate_limit', cls);
        throw new HttpError(
          429,
          'unavailable',
          `cannot ${method} ${pattern}: more than ${this.opts.rate} requests per second from this client (burst ${this.opts.burst}); retry after ${seconds}s or raise --auth.token-rate-limit`,
          { 'Retry-After': String(seconds) },
        );
      }
    }
    if (cls === 'other') return;
    const state = this.opts.memoryState();
    if (state === 'ok') return;
    const seconds = this.opts.memoryRetryAfterSeconds;
    this.count('memory_budget', cls);
    throw new HttpError(
      503,
      'unavailable',
      `cannot ${method} ${pattern}: the server is near its memory budget (${state}); retry after ${seconds}s or raise --storage.memory-budget`,
      { 'Retry-After': String(seconds) },
    );
  }

  private count(reason: LimitReason, cls: RouteClass): void {
    this.counts[reason]++;
    this.refused?.inc({ reason, class: cls });
  }
}

/**
 * The rate-limit key of a request: the token, user or share link; for anonymous requests the
 * client address. Loopback clients without a principal are not limited (with authentication
 * off a local client can do anything anyway, and the self-scrape is local).
 */
function clientKey(req: IncomingMessage, p: Principal | undefined): string | undefined {
  switch (p?.kind) {
    case 'token':
      return `t:${p.tokenId}`;
    case 'session':
      return `u:${p.user}`;
    case 'share':
      return `s:${p.shareId}`;
    case 'anonymous':
    case undefined: {
      const addr = req.socket.remoteAddress ?? '';
      if (addr === '' || isLoopback(addr)) return undefined;
      return `a:${addr}`;
    }
  }
}

function isLoopback(addr: string): boolean {
  return addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.');
}
