/**
 * The client of Kansoku's dashboard API (`/api/kansoku/dashboards`, `/api/kansoku/folders`),
 * plus the label lookups template variables need. Every response is validated before use.
 */
import { ApiError, readEnvelope } from '../api/client.js';
import { arr, bool, type Decoder, DecodeError, field, num, obj, opt, str } from '../api/decode.js';
import { type DashboardModel, normalizeDashboard } from './model.js';

/** A save that lost a race with another save (HTTP 409). */
export class VersionConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VersionConflictError';
  }
}

/** One dashboard in the list. */
export interface DashboardSummary {
  readonly uid: string;
  readonly title: string;
  readonly folder: string;
  readonly tags: readonly string[];
  readonly version: number;
  readonly updatedAt: string;
  readonly provisioned: boolean;
}

/** Facts about a stored dashboard. */
export interface DashboardMeta {
  readonly version: number;
  readonly updatedAt: string;
  readonly folder: string;
  readonly provisioned: boolean;
  readonly file?: string;
}

/** One import warning: what could not be mapped, and where. */
export interface ImportWarning {
  readonly path: string;
  readonly panel?: string;
  readonly message: string;
}

/** One stored version. */
export interface VersionInfo {
  readonly version: number;
  readonly createdAt: string;
  readonly message: string;
  readonly author: string;
}

const BASE = '/api/kansoku';

/** A date-ish field: a string, or epoch milliseconds shown as ISO. */
const when: Decoder<string> = (v, p) => {
  if (typeof v === 'number') return new Date(v).toISOString();
  return str(v, p);
};

const text: Decoder<string> = (v, p) => (typeof v === 'number' ? String(v) : str(v, p));

const summary: Decoder<DashboardSummary> = (v, p) => {
  const o = obj(v, p);
  return {
    uid: field(o, 'uid', str, p),
    title: field(o, 'title', opt(str, ''), p),
    folder: field(o, 'folder', opt(str, ''), p),
    tags: field(o, 'tags', opt(arr(str), []), p),
    version: field(o, 'version', opt(num, 0), p),
    updatedAt: field(o, 'updatedAt', opt(when, ''), p),
    provisioned: field(o, 'provisioned', opt(bool, false), p),
  };
};

const meta: Decoder<DashboardMeta> = (v, p) => {
  const o = obj(v ?? {}, p);
  const file = field(o, 'file', opt(str, ''), p);
  return {
    version: field(o, 'version', opt(num, 0), p),
    updatedAt: field(o, 'updatedAt', opt(when, ''), p),
    folder: field(o, 'folder', opt(str, ''), p),
    provisioned: field(o, 'provisioned', opt(bool, false), p),
    ...(file !== '' ? { file } : {}),
  };
};

const dashboard: Decoder<DashboardModel> = (v, p) => {
  try {
    return normalizeDashboard(v);
  } catch (e) {
    throw new DecodeError(p, 'a dashboard', e instanceof Error ? e.message : v);
  }
};

const warning: Decoder<ImportWarning> = (v, p) => {
  const o = obj(v, p);
  const panel = o['panel'];
  return {
    path: field(o, 'path', opt(str, ''), p),
    message: field(o, 'message', str, p),
    ...(panel !== undefined && panel !== null ? { panel: text(panel, `${p}.panel`) } : {}),
  };
};

const versionInfo: Decoder<VersionInfo> = (v, p) => {
  const o = obj(v, p);
  return {
    version: field(o, 'version', num, p),
    createdAt: field(o, 'createdAt', opt(when, field(o, 'updatedAt', opt(when, ''), p)), p),
    message: field(o, 'message', opt(str, ''), p),
    author: field(o, 'author', opt(str, ''), p),
  };
};

async function errorMessage(res: Response): Promise<string> {
  const body = await res.text().catch(() => '');
  try {
    const o: unknown = JSON.parse(body);
    if (typeof o === 'object' && o !== null) {
      const r = o as Record<string, unknown>;
      for (const k of ['error', 'message']) {
        const m = r[k];
        if (typeof m === 'string' && m !== '') return m;
      }
    }
  } catch {
    // not JSON: use the text
  }
  return body.trim() !== '' ? body.trim().slice(0, 300) : `HTTP ${res.status}`;
}

async function call<T>(
  method: string,
  path: string,
  decode: Decoder<T>,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  let res: Response;
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'Content-Type': 'application/json' };
  }
  if (signal) init.signal = signal;
  try {
    res = await fetch(`${BASE}${path}`, init);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(`cannot reach the Kansoku server: ${String(e)}`, 'network');
  }
  if (res.status === 409) throw new VersionConflictError(await errorMessage(res));
  if (!res.ok) throw new ApiError(await errorMessage(res), `HTTP ${res.status}`);
  if (res.status === 204) return decode(null, 'response');
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  // Accept both bare bodies and the Prometheus-style `{status, data}` envelope.
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const o = json as Record<string, unknown>;
    if (o['status'] === 'success' && 'data' in o) json = o['data'];
  }
  return decode(json, 'response');
}

