import { readFileSync } from 'node:fs';
import { HttpTransport, TransportError } from './transport.js';

/** OAuth 2.0 client credentials (Prometheus' `oauth2` block). */
export interface OAuth2Options {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Re-read at every token request, so a rotated secret is picked up. */
  readonly clientSecretFile: string;
  readonly tokenUrl: string;
  readonly scopes: readonly string[];
  readonly endpointParams: Readonly<Record<string, string>>;
}

/** Raised when the token endpoint does not hand out a token. */
export class OAuth2Error extends Error {
  override readonly name = 'OAuth2Error';
}

/** Refresh this long before `expires_in` runs out (as Go's oauth2 package does). */
const EXPIRY_MARGIN_MS = 10_000;

/**
 * The client-credentials grant: fetches an access token from `token_url`, caches it until shortly
 * before it expires and fetches a new one after that (or after `invalidate()`, which the queue
 * calls when the receiver answers 401). Credentials go in an HTTP Basic header first; a token
 * endpoint that refuses them there (400/401) gets them as form fields instead, and that choice is
 * remembered. Concurrent callers share one token request.
 */
export class OAuth2TokenSource {
  private token = '';
  private tokenType = 'Bearer';
  private expiresAt = 0;
  private inflight: Promise<void> | undefined;
  private credentialsInBody = false;
  private readonly transport: HttpTransport;
  /** Token requests made so far (for tests and self-metrics). */
  fetches = 0;

  constructor(
    private readonly opts: OAuth2Options,
    private readonly now: () => number = Date.now,
  ) {
    this.transport = new HttpTransport(opts.tokenUrl);
  }

  /** The `Authorization` header value, fetching a token when there is no valid one. */
  async authorization(signal: AbortSignal): Promise<string> {
    if (this.token === '' || this.now() >= this.expiresAt) {
      this.inflight ??= this.fetch(signal).finally(() => {
        this.inflight = undefined;
      });
      await this.inflight;
    }
    return `${this.tokenType} ${this.token}`;
  }

  /** Forgets the cached token (the receiver refused it). */
  invalidate(): void {
    this.token = '';
    this.expiresAt = 0;
  }

  private async fetch(signal: AbortSignal): Promise<void> {
    const secret =
      this.opts.clientSecretFile !== ''
        ? readFileSync(this.opts.clientSecretFile, 'utf8').trim()
        : this.opts.clientSecret;
    let res = await this.request(secret, this.credentialsInBody, signal);
    if (!this.credentialsInBody && (res.status === 400 || res.status === 401)) {
      const retry = await this.request(secret, true, signal);
      if (retry.status >= 200 && retry.status < 300) this.credentialsInBody = true;
      res = retry;
    }
    if (res.status < 200 || res.status >= 300)
      throw new OAuth2Error(
        `cannot fetch an OAuth2 token from ${this.opts.tokenUrl}: HTTP ${res.status}: ${res.body.slice(0, 256)}`,
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body);
    } catch (e) {
      throw new OAuth2Error(
        `cannot fetch an OAuth2 token from ${this.opts.tokenUrl}: the answer is not JSON`,
        { cause: e },
      );
    }
    const o = typeof parsed === 'object' && parsed !== null ? parsed : {};
    const token = 'access_token' in o && typeof o.access_token === 'string' ? o.access_token : '';
    if (token === '')
      throw new OAuth2Error(
        `cannot fetch an OAuth2 token from ${this.opts.tokenUrl}: no access_token in the answer`,
      );
    const type = 'token_type' in o && typeof o.token_type === 'string' ? o.token_type : 'Bearer';
    const raw = 'expires_in' in o ? Number(o.expires_in) : NaN;
    this.fetches++;
    this.token = token;
    // RFC 6750: the type is case-insensitive; send the canonical "Bearer".
    this.tokenType = type.toLowerCase() === 'bearer' ? 'Bearer' : type;
    this.expiresAt =
      Number.isFinite(raw) && raw > 0
        ? this.now() + Math.max(0, raw * 1000 - EXPIRY_MARGIN_MS)
        : Number.POSITIVE_INFINITY;
  }

  private async request(
    secret: string,
    inBody: boolean,
    signal: AbortSignal,
  ): Promise<{ status: number; body: string }> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (this.opts.scopes.length > 0) form.set('scope', this.opts.scopes.join(' '));
    for (const [k, v] of Object.entries(this.opts.endpointParams)) form.set(k, v);
    const headers: Record<string, string> = {
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    };
    if (inBody) {
      form.set('client_id', this.opts.clientId);
      form.set('client_secret', secret);
    } else {
      const user = `${encodeURIComponent(this.opts.clientId)}:${encodeURIComponent(secret)}`;
      headers['Authorization'] = `Basic ${Buffer.from(user).toString('base64')}`;
    }
    try {
      return await this.transport.post(Buffer.from(form.toString()), headers, signal);
    } catch (e) {
      if (e instanceof TransportError)
        throw new OAuth2Error(
          `cannot fetch an OAuth2 token from ${this.opts.tokenUrl}: ${e.message}`,
          { cause: e },
        );
      throw e;
    }
  }

  /** Closes idle connections to the token endpoint. */
  close(): void {
    this.transport.close();
  }
}
