/**
 * The authentication hook of the push endpoints. Clients of different ecosystems send their
 * credentials in different places: Prometheus remote write `Authorization: Bearer <token>`,
 * InfluxDB 2 clients and Telegraf `Authorization: Token <token>`, InfluxDB 1 clients HTTP Basic
 * or the `u`/`p` query parameters, Pushgateway clients Basic. Every push path extracts them the
 * same way and asks one injected `PushAuthorizer`; the default accepts every request, so no
 * client is refused before users and tokens exist.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from '../errors.js';

/** Credentials as the client sent them. */
export type PushCredentials =
  | { readonly kind: 'none' }
  /** `Authorization: Bearer <token>` (Prometheus, OpenTelemetry). */
  | { readonly kind: 'bearer'; readonly token: string }
  /** `Authorization: Token <token>` (InfluxDB 2 clients, Telegraf's `influxdb_v2` output). */
  | { readonly kind: 'token'; readonly token: string }
  /** HTTP Basic, or InfluxDB 1's `u`/`p` query parameters (`source` tells which). */
  | {
      readonly kind: 'basic';
      readonly user: string;
      readonly password: string;
      readonly source: 'header' | 'query';
    };

/**
 * Decides whether a push request may write; `endpoint` is the route pattern (for example
 * `/api/v2/write`). Returns normally to accept; throws an `HttpError` (401 or 403) to refuse.
 */
export type PushAuthorizer = (creds: PushCredentials, endpoint: string) => void;

/** The authorizer used until authentication is configured: every request may write. */
export const ALLOW_ALL: PushAuthorizer = () => undefined;

/**
 * Reads the credentials of a push request: the `Authorization` header (`Bearer`, `Token`,
 * `Basic`; scheme names are case-insensitive) wins over the `u`/`p` query parameters. A malformed
 * header answers 401, like a wrong password would later.
 */
export function pushCredentials(
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): PushCredentials {
  const header = headers.authorization;
  if (header !== undefined && header !== '') {
    const sp = header.indexOf(' ');
    const scheme = (sp < 0 ? header : header.slice(0, sp)).toLowerCase();
    const rest = sp < 0 ? '' : header.slice(sp + 1).trim();
    switch (scheme) {
      case 'bearer':
        if (rest !== '') return { kind: 'bearer', token: rest };
        break;
      case 'token':
        if (rest !== '') return { kind: 'token', token: rest };
        break;
      case 'basic': {
        const text = Buffer.from(rest, 'base64').toString('utf8');
        const colon = text.indexOf(':');
        if (colon >= 0) {
          return {
            kind: 'basic',
            user: text.slice(0, colon),
            password: text.slice(colon + 1),
            source: 'header',
          };
        }
        break;
      }
      default:
        throw new HttpError(
          401,
          'bad_data',
          `cannot authenticate request: unsupported Authorization scheme ${JSON.stringify(scheme)} (use Bearer, Token or Basic)`,
        );
    }
    throw new HttpError(
      401,
      'bad_data',
      `cannot authenticate request: malformed Authorization header (scheme ${scheme})`,
    );
  }
  const user = query.get('u');
  const password = query.get('p');
  if (user !== null || password !== null)
    return { kind: 'basic', user: user ?? '', password: password ?? '', source: 'query' };
  return { kind: 'none' };
}
