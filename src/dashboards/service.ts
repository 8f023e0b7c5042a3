/**
 * The dashboard service: dashboards with their full version history and folders on the metadata
 * store, with optimistic concurrency, Grafana import and export, and the rules for dashboards
 * provisioned from files (read-only unless written back).
 */
import { MetaConflictError, type MetaRecord, type MetaStore } from '../meta/index.js';
import {
  DashboardConflictError,
  DashboardNotFoundError,
  DashboardReadOnlyError,
  DashboardValidationError,
} from './errors.js';
import { FolderStore, GENERAL_FOLDER } from './folders.js';
import { exportGrafanaDashboard } from './grafana/export.js';
import { migrateGrafanaDashboard } from './grafana/migrate.js';
import { asBool, asNumber, asString, isObject, type JsonObject } from './json.js';
import type {
  Dashboard,
  DashboardMeta,
  DashboardSummary,
  Folder,
  ImportWarning,
  VersionInfo,
} from './model.js';
import {
  DASHBOARDS,
  VERSIONS,
  metaOf,
  readStored,
  readVersion,
  versionId,
  type StoredDashboard,
  type StoredVersion,
} from './records.js';
import { newUid } from './uid.js';
import { UID_RE, validateDashboard } from './validate.js';
import { info, requestBody, sameContent, saveFields, versionMismatch } from './requests.js';

/** A dashboard with its facts, as the API serves it. */
export interface DashboardWithMeta {
  readonly dashboard: Dashboard;
  readonly meta: DashboardMeta;
}

/** Filters of the dashboard list. */
export interface ListFilter {
  /** Case-insensitive substring of the title. */
  readonly query?: string;
  /** Folder uid; `general` for the top level. */
  readonly folder?: string;
  /** Dashboards with every one of these tags. */
  readonly tags?: readonly string[];
}

/** Writes provisioned dashboards back to their files (`--dashboards.write-back`). */
export interface WriteBack {
  /** Writes `dashboard` to `file` (relative to the dashboards directory) atomically. */
  write(file: string, dashboard: Dashboard): Promise<void>;
}

/** The outcome of an import. */
export interface ImportResult {
  readonly uid: string;
  /** The stored version; absent for a dry run. */
  readonly version?: number;
  readonly dashboard: Dashboard;
  readonly warnings: readonly ImportWarning[];
}

/** What a save records besides the dashboard. */
interface SaveOptions {
  readonly folder?: string | undefined;
  readonly message?: string | undefined;
  /** The version the client based its edit on (optimistic concurrency); absent: overwrite. */
  readonly version?: number | undefined;
  readonly source: VersionInfo['source'];
  readonly restoredFrom?: number;
  /** Whether a new dashboard must not replace an existing one with the same uid. */
  readonly mustCreate: boolean;
  /** Who saves (user or token owner); '' when unknown. */
  readonly author?: string | undefined;
}

/** Dashboards, versions and folders. Safe for concurrent requests (the store checks versions). */
export class DashboardService {
  readonly folders: FolderStore;
  private writeBack: WriteBack | undefined;

  constructor(
    private readonly meta: MetaStore,
    private readonly now: () => number = Date.now,
  ) {
    this.folders = new FolderStore(meta);
  }

  /** Enables writing provisioned dashboards back to their files. */
  setWriteBack(w: WriteBack | undefined): void {
    this.writeBack = w;
  }

  /** Summaries of the dashboards matching `filter`, sorted by title. */
  async list(filter: ListFilter = {}): Promise<DashboardSummary[]> {
    const q = (filter.query ?? '').toLowerCase();
    const folder = filter.folder === GENERAL_FOLDER ? '' : filter.folder;
    const out: DashboardSummary[] = [];
    for (const rec of await this.meta.list(DASHBOARDS)) {
      const s = readStored(rec);
      const d = s.dashboard;
      if (q !== '' && !d.title.toLowerCase().includes(q)) continue;
      if (folder !== undefined && folder !== '' && s.folder !== folder) continue;
      if (filter.folder === GENERAL_FOLDER && s.folder !== '') continue;
      const tags = Array.isArray(d.tags) ? d.tags.filter((t) => typeof t === 'string') : [];
      if (filter.tags && !filter.tags.every((t) => tags.includes(t))) continue;
      out.push({
        uid: rec.id,
        title: d.title,
        folder: s.folder,
        tags,
        version: rec.version,
        updatedAt: rec.updatedAt,
        provisioned: s.file !== undefined,
      });
    }
    out.sort((a, b) => a.title.localeCompare(b.title) || (a.uid < b.uid ? -1 : 1));
    return out;
  }

