/**
 * Test support for the auth tests: a server with authentication on over an in-memory store,
 * with users of every role, tokens of every scope, a share link, and helpers to sign in.
 */
import { AuthService, defaultAuthOptions, type AuthOptions } from '../../auth/index.js';
import { DashboardService } from '../../dashboards/index.js';
import { MemMetaStore } from '../../meta/index.js';
import { MemStorage } from '../../storage/index.js';
import { Registry } from 'prom-client';
import { IngestPipeline } from '../../ingest/index.js';
import { Engine } from '../../promql/index.js';
import { Logger } from '../../util/index.js';
import type { Route } from '../router.js';
import { buildRouter } from '../routes.js';
import { startTestServer, type TestServer } from '../testkit.js';
import { defaultRemoteWriteOptions } from '../write/remote-write.js';

/** Passwords of the fixture users (user name + this suffix). */
export const PASSWORD_SUFFIX = '-password-1';

/** A signed-in browser session. */
export interface TestSession {
  readonly cookie: string;
  readonly csrf: string;
}

/** The running fixture. */
export interface AuthFixture {
  readonly server: TestServer;
  readonly auth: AuthService;
  readonly storage: MemStorage;
  /** Tokens by name: read, write, admin, matcher (read limited to `{job="a"}`). */
  readonly tokens: Readonly<Record<'read' | 'write' | 'admin' | 'matcher', string>>;
  /** A share link allowed to run `up` and `rate(x[$__interval])`. */
  readonly share: string;
  /** Signs in through the API and returns the session. */
  login(
    user: string,
    password?: string,
    extraHeaders?: Record<string, string>,
  ): Promise<TestSession>;
  close(): Promise<void>;
}

/** Fast hashing and no throttling unless asked for. */
export function testAuthOptions(extra: Partial<AuthOptions> = {}): AuthOptions {
  const noThrottle = { ...defaultAuthOptions().loginThrottle, freeFailures: 1e9 };
  return {
    ...defaultAuthOptions(),
    scrypt: { N: 1 << 10, r: 8, p: 1 },
    loginThrottle: noThrottle,
    credentialThrottle: noThrottle,
    ...extra,
  };
}

/** Starts the fixture. */
export async function startAuthFixture(extra: Partial<AuthOptions> = {}): Promise<AuthFixture> {
  const auth = new AuthService(new MemMetaStore(), testAuthOptions(extra));
  for (const role of ['viewer', 'editor', 'admin'] as const)
    await auth.users.create(role, role, role + PASSWORD_SUFFIX);
  const mk = async (scope: 'read' | 'write' | 'admin', matchers: string[] = []) =>
    (
      await auth.tokens.create({
        name: scope,
        user: 'admin',
        scopes: [scope],
        matchers,
        expiresAt: 0,
      })
    ).token;
  const tokens = {
    read: await mk('read'),
    write: await mk('write'),
    admin: await mk('admin'),
    matcher: await mk('read', ['{job="a"}']),
  };
  const share = (
    await auth.tokens.createShare(
      'editor',
      {
        kind: 'dashboard',
        dashboard: 'd1',
        variables: {},
        queries: ['up', 'rate(x[$__interval])'],
        title: 'Shared',
      },
      0,
    )
  ).token;
  const storage = new MemStorage();
  const server = await startTestServer(storage, {
    auth,
    lifecycle: { reload: () => Promise.resolve(undefined), quit: () => undefined },
    dashboards: new DashboardService(new MemMetaStore()),
    alertmanager: {
      alertmanager: () => undefined,
      version: {
        version: '',
        revision: '',
        branch: '',
        buildUser: '',
        buildDate: '',
        goVersion: '',
      },
    },
  });
  const login = async (
    user: string,
    password = user + PASSWORD_SUFFIX,
    extraHeaders: Record<string, string> = {},
  ): Promise<TestSession> => {
    const res = await fetch(`${server.base}/api/kansoku/session/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...extraHeaders },
      body: JSON.stringify({ username: user, password }),
    });
    if (res.status !== 200)
      throw new Error(`login of ${user} failed: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { data: { csrfToken: string } };
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0] ?? '')
      .join('; ');
    return { cookie, csrf: body.data.csrfToken };
  };
  return {
    server,
    auth,
    storage,
    tokens,
    share,
    login,
    close: () => server.close(),
  };
}

/** Every route the server registers with all optional parts present (for policy coverage). */
export function allRoutes(): readonly Route[] {
  const storage = new MemStorage();
  return buildRouter({
    logger: Logger.nop(),
    registry: new Registry(),
    ready: () => true,
    storage: () => storage,
    pipeline: () => new IngestPipeline(storage),
    meta: new MemMetaStore(),
    auth: new AuthService(new MemMetaStore(), testAuthOptions()),
    dashboards: new DashboardService(new MemMetaStore()),
    admin: { enabled: true, admin: () => undefined },
    remoteWrite: defaultRemoteWriteOptions(),
    alertmanager: {
      alertmanager: () => undefined,
      version: {
        version: '',
        revision: '',
        branch: '',
        buildUser: '',
        buildDate: '',
        goVersion: '',
      },
    },
    apiV1: {
      engine: new Engine(),
      buildInfo: {},
      flags: {},
      runtime: () => ({
        startTime: new Date(0),
        reloadConfigSuccess: true,
        lastConfigTime: new Date(0),
        corruptionCount: 0,
        storageRetention: '15d',
      }),
      queryTimeoutMs: 5000,
    },
  }).list();
}
