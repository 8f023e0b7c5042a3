/**
 * The embedded metadata store: one JSON file per document under `<dir>/<collection>/`, each
 * replaced atomically (temporary file, fsync, rename, directory fsync), so a crash leaves either
 * the old or the new document. Collections are read once and then served from memory; writes are
 * serialized, which makes version checks exact within one process. Backups copy the directory.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import {
  checkKey,
  checkVersion,
  type ListOptions,
  type MetaRecord,
  type MetaStore,
  type WriteOptions,
} from './store.js';

const SUFFIX = '.json';
const TMP_SUFFIX = '.tmp';

/** A document store in a directory (by default `<storage.tsdb.path>/meta`). */
export class FileMetaStore implements MetaStore {
  private readonly loaded = new Map<string, Promise<Map<string, MetaRecord>>>();
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  async get(collection: string, id: string): Promise<MetaRecord | undefined> {
    checkKey(collection, id);
    const r = (await this.collection(collection)).get(id);
    return r ? copy(r) : undefined;
  }

  async list(collection: string, opts?: ListOptions): Promise<MetaRecord[]> {
    checkKey(collection, 'x');
    const prefix = opts?.prefix ?? '';
    const out = [...(await this.collection(collection)).values()]
      .filter((r) => r.id.startsWith(prefix))
      .map(copy);
    out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return out;
  }

  async put(
    collection: string,
    id: string,
    value: unknown,
    opts?: WriteOptions,
  ): Promise<MetaRecord> {
    checkKey(collection, id);
    const json = JSON.stringify(value) as string | undefined;
    if (json === undefined) throw new Error(`cannot store ${collection}/${id}: not a JSON value`);
    return await this.serial(async () => {
      const c = await this.collection(collection);
      const old = c.get(id);
      checkVersion(collection, id, old?.version ?? 0, opts);
      const rec: MetaRecord = {
        id,
        version: (old?.version ?? 0) + 1,
        updatedAt: this.now(),
        value: JSON.parse(json) as unknown,
      };
      await writeAtomic(this.fileOf(collection, id), JSON.stringify(rec));
      c.set(id, rec);
      return copy(rec);
    });
  }

  async delete(collection: string, id: string, opts?: WriteOptions): Promise<boolean> {
    checkKey(collection, id);
    return await this.serial(async () => {
      const c = await this.collection(collection);
      const old = c.get(id);
      checkVersion(collection, id, old?.version ?? 0, opts);
      if (!old) return false;
      await unlink(this.fileOf(collection, id)).catch((e: unknown) => {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      });
      await syncDir(path.join(this.dir, collection));
      c.delete(id);
      return true;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.tail.catch(() => undefined);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('cannot write metadata: the store is closed'));
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private collection(name: string): Promise<Map<string, MetaRecord>> {
    let p = this.loaded.get(name);
    if (!p) {
      p = loadCollection(path.join(this.dir, name));
      this.loaded.set(name, p);
      p.catch(() => this.loaded.delete(name));
    }
    return p;
  }

  private fileOf(collection: string, id: string): string {
    return path.join(this.dir, collection, fileName(id));
  }
}

/** The file name of a document: the percent-encoded id, or a hash when that is too long. */
export function fileName(id: string): string {
  const enc = encodeURIComponent(id).replace(
    /[.!'()*~]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  if (enc.length <= 200) return enc + SUFFIX;
  return `h-${createHash('sha256').update(id).digest('hex')}${SUFFIX}`;
}

async function loadCollection(dir: string): Promise<Map<string, MetaRecord>> {
  const out = new Map<string, MetaRecord>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw e;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    if (name.endsWith(TMP_SUFFIX)) {
      await unlink(file).catch(() => undefined);
      continue;
    }
    if (!name.endsWith(SUFFIX)) continue;
    const rec = parseRecord(await readFile(file, 'utf8'), file);
    out.set(rec.id, rec);
  }
  return out;
}

function parseRecord(text: string, file: string): MetaRecord {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`cannot read metadata document ${file}: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null) throw new Error(`cannot read ${file}: not an object`);
  const o = v as Record<string, unknown>;
  if (
    typeof o['id'] !== 'string' ||
    typeof o['version'] !== 'number' ||
    typeof o['updatedAt'] !== 'number' ||
    !('value' in o)
  )
    throw new Error(
      `cannot read metadata document ${file}: missing id, version, updatedAt or value`,
    );
  return { id: o['id'], version: o['version'], updatedAt: o['updatedAt'], value: o['value'] };
}

async function writeAtomic(file: string, data: string): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = file + TMP_SUFFIX;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

function copy(r: MetaRecord): MetaRecord {
  return { ...r, value: structuredClone(r.value) };
}
