import type { HTTPClientConfig, TLSConfig } from './types.js';
import { ConfigError, ObjReader, isNull, lineOf } from './yamlnode.js';

/** The keys of Prometheus' common HTTP client configuration, inlined into many sections. */
export const HTTP_CLIENT_KEYS = [
  'basic_auth',
  'authorization',
  'oauth2',
  'bearer_token',
  'bearer_token_file',
  'tls_config',
  'proxy_url',
  'no_proxy',
  'proxy_from_environment',
  'proxy_connect_header',
  'follow_redirects',
  'enable_http2',
  'http_headers',
] as const;

/** An HTTP client config with nothing set (Prometheus' defaults). */
export function defaultHTTPClientConfig(): HTTPClientConfig {
  return {
    basicAuth: undefined,
    authorization: undefined,
    oauth2: undefined,
    tlsConfig: readTLS(undefined),
    proxyUrl: '',
    noProxy: '',
    proxyFromEnvironment: false,
    followRedirects: true,
    enableHttp2: true,
    headers: {},
  };
}

/**
 * Reads the inlined HTTP client settings of a section and validates them like Prometheus'
 * common config (at most one credential kind, `bearer_token` mapped to `authorization`).
 */
export function readHTTPClient(o: ObjReader): HTTPClientConfig {
  const fail = (msg: string): never => {
    throw new ConfigError(msg, lineOf(o.ctx, o.node));
  };
  const bearerToken = o.str('bearer_token');
  const bearerTokenFile = o.str('bearer_token_file');
  const ba = o.obj('basic_auth', 'config.BasicAuth');
  const basicAuth = ba && {
    username: ba.str('username'),
    usernameFile: ba.str('username_file'),
    password: ba.str('password'),
    passwordFile: ba.str('password_file'),
  };
  ba?.ignore('username_ref', 'password_ref');
  ba?.done();
  const au = o.obj('authorization', 'config.Authorization');
  let authorization = au && {
    type: au.str('type').trim(),
    credentials: au.str('credentials'),
    credentialsFile: au.str('credentials_file'),
  };
  au?.ignore('credentials_ref');
  au?.done();
  const oa = o.obj('oauth2', 'config.OAuth2');
  const oauth2 = oa && readOAuth2(oa);
  const tlsNode = o.raw('tls_config');
  const tlsConfig = readTLS(
    isNull(tlsNode) ? undefined : new ObjReader(o.ctx, tlsNode, 'config.TLSConfig'),
  );
  const proxyUrl = o.str('proxy_url');
  const noProxy = o.str('no_proxy');
  const proxyFromEnvironment = o.bool('proxy_from_environment', false);
  o.ignore('proxy_connect_header');
  const followRedirects = o.bool('follow_redirects', true);
  const enableHttp2 = o.bool('enable_http2', true);
  const headers = readHTTPHeaders(o);

  if (bearerToken !== '' && bearerTokenFile !== '') {
    fail('at most one of bearer_token & bearer_token_file must be configured');
  }
  const hasBearer = bearerToken !== '' || bearerTokenFile !== '';
  if ((basicAuth || oauth2) && hasBearer) {
    fail('at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
  }
  if (basicAuth && basicAuth.username !== '' && basicAuth.usernameFile !== '') {
    fail('at most one of basic_auth username, username_file & username_ref must be configured');
  }
  if (basicAuth && basicAuth.password !== '' && basicAuth.passwordFile !== '') {
    fail('at most one of basic_auth password, password_file & password_ref must be configured');
  }
  if (authorization) {
    if (hasBearer) fail('authorization is not compatible with bearer_token & bearer_token_file');
    if (authorization.credentials !== '' && authorization.credentialsFile !== '') {
      fail('at most one of authorization credentials & credentials_file must be configured');
    }
    if (authorization.type === '') authorization = { ...authorization, type: 'Bearer' };
    if (authorization.type.toLowerCase() === 'basic') {
      fail('authorization type cannot be set to "basic", use "basic_auth" instead');
    }
    if (basicAuth || oauth2)
      fail('at most one of basic_auth, oauth2 & authorization must be configured');
  } else if (hasBearer) {
    authorization = { type: 'Bearer', credentials: bearerToken, credentialsFile: bearerTokenFile };
  }
  if (oauth2 && basicAuth) fail('at most one of oauth2 & basic_auth must be configured');
  return {
    basicAuth,
    authorization,
    oauth2,
    tlsConfig,
    proxyUrl,
    noProxy,
    proxyFromEnvironment,
    followRedirects,
    enableHttp2,
    headers,
  };
}

function readOAuth2(oa: ObjReader): NonNullable<HTTPClientConfig['oauth2']> {
  const clientId = oa.str('client_id');
  const clientSecret = oa.str('client_secret');
  const clientSecretFile = oa.str('client_secret_file');
  const scopes = oa.strList('scopes');
  const tokenUrl = oa.str('token_url');
  const endpointParams = Object.fromEntries(oa.strMap('endpoint_params').map(([k, v]) => [k, v]));
  oa.ignore(
    'client_secret_ref',
    'tls_config',
    'proxy_url',
    'no_proxy',
    'proxy_from_environment',
    'proxy_connect_header',
  );
  oa.done();
  const fail = (msg: string): never => {
    throw new ConfigError(msg, lineOf(oa.ctx, oa.node));
  };
  if (clientId === '') fail('oauth2 client_id must be configured');
  if (clientSecret !== '' && clientSecretFile !== '') {
    fail(
      'at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured',
    );
  }
  if (tokenUrl === '') fail('oauth2 token_url must be configured');
  return { clientId, clientSecret, clientSecretFile, tokenUrl, scopes, endpointParams };
}

/** Reads `tls_config` (undefined → defaults). */
export function readTLS(t: ObjReader | undefined): TLSConfig {
  const cfg: TLSConfig = {
    ca: t?.str('ca') ?? '',
    caFile: t?.str('ca_file') ?? '',
    cert: t?.str('cert') ?? '',
    certFile: t?.str('cert_file') ?? '',
    key: t?.str('key') ?? '',
    keyFile: t?.str('key_file') ?? '',
    serverName: t?.str('server_name') ?? '',
    insecureSkipVerify: t?.bool('insecure_skip_verify', false) ?? false,
    minVersion: t?.str('min_version') ?? '',
    maxVersion: t?.str('max_version') ?? '',
  };
  if (!t) return cfg;
  t.ignore('ca_ref', 'cert_ref', 'key_ref');
  t.done();
  const fail = (msg: string): never => {
    throw new ConfigError(msg, lineOf(t.ctx, t.node));
  };
  if (cfg.ca !== '' && cfg.caFile !== '')
    fail('at most one of ca, ca_file & ca_ref must be configured');
  if (cfg.cert !== '' && cfg.certFile !== '')
    fail('at most one of cert, cert_file & cert_ref must be configured');
  if (cfg.key !== '' && cfg.keyFile !== '')
    fail('at most one of key, key_file & key_ref must be configured');
  const hasCert = cfg.cert !== '' || cfg.certFile !== '';
  const hasKey = cfg.key !== '' || cfg.keyFile !== '';
  if (hasCert && !hasKey)
    fail(
      'exactly one of key or key_file must be configured when a client certificate is configured',
    );
  if (hasKey && !hasCert)
    fail('exactly one of cert or cert_file must be configured when a client key is configured');
  return cfg;
}

/** Reads `http_headers` (`name: {values, secrets, files}`); files are read at request time. */
function readHTTPHeaders(o: ObjReader): Record<string, string> {
  const hn = o.raw('http_headers');
  if (isNull(hn)) return {};
  const h = new ObjReader(o.ctx, hn, 'config.Headers');
  const out: Record<string, string> = {};
  for (const name of h.keys()) {
    const v = h.obj(name, 'config.Header');
    if (!v) continue;
    const values = [...v.strList('values'), ...v.strList('secrets')];
    v.strList('files');
    v.done();
    if (values.length > 0) out[name] = values.join(', ');
  }
  h.done();
  return out;
}
