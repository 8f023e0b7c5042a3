/**
 * Answers to pending ACME challenges: HTTP-01 key authorizations served by the plain-HTTP
 * listener, and TLS-ALPN-01 certificates served by the HTTPS listener to connections that
 * negotiate the `acme-tls/1` protocol (RFC 8737). Everything else gets the normal certificate.
 */
import { createSecureContext, type SecureContext } from 'node:tls';
import type { Http01Responder } from '../redirect.js';
import type { TlsHandshakeHooks } from '../source.js';

/** The ALPN protocol of TLS-ALPN-01 validation connections. */
export const ACME_TLS_ALPN = 'acme-tls/1';

/** The protocol of every other connection. */
const HTTP11 = 'http/1.1';

/** Holds the pending challenges of one ACME source; safe to use from any number of orders. */
export class ChallengeResponder {
  private readonly tokens = new Map<string, string>();
  private readonly alpn = new Map<string, SecureContext>();
  /** Connections that negotiated `acme-tls/1` for a name with a pending challenge. */
  private readonly validations = new WeakSet<object>();

  /** Answers HTTP-01 requests (`/.well-known/acme-challenge/<token>`). */
  readonly http01: Http01Responder = (token) => this.tokens.get(token);

  /**
   * HTTPS handshake hooks that answer TLS-ALPN-01 validations. A plain object so that it can be
   * spread into the server options.
   */
  readonly handshake: TlsHandshakeHooks;

  constructor() {
    const alpn = this.alpn;
    const validations = this.validations;
    this.handshake = {
      ALPNCallback(this: unknown, { servername, protocols }) {
        if (
          protocols.includes(ACME_TLS_ALPN) &&
          alpn.has(servername.toLowerCase()) &&
          typeof this === 'object' &&
          this !== null
        ) {
          validations.add(this);
          return ACME_TLS_ALPN;
        }
        return protocols.includes(HTTP11) ? HTTP11 : undefined;
      },
      SNICallback(this: unknown, servername, cb) {
        const ctx =
          typeof this === 'object' && this !== null && validations.has(this)
            ? alpn.get(servername.toLowerCase())
            : undefined;
        cb(null, ctx);
      },
    };
  }

  /** Serves `keyAuthorization` for `token` over HTTP-01 until `removeHttp01`. */
  addHttp01(token: string, keyAuthorization: string): void {
    this.tokens.set(token, keyAuthorization);
  }

  /** Stops serving an HTTP-01 token. */
  removeHttp01(token: string): void {
    this.tokens.delete(token);
  }

  /**
   * Serves the challenge certificate `cert` (PEM, carrying the acmeIdentifier extension) with
   * `key` to TLS-ALPN-01 validations of `domain` until `removeTlsAlpn01`.
   */
  addTlsAlpn01(domain: string, cert: string, key: string): void {
    this.alpn.set(domain.toLowerCase(), createSecureContext({ cert, key }));
  }

  /** Stops serving the challenge certificate of `domain`. */
  removeTlsAlpn01(domain: string): void {
    this.alpn.delete(domain.toLowerCase());
  }

  /** The number of pending challenges of both kinds. */
  pending(): number {
    return this.tokens.size + this.alpn.size;
  }
}