const ignore: Decoder<null> = () => null;

/** Lists dashboards, filtered by a search text, a folder and a tag. */
export function listDashboards(
  f: { query?: string; folder?: string; tag?: string },
  signal?: AbortSignal,
): Promise<DashboardSummary[]> {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (typeof v === 'string' && v !== '') p.set(k, v);
  const qs = p.toString();
  return call('GET', `/dashboards${qs ? `?${qs}` : ''}`, arr(summary), undefined, signal);
}

/** Loads one dashboard. */
export function getDashboard(
  uid: string,
  signal?: AbortSignal,
): Promise<{ dashboard: DashboardModel; meta: DashboardMeta }> {
  return call(
    'GET',
    `/dashboards/${encodeURIComponent(uid)}`,
    (v, p) => {
      const o = obj(v, p);
      return { dashboard: field(o, 'dashboard', dashboard, p), meta: field(o, 'meta', meta, p) };
    },
    undefined,
    signal,
  );
}

/** A save's answer: `{uid, version}`, or the stored `{dashboard, meta}`. */
const saved: Decoder<{ uid: string; version: number }> = (v, p) => {
  const o = obj(v, p);
  if ('dashboard' in o && 'meta' in o) {
    const d = obj(o['dashboard'], `${p}.dashboard`);
    const m = obj(o['meta'], `${p}.meta`);
    return {
      uid: field(d, 'uid', str, `${p}.dashboard`),
      version: field(m, 'version', opt(num, 0), `${p}.meta`),
    };
  }
  return { uid: field(o, 'uid', str, p), version: field(o, 'version', opt(num, 0), p) };
};

/** Creates a dashboard; the server assigns the uid when the dashboard has none. */
export function createDashboard(
  d: DashboardModel,
  folder?: string,
  message?: string,
): Promise<{ uid: string; version: number }> {
  return call('POST', '/dashboards', saved, { dashboard: d, folder, message });
}

/** Saves a new version; throws {@link VersionConflictError} when `version` is not the latest. */
export function saveDashboard(
  uid: string,
  d: DashboardModel,
  opts: { folder?: string; message?: string; version?: number },
): Promise<{ uid: string; version: number }> {
  return call('PUT', `/dashboards/${encodeURIComponent(uid)}`, saved, { dashboard: d, ...opts });
}

/** Deletes a dashboard. */
export async function deleteDashboard(uid: string): Promise<void> {
  await call('DELETE', `/dashboards/${encodeURIComponent(uid)}`, ignore);
}

/** Copies a dashboard under a new uid. */
export function duplicateDashboard(
  uid: string,
  title?: string,
): Promise<{ uid: string; version: number }> {
  return call(
    'POST',
    `/dashboards/${encodeURIComponent(uid)}/duplicate`,
    saved,
    title ? { title } : {},
  );
}

/** The version history, newest first. */
export async function listVersions(uid: string, signal?: AbortSignal): Promise<VersionInfo[]> {
  const list = await call(
    'GET',
    `/dashboards/${encodeURIComponent(uid)}/versions`,
    (v, p) => {
      const o = Array.isArray(v)
        ? v
        : field(
            obj(v, p),
            'versions',
            arr((x) => x),
            p,
          );
      return arr(versionInfo)(o, p);
    },
    undefined,
    signal,
  );
  return list.sort((a, b) => b.version - a.version);
}

/** Restores an old version as a new one. */
export function restoreVersion(
  uid: string,
  version: number,
): Promise<{ uid: string; version: number }> {
  return call(
    'POST',
    `/dashboards/${encodeURIComponent(uid)}/versions/${version}/restore`,
    (v, p) => {
      if (v === null) return { uid, version: 0 };
      const o = obj(v, p);
      return {
        uid: field(o, 'uid', opt(str, uid), p),
        version: field(o, 'version', opt(num, 0), p),
      };
    },
  );
}

/** The result of an import (or of its dry run). */
export interface ImportResult {
  readonly uid: string;
  readonly version?: number;
  readonly dashboard: DashboardModel;
  readonly warnings: readonly ImportWarning[];
}

/** Imports Grafana dashboard JSON; `dryRun` only reports what the import would do. */
export function importDashboard(
  json: unknown,
  opts: { folder?: string; overwrite?: boolean; dryRun?: boolean },
): Promise<ImportResult> {
  return call(
    'POST',
    '/dashboards/import',
    (v, p) => {
      const o = obj(v, p);
      const version = field(o, 'version', opt(num, -1), p);
      return {
        uid: field(o, 'uid', opt(str, ''), p),
        dashboard: field(o, 'dashboard', dashboard, p),
        warnings: field(o, 'warnings', opt(arr(warning), []), p),
        ...(version >= 0 ? { version } : {}),
      };
    },
    { dashboard: json, ...opts },
  );
}

