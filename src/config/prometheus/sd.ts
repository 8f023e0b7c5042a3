import { Labels } from '../../model/index.js';
import { HTTP_CLIENT_KEYS, readHTTPClient } from './http.js';
import type { SDConfig, TargetGroup } from './types.js';
import {
  ConfigError,
  ObjReader,
  goQuote,
  isNull,
  isValidUTF8,
  lineOf,
  parseYaml,
  type ReadContext,
} from './yamlnode.js';

/** Service discovery sections Kansoku accepts but does not run (recorded as unsupported). */
export const UNSUPPORTED_SD_KEYS = [
  'aws_sd_configs',
  'azure_sd_configs',
  'consul_sd_configs',
  'digitalocean_sd_configs',
  'docker_sd_configs',
  'dockerswarm_sd_configs',
  'ec2_sd_configs',
  'eureka_sd_configs',
  'gce_sd_configs',
  'hetzner_sd_configs',
  'ionos_sd_configs',
  'kuma_sd_configs',
  'lightsail_sd_configs',
  'linode_sd_configs',
  'marathon_sd_configs',
  'nerve_sd_configs',
  'nomad_sd_configs',
  'oci_sd_configs',
  'openstack_sd_configs',
  'outscale_sd_configs',
  'ovhcloud_sd_configs',
  'puppetdb_sd_configs',
  'scaleway_sd_configs',
  'serverset_sd_configs',
  'stackit_sd_configs',
  'triton_sd_configs',
  'uyuni_sd_configs',
  'vultr_sd_configs',
] as const;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FILE_SD_PATH = /^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$/;

/** Reads every SD section of a scrape config (or Alertmanager config) in a fixed order. */
export function readSDConfigs(o: ObjReader, prefix: string): SDConfig[] {
  const out: SDConfig[] = [];
  for (const n of o.list('kubernetes_sd_configs'))
    out.push(readKubernetes(sub(o, n, 'kubernetes.plain')));
  for (const n of o.list('file_sd_configs')) out.push(readFileSD(sub(o, n, 'file.plain')));
  for (const n of o.list('http_sd_configs')) out.push(readHTTPSD(sub(o, n, 'http.plain')));
  for (const n of o.list('dns_sd_configs')) out.push(readDNSSD(sub(o, n, 'dns.plain')));
  o.unsupported(prefix, ...UNSUPPORTED_SD_KEYS);
  const groups: TargetGroup[] = [];
  o.list('static_configs').forEach((n, i) => {
    if (isNull(n))
      throw new ConfigError('empty or null section in static_configs', lineOf(o.ctx, n));
    groups.push(readTargetGroup(new ObjReader(o.ctx, n, 'config.plain'), `${i}`));
  });
  if (groups.length > 0) out.unshift({ kind: 'static', groups });
  return out;
}

function sub(o: ObjReader, n: unknown, typeName: string): ObjReader {
  return new ObjReader(o.ctx, n, typeName);
}

/** Reads one target group (`targets` and `labels`), as in static_configs and file_sd files. */
export function readTargetGroup(o: ObjReader, source: string): TargetGroup {
  const targets = o.strList('targets');
  const pairs = o.strMap('labels');
  o.done();
  for (const t of targets) {
    if (t.includes('/'))
      throw new ConfigError(`${JSON.stringify(t)} is not a valid hostname`, o.lineOf('targets'));
  }
  return { targets, labels: readLabelPairs(o.ctx, pairs), source };
}

/** Validates label names and values (valid names, valid UTF-8) and builds a label set. */
export function readLabelPairs(ctx: ReadContext, pairs: [string, string, unknown][]): Labels {
  const flat: string[] = [];
  for (const [k, v, keyNode] of pairs) {
    if (!isValidUTF8(k) || !LABEL_NAME.test(k)) {
      throw new ConfigError(`${goQuote(k)} is not a valid label name`, lineOf(ctx, keyNode));
    }
    if (!isValidUTF8(v))
      throw new ConfigError(`${goQuote(v)} is not a valid label value`, lineOf(ctx, keyNode));
    flat.push(k, v);
  }
  return Labels.fromFlatUnsorted(flat);
}