  /** The dashboard and its facts; throws `DashboardNotFoundError`. */
  async get(uid: string): Promise<DashboardWithMeta> {
    const rec = await this.record(uid);
    const s = readStored(rec);
    return { dashboard: s.dashboard, meta: metaOf(rec, s, this.writeBack !== undefined) };
  }

  /** Creates a dashboard from a request body `{dashboard, folder?, message?}`. */
  async create(body: unknown, author?: string): Promise<DashboardWithMeta> {
    const b = requestBody(body);
    const d = validateDashboard(b['dashboard']);
    return this.save(d, { ...saveFields(b), source: 'api', mustCreate: true, author });
  }

  /** Replaces a dashboard from `{dashboard, folder?, message?, version?}`. */
  async update(uid: string, body: unknown, author?: string): Promise<DashboardWithMeta> {
    const b = requestBody(body);
    const d = validateDashboard(b['dashboard']);
    if (d.uid !== '' && d.uid !== uid)
      throw new DashboardValidationError(
        'dashboard.uid',
        `is "${d.uid}" but the URL names "${uid}"; use duplicate to copy a dashboard`,
      );
    await this.record(uid);
    const version = b['version'] ?? (b['dashboard'] as JsonObject)['version'];
    return this.save(
      { ...d, uid },
      { ...saveFields(b), version: asNumber(version), source: 'api', mustCreate: false, author },
    );
  }

  /** Deletes a dashboard and its history. */
  async delete(uid: string): Promise<void> {
    const rec = await this.record(uid);
    const s = readStored(rec);
    if (s.file !== undefined)
      throw new DashboardReadOnlyError(
        `cannot delete dashboard ${uid}: it is provisioned from ${s.file} in --dashboards.dir; remove the file instead`,
      );
    await this.meta.delete(DASHBOARDS, uid);
    for (const v of await this.meta.list(VERSIONS, { prefix: `${uid}/` }))
      await this.meta.delete(VERSIONS, v.id);
  }

  /** Copies a dashboard under a new uid (title `<title> (copy)` unless given). */
  async duplicate(uid: string, body: unknown, author?: string): Promise<DashboardWithMeta> {
    const b = isObject(body) ? body : {};
    const src = await this.get(uid);
    const title = asString(b['title']) ?? `${src.dashboard.title} (copy)`;
    const folder = asString(b['folder']) ?? src.meta.folder;
    const d = validateDashboard({ ...src.dashboard, uid: '', title, version: 0 });
    return this.save(d, {
      folder,
      message: `copy of ${uid} version ${src.meta.version}`,
      source: 'api',
      author,
      mustCreate: true,
    });
  }

  /** The history of a dashboard, newest first. */
  async versions(uid: string): Promise<VersionInfo[]> {
    await this.record(uid);
    const recs = await this.meta.list(VERSIONS, { prefix: `${uid}/` });
    return recs.map((r) => info(readVersion(r))).reverse();
  }

  /** One version of a dashboard with its JSON. */
  async version(uid: string, version: number): Promise<StoredVersion> {
    const rec = await this.meta.get(VERSIONS, versionId(uid, version));
    if (!rec)
      throw new DashboardNotFoundError(
        `cannot find version ${version} of dashboard ${uid}: no such version`,
      );
    return readVersion(rec);
  }

