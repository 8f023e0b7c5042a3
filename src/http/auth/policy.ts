/**
 * The authorization policy: ONE table, keyed by route pattern, saying what each route needs.
 * Routes missing from the table need `admin` (a safe default), and a test fails for every
 * registered route without an entry, so a new endpoint cannot ship unclassified.
 */
import type { Capability } from '../../auth/index.js';
import type { Method } from '../router.js';

/**
 * What a route needs:
 * - `public`: nothing (health, static UI, login and setup);
 * - `principal`: any signed-in user or valid token or share link (the route itself narrows it);
 * - `account`: a signed-in user, or a token with the `admin` scope (own tokens, log out everywhere);
 * - `session`: a user signed in through the UI (changing the own password);
 * - a capability: `read` (queries, metadata), `write` (ingestion, silences), `admin`.
 */
export type Requirement = 'public' | 'principal' | 'account' | 'session' | Capability;

/** One route's policy. */
export interface RoutePolicy {
  /** The requirement, or one per method (methods not listed use `default`). */
  readonly need: Requirement;
  /** Per-method requirements that override `need`. */
  readonly methods?: Partial<Readonly<Record<Method, Requirement>>>;
  /** Share links may call it (their own queries only, checked by the guard). */
  readonly share?: boolean;
  /** Tokens restricted to label matchers may call it (every read goes through the storage). */
  readonly matcherSafe?: boolean;
  /** Accepts InfluxDB 1's `u`/`p` query parameters. */
  readonly influxParams?: boolean;
  /** Accepts `?token=` (for clients that cannot send headers; the token ends up in logs). */
  readonly queryToken?: boolean;
}

const PUBLIC: RoutePolicy = { need: 'public' };
const READ: RoutePolicy = { need: 'read' };
const READ_SELECT: RoutePolicy = { need: 'read', matcherSafe: true };
const WRITE: RoutePolicy = { need: 'write' };
const ADMIN: RoutePolicy = { need: 'admin' };
const INFLUX_WRITE: RoutePolicy = { need: 'write', influxParams: true };

