import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { SDConfig } from '../../config/index.js';
import { isObj, obj, arr, str, type Obj } from './objects.js';

type KubeSD = Extract<SDConfig, { kind: 'kubernetes' }>;

/** Where and how to reach the Kubernetes API. */
export interface KubeConnection {
  readonly baseUrl: URL;
  readonly agent: http.Agent;
  /** Returns the request headers (credentials files are re-read every time). */
  readonly headers: () => Record<string, string>;
  /** The pod's own namespace (in-cluster), for `namespaces.own_namespace`. */
  readonly ownNamespace: string;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Thrown when the connection settings cannot be resolved. */
export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
}

/** Resolves the connection: `api_server` with HTTP settings, a kubeconfig file, or in-cluster. */
export function resolveConnection(sd: KubeSD): KubeConnection {
  if (sd.kubeconfigFile !== '') return fromKubeconfig(sd.kubeconfigFile);
  if (sd.apiServer !== '') {
    const url = new URL(sd.apiServer.includes('://') ? sd.apiServer : `https://${sd.apiServer}`);
    const t = sd.http.tlsConfig;
    const agent =
      url.protocol === 'https:'
        ? new https.Agent({
            keepAlive: true,
            ...(t.caFile !== '' ? { ca: readFileSync(t.caFile) } : {}),
            ...(t.certFile !== '' ? { cert: readFileSync(t.certFile) } : {}),
            ...(t.keyFile !== '' ? { key: readFileSync(t.keyFile) } : {}),
            rejectUnauthorized: !t.insecureSkipVerify,
          })
        : new http.Agent({ keepAlive: true });
    return {
      baseUrl: url,
      agent,
      headers: () => {
        const h: Record<string, string> = {};
        const a = sd.http.authorization;
        if (a)
          h['Authorization'] =
            `${a.type} ${a.credentialsFile !== '' ? readFileSync(a.credentialsFile, 'utf8').trim() : a.credentials}`;
        const b = sd.http.basicAuth;
        if (b)
          h['Authorization'] =
            `Basic ${Buffer.from(`${b.username}:${b.passwordFile !== '' ? readFileSync(b.passwordFile, 'utf8').trim() : b.password}`).toString('base64')}`;
        return h;
      },
      ownNamespace: '',
    };
  }
  const host = process.env['KUBERNETES_SERVICE_HOST'];
  const port = process.env['KUBERNETES_SERVICE_PORT'];
  if (host === undefined || port === undefined) {
    throw new KubeConfigError(
      'not running in a Kubernetes cluster (KUBERNETES_SERVICE_HOST unset); set api_server or kubeconfig_file',
    );
  }
  const tokenFile = path.join(SA_DIR, 'token');
  return {
    baseUrl: new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}`),
    agent: new https.Agent({ keepAlive: true, ca: readFileSync(path.join(SA_DIR, 'ca.crt')) }),
    headers: () => ({ Authorization: `Bearer ${readFileSync(tokenFile, 'utf8').trim()}` }),
    ownNamespace: existsSync(path.join(SA_DIR, 'namespace'))
      ? readFileSync(path.join(SA_DIR, 'namespace'), 'utf8').trim()
      : 'default',
  };
}

function fromKubeconfig(file: string): KubeConnection {
  const doc: unknown = parseYaml(readFileSync(file, 'utf8'));
  if (!isObj(doc)) throw new KubeConfigError(`${file} is not a kubeconfig`);
  const current = str(doc, 'current-context');
  const named = (key: string, name: string, inner: string): Obj =>
    obj(
      arr(doc, key).find((x) => str(x, 'name') === name),
      inner,
    );
  const ctx = named('contexts', current, 'context');
  const cluster = named('clusters', str(ctx, 'cluster'), 'cluster');
  const user = named('users', str(ctx, 'user'), 'user');
  const server = str(cluster, 'server');
  if (server === '')
    throw new KubeConfigError(`${file}: context ${JSON.stringify(current)} has no cluster server`);
  const dir = path.dirname(file);
  const fileOrData = (o: Obj, key: string): Buffer | undefined => {
    const data = str(o, `${key}-data`);
    if (data !== '') return Buffer.from(data, 'base64');
    const f = str(o, key);
    return f !== '' ? readFileSync(path.resolve(dir, f)) : undefined;
  };
  const url = new URL(server);
  const ca = fileOrData(cluster, 'certificate-authority');
  const cert = fileOrData(user, 'client-certificate');
  const key = fileOrData(user, 'client-key');
  const agent =
    url.protocol === 'https:'
      ? new https.Agent({
          keepAlive: true,
          ...(ca ? { ca } : {}),
          ...(cert ? { cert } : {}),
          ...(key ? { key } : {}),
          rejectUnauthorized: cluster['insecure-skip-tls-verify'] !== true,
        })
      : new http.Agent({ keepAlive: true });
  return {
    baseUrl: url,
    agent,
    headers: () => {
      const token =
        str(user, 'token') ||
        (str(user, 'tokenFile') !== ''
          ? readFileSync(path.resolve(dir, str(user, 'tokenFile')), 'utf8').trim()
          : '');
      if (token !== '') return { Authorization: `Bearer ${token}` };
      if (str(user, 'username') !== '') {
        return {
          Authorization: `Basic ${Buffer.from(`${str(user, 'username')}:${str(user, 'password')}`).toString('base64')}`,
        };
      }
      return {};
    },
    ownNamespace: str(ctx, 'namespace') || 'default',
  };
}

/** GETs a JSON document. */
export async function getJSON(
  c: KubeConnection,
  pathAndQuery: string,
  signal: AbortSignal,
): Promise<{ status: number; body: unknown }> {
  const res = await request(c, pathAndQuery, signal);
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.statusCode ?? 0, body };
}

/** Starts a GET and returns the response stream (for watches). */
export function request(
  c: KubeConnection,
  pathAndQuery: string,
  signal: AbortSignal,
): Promise<http.IncomingMessage> {
  const u = new URL(pathAndQuery, c.baseUrl);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      {
        protocol: u.protocol,
        hostname: u.hostname,
        port: u.port,
        path: `${c.baseUrl.pathname.replace(/\/$/, '')}${u.pathname}${u.search}`,
        method: 'GET',
        agent: c.agent,
        headers: { Accept: 'application/json', ...c.headers() },
        signal,
      },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}
