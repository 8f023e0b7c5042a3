/** A metadata store in memory: for tests and for modes without a data directory. */
import {
  checkKey,
  checkVersion,
  type ListOptions,
  type MetaRecord,
  type MetaStore,
  type WriteOptions,
} from './store.js';

/** Keeps documents in maps; values are deep-copied on the way in and out. */
export class MemMetaStore implements MetaStore {
  private readonly collections = new Map<string, Map<string, MetaRecord>>();

  constructor(private readonly now: () => number = Date.now) {}

  get(collection: string, id: string): Promise<MetaRecord | undefined> {
    return settle(() => {
      checkKey(collection, id);
      const r = this.collections.get(collection)?.get(id);
      return r ? copy(r) : undefined;
    });
  }

  list(collection: string, opts?: ListOptions): Promise<MetaRecord[]> {
    return settle(() => {
      checkKey(collection, 'x');
      const prefix = opts?.prefix ?? '';
      const c = this.collections.get(collection) ?? new Map<string, MetaRecord>();
      const out = [...c.values()].filter((r) => r.id.startsWith(prefix)).map(copy);
      out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return out;
    });
  }

  put(collection: string, id: string, value: unknown, opts?: WriteOptions): Promise<MetaRecord> {
    return settle(() => {
      checkKey(collection, id);
      let c = this.collections.get(collection);
      const old = c?.get(id);
      checkVersion(collection, id, old?.version ?? 0, opts);
      const rec: MetaRecord = {
        id,
        version: (old?.version ?? 0) + 1,
        updatedAt: this.now(),
        value: structuredClone(value),
      };
      if (!c) {
        c = new Map<string, MetaRecord>();
        this.collections.set(collection, c);
      }
      c.set(id, rec);
      return copy(rec);
    });
  }

  delete(collection: string, id: string, opts?: WriteOptions): Promise<boolean> {
    return settle(() => {
      checkKey(collection, id);
      const c = this.collections.get(collection);
      checkVersion(collection, id, c?.get(id)?.version ?? 0, opts);
      return c?.delete(id) ?? false;
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Runs `fn` and turns its result or exception into a settled promise. */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

function copy(r: MetaRecord): MetaRecord {
  return { ...r, value: structuredClone(r.value) };
}
