/** Reading save requests and comparing stored dashboards: the small helpers of the service. */
import { DashboardConflictError, DashboardValidationError } from './errors.js';
import { migrateGrafanaDashboard } from './grafana/migrate.js';
import { isObject, stableStringify, type JsonObject } from './json.js';
import type { Dashboard, VersionInfo } from './model.js';
import type { StoredVersion } from './records.js';

/** The conflict of a save based on an outdated version. */
export function versionMismatch(
  uid: string,
  expected: number,
  actual: number,
): DashboardConflictError {
  return new DashboardConflictError(
    `cannot save dashboard ${uid}: it was changed meanwhile (you edited version ${expected}, the stored version is ${actual}); reload it and apply your changes again`,
    'version-mismatch',
  );
}

/** The request body as an object with a `dashboard` field, or a validation error. */
export function requestBody(body: unknown): JsonObject {
  if (!isObject(body))
    throw new DashboardValidationError('body', 'must be a JSON object like {"dashboard": {…}}');
  if (!('dashboard' in body)) throw new DashboardValidationError('dashboard', 'is missing');
  return body;
}

/** The optional `folder` (or Grafana's `folderUid`) and `message` of a save request. */
export function saveFields(b: JsonObject): { folder?: string; message?: string } {
  const folder = b['folder'] ?? b['folderUid'];
  if (folder !== undefined && folder !== null && typeof folder !== 'string')
    throw new DashboardValidationError('folder', 'must be a folder uid string');
  const message = b['message'];
  if (message !== undefined && typeof message !== 'string')
    throw new DashboardValidationError('message', 'must be a string');
  return {
    ...(typeof folder === 'string' ? { folder } : {}),
    ...(typeof message === 'string' ? { message } : {}),
  };
}

/** The public part of a stored version. */
export function info(v: StoredVersion): VersionInfo {
  return {
    version: v.version,
    createdAt: v.createdAt,
    message: v.message,
    source: v.source,
    author: v.author,
    ...(v.restoredFrom === undefined ? {} : { restoredFrom: v.restoredFrom }),
  };
}

/**
 * Whether two dashboards are equal apart from `version`, `id` and key order, once both are in
 * the migrated form (a stored dashboard saved through the API may lack defaults a file gains).
 */
export function sameContent(a: Dashboard, b: Dashboard): boolean {
  const norm = (d: Dashboard): string => {
    let m: JsonObject = d;
    try {
      m = migrateGrafanaDashboard(d).dashboard;
    } catch {
      // compare as is
    }
    return stableStringify({ ...m, version: 0, id: null });
  };
  return norm(a) === norm(b);
}