  /** Makes an old version current again, as a new version. */
  async restore(uid: string, version: number, author?: string): Promise<DashboardWithMeta> {
    const old = await this.version(uid, version);
    const current = await this.get(uid);
    return this.save(
      { ...old.dashboard, uid, version: current.meta.version },
      {
        folder: old.folder,
        message: `restored version ${version}`,
        version: current.meta.version,
        source: 'restore',
        author,
        restoredFrom: version,
        mustCreate: false,
      },
    );
  }

  /**
   * Imports any Grafana 5+ dashboard JSON from `{dashboard, folder?, overwrite?, dryRun?}`:
   * migrates it, reports what could not be mapped, and stores it unless `dryRun`.
   */
  async import(body: unknown, author?: string): Promise<ImportResult> {
    const b = requestBody(body);
    const { dashboard: migrated, warnings } = migrateGrafanaDashboard(b['dashboard']);
    const d = validateDashboard(migrated);
    const uid = d.uid !== '' ? d.uid : newUid();
    if (asBool(b['dryRun']) === true) return { uid, dashboard: { ...d, uid }, warnings };
    const overwrite = asBool(b['overwrite']) === true;
    const r = await this.save(
      { ...d, uid },
      {
        folder: asString(b['folder']) ?? asString(b['folderUid']),
        message: asString(b['message']) ?? 'imported',
        source: 'import',
        author,
        mustCreate: !overwrite,
      },
    );
    return { uid, version: r.meta.version, dashboard: r.dashboard, warnings };
  }

  /**
   * Saves like Grafana's `POST /api/dashboards/db` `{dashboard, folderUid?, overwrite?, message?}`:
   * the JSON is migrated; an existing uid is replaced when `overwrite` is set or when
   * `dashboard.version` matches the stored version, otherwise a version conflict is raised.
   */
  async saveGrafana(body: unknown, author?: string): Promise<ImportResult> {
    const b = requestBody(body);
    const { dashboard: migrated, warnings } = migrateGrafanaDashboard(b['dashboard']);
    const d = validateDashboard(migrated);
    const overwrite = asBool(b['overwrite']) === true;
    const given = asNumber((b['dashboard'] as JsonObject)['version']);
    const uid = d.uid !== '' ? d.uid : newUid();
    const existing = d.uid === '' ? undefined : await this.meta.get(DASHBOARDS, uid);
    if (existing && !overwrite && given !== existing.version)
      throw versionMismatch(uid, given ?? 0, existing.version);
    const r = await this.save(
      { ...d, uid },
      {
        folder: asString(b['folderUid']) ?? asString(b['folder']),
        message: asString(b['message']),
        source: 'api',
        author,
        mustCreate: false,
      },
    );
    return { uid, version: r.meta.version, dashboard: r.dashboard, warnings };
  }

  /** The dashboard as Grafana-importable JSON (`__inputs` and `${DS_PROMETHEUS}` references). */
  async export(uid: string): Promise<JsonObject> {
    return exportGrafanaDashboard((await this.get(uid)).dashboard);
  }

  /** Deletes an empty folder. */
  async deleteFolder(uid: string): Promise<void> {
    const f = await this.folders.get(uid);
    if (!f) throw new DashboardNotFoundError(`cannot delete folder ${uid}: no such folder`);
    if (f.provisioned)
      throw new DashboardReadOnlyError(
        `cannot delete folder ${uid}: it is a directory in --dashboards.dir`,
      );
    const inside = await this.list({ folder: uid });
    if (inside.length > 0)
      throw new DashboardConflictError(
        `cannot delete folder ${uid}: it holds ${inside.length} dashboard(s); move or delete them first`,
        'exists',
      );
    await this.folders.delete(uid);
  }

  /**
   * Stores a dashboard read from a provisioning file, creating a version only when its content
   * changed. Returns whether anything was written.
   */
  async provision(d: Dashboard, folder: string, file: string): Promise<boolean> {
    const rec = await this.meta.get(DASHBOARDS, d.uid);
    if (rec) {
      const s = readStored(rec);
      if (s.file === file && s.folder === folder && sameContent(s.dashboard, d)) return false;
    }
    await this.write({ ...d, version: rec?.version ?? 0 }, rec, {
      folder,
      message: `loaded from ${file}`,
      source: 'provisioning',
      mustCreate: false,
      file,
    });
    return true;
  }