/** The policy of every route, by pattern. */
export const POLICY: Readonly<Record<string, RoutePolicy>> = {
  // Health and the static UI (the UI itself holds no data; its API calls are checked).
  '/-/healthy': PUBLIC,
  '/-/ready': PUBLIC,
  '/-/reload': ADMIN,
  '/-/quit': ADMIN,
  '/': PUBLIC,
  '/explore': PUBLIC,
  '/browse': PUBLIC,
  '/targets': PUBLIC,
  '/status': PUBLIC,
  '/dashboards': PUBLIC,
  '/dashboards/*': PUBLIC,
  '/alerts': PUBLIC,
  '/alerts/*': PUBLIC,
  '/admin': PUBLIC,
  '/admin/*': PUBLIC,
  '/login': PUBLIC,
  '/setup': PUBLIC,
  '/public/*': PUBLIC,
  '/assets/:file': PUBLIC,
  '/favicon.svg': PUBLIC,
  // InfluxDB compatibility: health answers are public (Telegraf probes them), writes need write.
  '/ping': PUBLIC,
  '/health': PUBLIC,
  '/write': INFLUX_WRITE,
  '/api/v2/write': INFLUX_WRITE,
  '/query': INFLUX_WRITE,
  // Ingestion.
  '/api/v1/write': WRITE,
  '/api/v1/import': { need: 'write', queryToken: true },
  '/api/v1/import/csv': { need: 'write', queryToken: true },
  '/api/v1/import/prometheus': { need: 'write', queryToken: true },
  '/api/v1/otlp/v1/metrics': WRITE,
  '/metrics/job/*': WRITE,
  // Self-metrics (reveal series counts and request rates, so not public).
  '/metrics': READ,
  // Queries and metadata; the ones that only read through the storage are matcher-safe.
  '/api/v1/query': { need: 'read', matcherSafe: true, share: true },
  '/api/v1/query_range': { need: 'read', matcherSafe: true, share: true },
  '/api/v1/series': READ_SELECT,
  '/api/v1/labels': READ_SELECT,
  '/api/v1/label/:name/values': READ_SELECT,
  '/api/v1/export': { need: 'read', matcherSafe: true, queryToken: true },
  '/api/v1/export/csv': { need: 'read', matcherSafe: true, queryToken: true },
  '/api/v1/export/prometheus': { need: 'read', matcherSafe: true, queryToken: true },
  '/api/v1/read': READ_SELECT,
  '/api/v1/format_query': READ_SELECT,
  '/api/v1/parse_query': READ_SELECT,
  '/api/v1/query_exemplars': READ,
  '/api/v1/metrics': READ,
  '/api/v1/metadata': READ,
  '/api/v1/targets': READ,
  '/api/v1/targets/metadata': READ,
  '/api/v1/scrape_pools': READ,
  '/api/v1/rules': READ,
  '/api/v1/alerts': READ,
  '/api/v1/alertmanagers': READ,
  '/api/v1/status/buildinfo': READ,
  '/api/v1/status/runtimeinfo': READ,
  '/api/v1/status/tsdb': READ,
  '/api/v1/status/flags': READ,
  // The configuration may hold credentials of scrape targets and receivers.
  '/api/v1/status/config': ADMIN,
  // TSDB administration.
  '/api/v1/admin/tsdb/snapshot': ADMIN,
  '/api/v1/admin/tsdb/delete_series': ADMIN,
  '/api/v1/admin/tsdb/clean_tombstones': ADMIN,
  '/api/v1/admin/tsdb/compact': ADMIN,
  // Online backups hold everything, password hashes and token digests included.
  '/api/kansoku/admin/backup': ADMIN,
  // Alertmanager: reading is `read`; sending alerts and managing silences is `write`.
  '/api/v2/alerts': { need: 'read', methods: { POST: 'write' } },
  '/api/v2/alerts/groups': READ,
  '/api/v2/silences': { need: 'read', methods: { POST: 'write' } },
  '/api/v2/silence/:id': { need: 'read', methods: { DELETE: 'write' } },
  '/api/v2/status': READ,
  '/api/v2/receivers': READ,
  '/api/kansoku/alerts/history': READ,
  // Dashboards and folders: viewers read, editors change.
  '/api/kansoku/dashboards': { need: 'read', methods: { POST: 'write' } },
  '/api/kansoku/dashboards/import': WRITE,
  '/api/kansoku/dashboards/:uid': { need: 'read', methods: { PUT: 'write', DELETE: 'write' } },
  '/api/kansoku/dashboards/:uid/duplicate': WRITE,
  '/api/kansoku/dashboards/:uid/versions': READ,
  '/api/kansoku/dashboards/:uid/versions/:version': READ,
  '/api/kansoku/dashboards/:uid/versions/:version/restore': WRITE,
  '/api/kansoku/dashboards/:uid/export': READ,
  '/api/kansoku/folders': { need: 'read', methods: { POST: 'write' } },
  '/api/kansoku/folders/:uid': { need: 'read', methods: { PUT: 'write', DELETE: 'write' } },
  '/api/kansoku/cardinality': READ,
  // Grafana's dashboard API (for Grafana-compatible tooling).
  '/api/search': READ,
  '/api/dashboards/uid/:uid': { need: 'read', methods: { DELETE: 'write' } },
  '/api/dashboards/db': WRITE,
  // Sessions and setup.
  '/api/kansoku/session': PUBLIC,
  '/api/kansoku/session/login': PUBLIC,
  '/api/kansoku/session/logout': PUBLIC,
  '/api/kansoku/session/logout-everywhere': { need: 'account' },
  '/api/kansoku/session/password': { need: 'session' },
  '/api/kansoku/setup': PUBLIC,
  // Users: admins only.
  '/api/kansoku/users': ADMIN,
  '/api/kansoku/users/:name': ADMIN,
  // Tokens: every account manages its own (admins all), up to its role.
  '/api/kansoku/tokens': { need: 'account' },
  '/api/kansoku/tokens/:id': { need: 'account' },
  // Share links: editors create them; a link resolves itself.
  '/api/kansoku/shares': { need: 'write', methods: { GET: 'account' } },
  '/api/kansoku/shares/:id': { need: 'write' },
  '/api/kansoku/share': { need: 'principal', share: true },
  '/api/kansoku/share/dashboard': { need: 'principal', share: true },
};

/** The policy for unknown routes: admins only. */
export const DEFAULT_POLICY: RoutePolicy = ADMIN;

/** The policy of a route pattern (the default for unknown patterns). */
export function policyFor(pattern: string): RoutePolicy {
  return Object.hasOwn(POLICY, pattern) ? (POLICY[pattern] ?? DEFAULT_POLICY) : DEFAULT_POLICY;
}

/** The requirement of a route for one method (`HEAD` follows `GET`). */
export function requirementFor(p: RoutePolicy, method: string): Requirement {
  const m = (method === 'HEAD' ? 'GET' : method) as Method;
  return p.methods?.[m] ?? p.need;
}