/** The URL that downloads a dashboard as Grafana-importable JSON. */
export function exportUrl(uid: string): string {
  return `${BASE}/dashboards/${encodeURIComponent(uid)}/export`;
}

/** A folder; dashboards refer to it by `uid` (`''` is the top level, "General"). */
export interface FolderInfo {
  readonly uid: string;
  readonly title: string;
  readonly provisioned: boolean;
}

const folderInfo: Decoder<FolderInfo> = (v, p) => {
  if (typeof v === 'string') return { uid: v, title: v, provisioned: false };
  const o = obj(v, p);
  const uid = field(o, 'uid', opt(str, ''), p);
  return {
    uid,
    title: field(o, 'title', opt(str, uid), p),
    provisioned: field(o, 'provisioned', opt(bool, false), p),
  };
};

/** The folders, sorted by title. */
export async function listFolders(signal?: AbortSignal): Promise<FolderInfo[]> {
  const list = await call('GET', '/folders', arr(folderInfo), undefined, signal);
  return list.sort((a, b) => a.title.localeCompare(b.title));
}

/** Creates a folder. */
export async function createFolder(title: string): Promise<void> {
  await call('POST', '/folders', ignore, { title });
}

/** Deletes an (empty) folder. */
export async function deleteFolder(uid: string): Promise<void> {
  await call('DELETE', `/folders/${encodeURIComponent(uid)}`, ignore);
}

/** `GET /api/v1/<path>` with the Prometheus envelope. */
async function promGet(
  path: string,
  params: URLSearchParams,
  signal?: AbortSignal,
): Promise<string[]> {
  const qs = params.toString();
  let res: Response;
  try {
    res = await fetch(`/api/v1/${path}${qs ? `?${qs}` : ''}`, signal ? { signal } : {});
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(`cannot reach the Kansoku server: ${String(e)}`, 'network');
  }
  return (await readEnvelope(res, arr(str))).data;
}

/** Label values, optionally of the series matching `match`, within a time range (seconds). */
export function labelValues(
  label: string,
  match: string | undefined,
  start: number,
  end: number,
  signal?: AbortSignal,
): Promise<string[]> {
  const p = new URLSearchParams({ start: String(start), end: String(end) });
  if (match !== undefined) p.append('match[]', match);
  return promGet(`label/${encodeURIComponent(label)}/values`, p, signal);
}

/** Label names, optionally of the series matching `match`. */
export function labelNames(
  match: string | undefined,
  start: number,
  end: number,
  signal?: AbortSignal,
): Promise<string[]> {
  const p = new URLSearchParams({ start: String(start), end: String(end) });
  if (match !== undefined) p.append('match[]', match);
  return promGet('labels', p, signal);
}

/** Series matching a selector, each as `metric{labels}` text. */
export async function seriesNames(
  match: string,
  start: number,
  end: number,
  signal?: AbortSignal,
): Promise<Record<string, string>[]> {
  const p = new URLSearchParams({ start: String(start), end: String(end) });
  p.append('match[]', match);
  let res: Response;
  try {
    res = await fetch(`/api/v1/series?${p.toString()}`, signal ? { signal } : {});
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(`cannot reach the Kansoku server: ${String(e)}`, 'network');
  }
  const labelsDecoder: Decoder<Record<string, string>> = (v, path) => {
    const o = obj(v, path);
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(o)) out[k] = str(x, `${path}.${k}`);
    return out;
  };
  return (await readEnvelope(res, arr(labelsDecoder))).data;
}

let early: { uid: string; answer: ReturnType<typeof getDashboard> } | undefined;

/**
 * Starts loading the dashboard of the page's own address (`/dashboards/d/<uid>`) while the
 * application still starts, so its answer overlaps script execution and the first render.
 * {@link takeEarlyDashboard} hands the answer over once.
 */
export function prefetchDashboard(pathname: string): void {
  const m = /^\/dashboards\/d\/([^/]+)/.exec(pathname);
  if (!m) return;
  const uid = decodeURIComponent(m[1] ?? '');
  const answer = getDashboard(uid);
  // A failure is reported to whoever takes the answer; an untaken one is dropped.
  answer.catch(() => undefined);
  early = { uid, answer };
}

/** The answer started by {@link prefetchDashboard} for `uid`, once; otherwise a new request. */
export function takeEarlyDashboard(
  uid: string,
  signal?: AbortSignal,
): ReturnType<typeof getDashboard> {
  const e = early;
  early = undefined;
  return e !== undefined && e.uid === uid ? e.answer : getDashboard(uid, signal);
}
