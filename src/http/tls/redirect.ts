/**
 * The plain-HTTP listener of `--web.redirect-http`: answers every request with a permanent
 * redirect (308, which keeps the method and body) to the same host and path over HTTPS. Health
 * checks on `/-/healthy` are answered directly so that load balancers probing plain HTTP work.
 * An ACME client answers HTTP-01 challenges here through `Http01Responder`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Answers ACME HTTP-01 challenges: the key authorization for a token, or undefined when the
 * token is unknown.
 */
export type Http01Responder = (token: string) => string | undefined;

/** Path prefix of ACME HTTP-01 challenges. */
const HTTP01_PREFIX = '/.well-known/acme-challenge/';

/** Serves redirects to HTTPS. Start with `listen()`, stop with `close()`. */
export class RedirectServer {
  private readonly server: Server;

  /**
   * `httpsPort` is the port of the HTTPS listener (443 is left out of the Location); `http01`
   * answers ACME challenges, when given.
   */
  constructor(
    private readonly httpsPort: number,
    private readonly http01?: Http01Responder,
  ) {
    this.server = createServer({ keepAlive: true }, (req, res) => {
      this.handle(req, res);
    });
    this.server.keepAliveTimeout = 5_000;
  }

  /** Starts listening; resolves with the bound address. */
  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(
          new Error(
            `cannot listen on ${host}:${port}: ${err.message} (change --web.redirect-http)`,
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

  /** Stops listening and closes every connection. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => {
        resolve();
      });
      this.server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const target = req.url ?? '/';
    if (target === '/-/healthy' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : 'Kansoku is Healthy.\n');
      return;
    }
    if (this.http01 && target.startsWith(HTTP01_PREFIX) && req.method === 'GET') {
      const answer = this.http01(target.slice(HTTP01_PREFIX.length));
      if (answer !== undefined) {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        res.end(answer);
        return;
      }
    }
    const location = httpsLocation(req.headers.host, target, this.httpsPort);
    if (location === undefined) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
      res.end('cannot redirect to HTTPS: the request has no valid Host header\n');
      return;
    }
    res.writeHead(308, { Location: location, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(req.method === 'HEAD' ? undefined : `Moved to ${location}\n`);
  }
}

/**
 * The HTTPS URL for a request with `Host` header `host` and request target `target`, on
 * `httpsPort`; undefined when the host is missing or malformed.
 */
export function httpsLocation(
  host: string | undefined,
  target: string,
  httpsPort: number,
): string | undefined {
  if (host === undefined) return undefined;
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/.exec(host);
  if (!m) return undefined;
  const name = m[1] ?? '';
  const port = httpsPort === 443 ? '' : `:${httpsPort}`;
  const path = target.startsWith('/') ? target : '/';
  return `https://${name}${port}${path}`;
}
