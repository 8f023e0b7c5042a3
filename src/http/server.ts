/**
 * The HTTP server: `node:http` with keep-alive, dispatch through the `Router`, error mapping,
 * request metrics and a graceful close that lets in-flight requests finish.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../util/index.js';
import { HttpError } from './errors.js';
import type { HttpMetrics } from './metrics.js';
import { sendError } from './respond.js';
import type { RequestContext, Route, Router } from './router.js';
import type { CertificateSource } from './tls/index.js';
import type { Principal } from '../auth/index.js';

/** HTTPS settings of `HttpServer`. */
export interface HttpServerTls {
  /** Supplies the certificate; a change is swapped in without dropping connections. */
  readonly source: CertificateSource;
  /** Whether responses carry `Strict-Transport-Security`. */
  readonly hsts: boolean;
}

/** The HSTS header value: one year, this host only. */
const HSTS_VALUE = 'max-age=31536000';

/** Options of `HttpServer`. */
export interface HttpServerOptions {
  readonly router: Router;
  readonly logger: Logger;
  readonly metrics: HttpMetrics;
  /** How long an idle keep-alive connection stays open, in ms. */
  readonly keepAliveTimeoutMs: number;
  /** Upper bound for receiving a whole request (headers and body), in ms. */
  readonly requestTimeoutMs: number;
  /** Serve HTTPS with this certificate source instead of plain HTTP. */
  readonly tls?: HttpServerTls;
  /**
   * Checked before every handler, after the guard (rate limits, memory back-pressure): throws
   * the `HttpError` to answer with. `principal` is undefined without a guard.
   */
  readonly limits?: {
    admit(req: IncomingMessage, pattern: string, principal: Principal | undefined): void;
  };
}

/** Returns default server options for the given router, logger and metrics. */
export function defaultHttpServerOptions(
  router: Router,
  logger: Logger,
  metrics: HttpMetrics,
): HttpServerOptions {
  return { router, logger, metrics, keepAliveTimeoutMs: 65_000, requestTimeoutMs: 5 * 60_000 };
}

/** Label of requests that matched no route (keeps the metric's cardinality bounded). */
const UNMATCHED_HANDLER = 'other';

/** Serves the router's routes over HTTP/1.1. Start with `listen()`, stop with `close()`. */
export class HttpServer {
  private readonly server: Server;
  private inFlight = 0;
  private closing = false;
  private drained: (() => void) | undefined;

  private unsubscribe: (() => void) | undefined;

  constructor(private readonly opts: HttpServerOptions) {
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      void this.handle(req, res);
    };
    const common = { keepAlive: true, requestTimeout: opts.requestTimeoutMs };
    const tls = opts.tls;
    if (tls) {
      const { cert, key } = tls.source.current();
      const https = createHttpsServer({ ...common, cert, key, ...tls.source.handshake }, onRequest);
      // New handshakes use the new pair; open connections keep theirs.
      this.unsubscribe = tls.source.onChange((pair) => {
        try {
          https.setSecureContext({ cert: pair.cert, key: pair.key });
        } catch (err) {
          opts.logger.error('cannot use reloaded TLS certificate; keeping the current one', {
            err,
          });
        }
      });
      this.server = https;
    } else {
      this.server = createServer(common, onRequest);
    }
    this.server.keepAliveTimeout = opts.keepAliveTimeoutMs;
  }

  /** Whether the server speaks HTTPS. */
  get isTls(): boolean {
    return this.opts.tls !== undefined;
  }

  /** Starts listening; resolves with the bound address (useful with port 0). */
  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(
          new Error(
            `cannot listen on ${host}:${port}: ${err.message} (change --web.listen-address)`,
            { cause: err },
          ),
        );
      };
      this.server.once('error', onError);
      this.server.listen({ host: host === '' ? undefined : host, port }, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** The number of requests being handled right now. */
  inFlightRequests(): number {
    return this.inFlight;
  }

  /**
   * Stops accepting connections, closes idle keep-alive connections, waits up to `graceMs` for
   * in-flight requests to finish, then closes whatever is left. Resolves when the server is
   * closed. Returns whether every in-flight request finished in time.
   */
  async close(graceMs: number): Promise<boolean> {
    this.closing = true;
    this.unsubscribe?.();
    const closed = new Promise<void>((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
    this.server.closeIdleConnections();
    let finished = true;
    if (this.inFlight > 0) {
      finished = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          resolve(false);
        }, graceMs);
        this.drained = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
    }
    this.server.closeAllConnections();
    await closed;
    return finished;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = performance.now();
    this.inFlight++;
    let handler = UNMATCHED_HANDLER;
    const ac = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) ac.abort(new Error('client closed the connection'));
    });
    res.on('finish', () => {
      this.opts.metrics.observe(handler, res.statusCode, (performance.now() - start) / 1000);
    });
    if (this.closing) res.setHeader('Connection', 'close');
    if (this.opts.tls?.hsts === true) res.setHeader('Strict-Transport-Security', HSTS_VALUE);
    try {
      const url = parseUrl(req.url ?? '/');
      const m = this.opts.router.match(req.method ?? 'GET', url.pathname);
      switch (m.kind) {
        case 'not-found':
          throw new HttpError(404, 'not_found', `cannot find ${url.pathname}: no such endpoint`);
        case 'method-not-allowed':
          handler = m.pattern;
          throw new HttpError(
            405,
            'bad_data',
            `cannot ${req.method ?? 'GET'} ${url.pathname}: method not allowed (allowed: ${m.allow.join(', ')})`,
            { Allow: m.allow.join(', ') },
          );
        case 'found':
          handler = m.route.pattern;
          await this.dispatch(m.route, { req, res, url, params: m.params, signal: ac.signal });
          break;
      }
    } catch (err) {
      this.fail(res, err, handler);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0 && this.drained) this.drained();
    }
  }

  /** Runs a route's handler, behind the router's guard when it has one. */
  private async dispatch(route: Route, ctx: RequestContext): Promise<void> {
    const guard = this.opts.router.guard;
    if (!guard) {
      this.opts.limits?.admit(ctx.req, route.pattern, undefined);
      await route.handler(ctx);
      return;
    }
    const principal = await guard.authorize(ctx.req, ctx.url, route, ctx.res);
    this.opts.limits?.admit(ctx.req, route.pattern, principal);
    await guard.run(principal, () => route.handler({ ...ctx, principal }));
  }

  private fail(res: ServerResponse, err: unknown, handler: string): void {
    if (res.headersSent) {
      this.opts.logger.error('cannot finish response after it started', { handler, err });
      res.destroy();
      return;
    }
    // Refusals that know when trying again may succeed (series limits, a full query queue).
    const retry: unknown = (err as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
    if (typeof retry === 'number' && retry > 0)
      res.setHeader('Retry-After', String(Math.ceil(retry)));
    const e = sendError(res, err);
    if (e.status >= 500) {
      this.opts.logger.error('request failed', { handler, code: e.status, err: e.message });
      if (e.status === 500 && err instanceof Error && err.stack)
        this.opts.logger.debug('stack', { stack: err.stack });
    }
  }
}

function parseUrl(raw: string): URL {
  if (raw.startsWith('/')) return new URL(`http://localhost${raw}`);
  try {
    return new URL(raw);
  } catch {
    throw new HttpError(400, 'bad_data', `cannot parse request URL ${JSON.stringify(raw)}`);
  }
}