function readFileSD(o: ObjReader): SDConfig {
  const files = o.strList('files');
  const refreshIntervalMs = o.duration('refresh_interval', 5 * 60_000);
  o.done();
  if (files.length === 0) {
    throw new ConfigError(
      'file service discovery config must contain at least one path name',
      o.lineOf('files'),
    );
  }
  for (const f of files) {
    if (!FILE_SD_PATH.test(f)) {
      throw new ConfigError(
        `path name ${JSON.stringify(f)} is not valid for file discovery`,
        o.lineOf('files'),
      );
    }
  }
  return { kind: 'file', files, refreshIntervalMs };
}

/** Checks an http(s) URL like Prometheus' SD configs do. */
export function checkHTTPURL(url: string, line: number | undefined): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    if (/^https?:\/\//i.test(url)) throw new ConfigError('host is missing in URL', line);
    throw new ConfigError("URL scheme must be 'http' or 'https'", line);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new ConfigError("URL scheme must be 'http' or 'https'", line);
  }
  if (u.hostname === '') throw new ConfigError('host is missing in URL', line);
}

function readHTTPSD(o: ObjReader): SDConfig {
  const url = o.str('url');
  const refreshIntervalMs = o.duration('refresh_interval', 60_000);
  const http = readHTTPClient(o);
  o.done();
  if (url === '') throw new ConfigError('URL is missing', lineOf(o.ctx, o.node));
  checkHTTPURL(url, o.lineOf('url'));
  return { kind: 'http', url, refreshIntervalMs, http };
}

function readDNSSD(o: ObjReader): SDConfig {
  const names = o.strList('names');
  const type = (o.str('type', 'SRV') || 'SRV').toUpperCase();
  const port = o.int('port', 0);
  const refreshIntervalMs = o.duration('refresh_interval', 30_000);
  o.done();
  if (names.length === 0) {
    throw new ConfigError(
      'DNS-SD config must contain at least one SRV record name',
      lineOf(o.ctx, o.node),
    );
  }
  if (type !== 'SRV' && type !== 'A' && type !== 'AAAA' && type !== 'MX' && type !== 'NS') {
    throw new ConfigError(`invalid DNS-SD records type ${type}`, o.lineOf('type'));
  }
  if (type !== 'SRV' && port === 0) {
    throw new ConfigError(
      'a port is required in DNS-SD configs for all record types except SRV',
      lineOf(o.ctx, o.node),
    );
  }
  return { kind: 'dns', names, type, port, refreshIntervalMs };
}

const K8S_ROLES = ['endpoints', 'endpointslice', 'service', 'pod', 'node', 'ingress'] as const;
const K8S_SELECTOR_ROLES: Record<(typeof K8S_ROLES)[number], string[]> = {
  endpoints: ['pod', 'service', 'endpoints'],
  endpointslice: ['pod', 'service', 'endpointslice'],
  pod: ['pod', 'node'],
  node: ['node'],
  service: ['service'],
  ingress: ['ingress'],
};

