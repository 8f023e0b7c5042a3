/** The stored shapes of dashboards and their versions in the metadata store. */
import type { MetaRecord } from '../meta/index.js';
import { asNumber, asString, isObject } from './json.js';
import type { Dashboard, DashboardMeta, VersionInfo } from './model.js';

/** Metadata collection of current dashboards (id: the dashboard uid). */
export const DASHBOARDS = 'dashboards';

/** Metadata collection of every saved version (id: `<uid>/<version, zero-padded>`). */
export const VERSIONS = 'dashboard_versions';

/** A dashboard as stored: the JSON plus where it lives. */
export interface StoredDashboard {
  readonly dashboard: Dashboard;
  /** The folder uid, `''` for the top level. */
  readonly folder: string;
  /** For provisioned dashboards: the file relative to `--dashboards.dir`. */
  readonly file?: string;
}

/** A version as stored. */
export interface StoredVersion extends VersionInfo {
  readonly folder: string;
  readonly dashboard: Dashboard;
}

/** The id of a version document. */
export function versionId(uid: string, version: number): string {
  return `${uid}/${String(version).padStart(9, '0')}`;
}

/** Reads a stored dashboard document (written by this module, so only lightly checked). */
export function readStored(rec: MetaRecord): StoredDashboard {
  const v = rec.value;
  if (!isObject(v) || !isObject(v['dashboard']))
    throw new Error(`BUG: dashboard document ${rec.id} has no dashboard`);
  const file = asString(v['file']);
  return {
    dashboard: { ...(v['dashboard'] as Dashboard), uid: rec.id, version: rec.version },
    folder: asString(v['folder']) ?? '',
    ...(file === undefined ? {} : { file }),
  };
}

/** Reads a stored version document. */
export function readVersion(rec: MetaRecord): StoredVersion {
  const v = rec.value;
  if (!isObject(v) || !isObject(v['dashboard']))
    throw new Error(`BUG: dashboard version document ${rec.id} has no dashboard`);
  const source = asString(v['source']);
  const restoredFrom = asNumber(v['restoredFrom']);
  return {
    version: asNumber(v['version']) ?? 0,
    createdAt: asNumber(v['createdAt']) ?? rec.updatedAt,
    message: asString(v['message']) ?? '',
    author: asString(v['author']) ?? '',
    source:
      source === 'import' || source === 'restore' || source === 'provisioning' ? source : 'api',
    ...(restoredFrom === undefined ? {} : { restoredFrom }),
    folder: asString(v['folder']) ?? '',
    dashboard: v['dashboard'] as Dashboard,
  };
}

/** The meta part of a dashboard answer. */
export function metaOf(rec: MetaRecord, s: StoredDashboard, writeBack: boolean): DashboardMeta {
  return {
    version: rec.version,
    updatedAt: rec.updatedAt,
    folder: s.folder,
    provisioned: s.file !== undefined,
    ...(s.file === undefined ? {} : { file: s.file }),
    editable: s.file === undefined || writeBack,
  };
}