  /** Removes a dashboard whose provisioning file is gone. */
  async unprovision(uid: string): Promise<void> {
    const rec = await this.meta.get(DASHBOARDS, uid);
    if (!rec || readStored(rec).file === undefined) return;
    await this.meta.delete(DASHBOARDS, uid);
    for (const v of await this.meta.list(VERSIONS, { prefix: `${uid}/` }))
      await this.meta.delete(VERSIONS, v.id);
  }

  /** Uids and files of the provisioned dashboards. */
  async provisioned(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const rec of await this.meta.list(DASHBOARDS)) {
      const f = readStored(rec).file;
      if (f !== undefined) out.set(rec.id, f);
    }
    return out;
  }

  private async save(d: Dashboard, o: SaveOptions): Promise<DashboardWithMeta> {
    const uid = d.uid !== '' ? d.uid : newUid();
    const rec = await this.meta.get(DASHBOARDS, uid);
    if (rec && o.mustCreate)
      throw new DashboardConflictError(
        `cannot create dashboard ${uid}: a dashboard with this uid exists (set overwrite to replace it)`,
        'exists',
      );
    const s = rec ? readStored(rec) : undefined;
    if (s?.file !== undefined && !this.writeBack)
      throw new DashboardReadOnlyError(
        `cannot save dashboard ${uid}: it is provisioned from ${s.file} in --dashboards.dir and --dashboards.write-back is off; change the file or start Kansoku with --dashboards.write-back`,
      );
    if (o.version !== undefined && o.version > 0 && rec && o.version !== rec.version)
      throw versionMismatch(uid, o.version, rec.version);
    let folder = o.folder ?? s?.folder ?? '';
    if (folder === GENERAL_FOLDER) folder = '';
    if (s?.file !== undefined) folder = s.folder;
    else if (folder !== '' && !(await this.folders.get(folder)))
      throw new DashboardValidationError('folder', `no folder with uid "${folder}"`);
    const file = s?.file;
    const out = await this.write({ ...d, uid }, rec, {
      ...o,
      folder,
      ...(file === undefined ? {} : { file }),
    });
    if (file !== undefined && this.writeBack) await this.writeBack.write(file, out.dashboard);
    return out;
  }

  private async write(
    d: Dashboard,
    rec: MetaRecord | undefined,
    o: SaveOptions & { folder: string; file?: string },
  ): Promise<DashboardWithMeta> {
    const uid = d.uid;
    const expected = rec?.version ?? 0;
    const dashboard: Dashboard = { ...d, version: expected + 1 };
    delete dashboard['id'];
    const stored: StoredDashboard = {
      dashboard,
      folder: o.folder,
      ...(o.file === undefined ? {} : { file: o.file }),
    };
    let written: MetaRecord;
    try {
      written = await this.meta.put(DASHBOARDS, uid, stored, { expectedVersion: expected });
    } catch (err) {
      if (err instanceof MetaConflictError) throw versionMismatch(uid, expected, err.actual);
      throw err;
    }
    const v: StoredVersion = {
      version: written.version,
      createdAt: this.now(),
      message: o.message ?? '',
      source: o.source,
      author: o.author ?? '',
      ...(o.restoredFrom === undefined ? {} : { restoredFrom: o.restoredFrom }),
      folder: o.folder,
      dashboard,
    };
    await this.meta.put(VERSIONS, versionId(uid, written.version), v);
    const s = readStored(written);
    return { dashboard: s.dashboard, meta: metaOf(written, s, this.writeBack !== undefined) };
  }

  private async record(uid: string): Promise<MetaRecord> {
    const rec = UID_RE.test(uid) ? await this.meta.get(DASHBOARDS, uid) : undefined;
    if (!rec) throw new DashboardNotFoundError(`cannot find dashboard ${uid}: no such dashboard`);
    return rec;
  }
}

/** Folders re-exported for the service's users. */
export type { Folder };