function readKubernetes(o: ObjReader): SDConfig {
  const roleRaw = o.str('role');
  const apiServer = o.str('api_server');
  const kubeconfigFile = o.str('kubeconfig_file');
  const customHTTP = HTTP_CLIENT_KEYS.some(
    (k) => o.has(k) && k !== 'follow_redirects' && k !== 'enable_http2',
  );
  const http = readHTTPClient(o);
  const ns = o.obj('namespaces', 'kubernetes.plain');
  const namespaces = {
    ownNamespace: ns?.bool('own_namespace', false) ?? false,
    names: ns?.strList('names') ?? [],
  };
  ns?.done();
  const selectors = o.list('selectors').map((n) => {
    const s = new ObjReader(o.ctx, n, 'kubernetes.plain');
    const sel = { role: s.str('role'), label: s.str('label'), field: s.str('field') };
    s.done();
    return sel;
  });
  const am = o.obj('attach_metadata', 'kubernetes.plain');
  const attachMetadata = {
    node: am?.bool('node', false) ?? false,
    namespace: am?.bool('namespace', false) ?? false,
  };
  am?.done();
  o.done();
  const fail = (msg: string): never => {
    throw new ConfigError(msg, lineOf(o.ctx, o.node));
  };
  if (!(K8S_ROLES as readonly string[]).includes(roleRaw))
    fail(`unknown Kubernetes SD role ${JSON.stringify(roleRaw)}`);
  const role = roleRaw as (typeof K8S_ROLES)[number];
  if (apiServer === '' && kubeconfigFile === '' && customHTTP) {
    fail("to use custom HTTP client configuration please provide the 'api_server' URL explicitly");
  }
  if (apiServer !== '' && kubeconfigFile !== '')
    fail("cannot use 'kubeconfig_file' and 'api_server' simultaneously");
  if (kubeconfigFile !== '' && customHTTP) {
    fail("cannot use a custom HTTP client configuration together with 'kubeconfig_file'");
  }
  if (apiServer !== '' && namespaces.ownNamespace) {
    fail("cannot use 'api_server' and 'namespaces.own_namespace' simultaneously");
  }
  if (kubeconfigFile !== '' && namespaces.ownNamespace) {
    fail("cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously");
  }
  const seen = new Set<string>();
  for (const s of selectors) {
    if (seen.has(s.role)) fail(`duplicated selector role: ${s.role}`);
    seen.add(s.role);
    const allowed = K8S_SELECTOR_ROLES[role];
    if (!allowed.includes(s.role))
      fail(`${role} role supports only ${allowed.join(', ')} selectors`);
    checkSelector(s.label, 'label', fail);
    checkSelector(s.field, 'field', fail);
  }
  return {
    kind: 'kubernetes',
    role,
    apiServer,
    kubeconfigFile,
    namespaces,
    selectors,
    attachMetadata,
    http,
  };
}

/** Checks Kubernetes label and field selector syntax. */
function checkSelector(sel: string, kind: 'label' | 'field', fail: (m: string) => never): void {
  if (sel === '') return;
  const field = /^[A-Za-z0-9_./-]+\s*(==|!=|=)\s*[A-Za-z0-9_.\-/:]*$/;
  const label =
    /^(!?[A-Za-z0-9_./-]+|[A-Za-z0-9_./-]+\s*(==|!=|=)\s*[A-Za-z0-9_.-]*|[A-Za-z0-9_./-]+\s+(in|notin)\s+\([^()]*\))$/;
  for (const part of splitSelector(sel)) {
    const p = part.trim();
    if (!(kind === 'field' ? field : label).test(p)) {
      fail(`invalid selector: '${sel}'; can't understand '${p}'`);
    }
  }
}

function splitSelector(sel: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of sel) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * Parses a file_sd / http_sd document: a JSON or YAML list of `{targets, labels}` groups. Extra
 * labels (like `__meta_filepath`) are added to every group.
 */
export function parseTargetGroups(
  text: string,
  source: string,
  extra: Readonly<Record<string, string>> = {},
): TargetGroup[] {
  const { root, ctx } = parseYaml(text);
  if (isNull(root)) return [];
  const items = (root as { items?: unknown[] }).items;
  if (!Array.isArray(items))
    throw new ConfigError('a target group file must hold a list of target groups');
  return items.map((n, i) => {
    if (isNull(n)) throw new ConfigError('empty or null target group', lineOf(ctx, n));
    const g = readTargetGroup(new ObjReader(ctx, n, 'targetgroup.plain'), `${source}:${i}`);
    if (Object.keys(extra).length === 0) return g;
    const flat = [...g.labels.flat];
    for (const [k, v] of Object.entries(extra)) flat.push(k, v);
    return { ...g, labels: Labels.fromFlatUnsorted(flat) };
  });
}
