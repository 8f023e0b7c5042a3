/** Folders of dashboards, kept in the metadata store collection `dashboard_folders`. */
import { MetaConflictError, type MetaStore } from '../meta/index.js';
import {
  DashboardConflictError,
  DashboardNotFoundError,
  DashboardValidationError,
} from './errors.js';
import { asString, isObject } from './json.js';
import type { Folder } from './model.js';
import { newUid } from './uid.js';
import { UID_RE, validateFolderTitle } from './validate.js';

/** The metadata collection of folders. */
export const FOLDERS = 'dashboard_folders';

/** The folder uid of the top level in Grafana's API. */
export const GENERAL_FOLDER = 'general';

/** Reads and writes folders. */
export class FolderStore {
  constructor(private readonly meta: MetaStore) {}

  /** Every folder, sorted by title. */
  async list(): Promise<Folder[]> {
    const recs = await this.meta.list(FOLDERS);
    const out = recs.map((r) => toFolder(r.id, r.value));
    out.sort((a, b) => a.title.localeCompare(b.title));
    return out;
  }

  /** The folder, or undefined. */
  async get(uid: string): Promise<Folder | undefined> {
    if (!UID_RE.test(uid)) return undefined;
    const r = await this.meta.get(FOLDERS, uid);
    return r ? toFolder(r.id, r.value) : undefined;
  }

  /** Creates a folder; its uid is generated when not given. Fails when the uid or title exists. */
  async create(body: unknown): Promise<Folder> {
    if (!isObject(body)) throw new DashboardValidationError('body', 'must be a JSON object');
    const title = validateFolderTitle(body['title'], 'title');
    const given = asString(body['uid']);
    if (given !== undefined && given !== '' && !UID_RE.test(given))
      throw new DashboardValidationError('uid', 'must be 1 to 40 letters, digits, "-" or "_"');
    const uid = given !== undefined && given !== '' ? given : newUid();
    if (uid === GENERAL_FOLDER)
      throw new DashboardValidationError(
        'uid',
        `"${GENERAL_FOLDER}" is reserved for the top level`,
      );
    const existing = await this.list();
    if (existing.some((f) => f.title.toLowerCase() === title.toLowerCase()))
      throw new DashboardConflictError(
        `cannot create folder "${title}": a folder with that title exists`,
        'exists',
      );
    return this.put(uid, title, false, 0);
  }

  /**
   * Stores a folder with a given uid (provisioning); `expectedVersion` 0 means it must not exist,
   * undefined writes unconditionally.
   */
  async put(
    uid: string,
    title: string,
    provisioned: boolean,
    expectedVersion?: number,
  ): Promise<Folder> {
    const folder: Folder = { uid, title, provisioned };
    try {
      await this.meta.put(
        FOLDERS,
        uid,
        folder,
        expectedVersion === undefined ? {} : { expectedVersion },
      );
    } catch (err) {
      if (err instanceof MetaConflictError)
        throw new DashboardConflictError(
          `cannot create folder ${uid}: it exists already`,
          'exists',
        );
      throw err;
    }
    return folder;
  }

  /** Deletes a folder; the caller checks it is empty. */
  async delete(uid: string): Promise<void> {
    const ok = UID_RE.test(uid) && (await this.meta.delete(FOLDERS, uid));
    if (!ok) throw new DashboardNotFoundError(`cannot delete folder ${uid}: no such folder`);
  }
}

function toFolder(uid: string, v: unknown): Folder {
  const o = isObject(v) ? v : {};
  return { uid, title: asString(o['title']) ?? uid, provisioned: o['provisioned'] === true };
}
