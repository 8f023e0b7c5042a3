/** A metadata store that is still being opened (PostgreSQL connects asynchronously). */
import type { ListOptions, MetaRecord, MetaStore, WriteOptions } from './store.js';

/**
 * Forwards every call to the store once `opening` resolves; calls fail with the opening error
 * when it fails. Lets a server build its parts before the connection is up and await `ready()`.
 */
export class DeferredMetaStore implements MetaStore {
  constructor(private readonly opening: Promise<MetaStore>) {
    opening.catch(() => undefined); // reported by ready() and by each call
  }

  /** Resolves once the store is open; rejects with the reason it could not be opened. */
  async ready(): Promise<void> {
    await this.opening;
  }

  async get(collection: string, id: string): Promise<MetaRecord | undefined> {
    return (await this.opening).get(collection, id);
  }

  async list(collection: string, opts?: ListOptions): Promise<MetaRecord[]> {
    return (await this.opening).list(collection, opts);
  }

  async put(
    collection: string,
    id: string,
    value: unknown,
    opts?: WriteOptions,
  ): Promise<MetaRecord> {
    return (await this.opening).put(collection, id, value, opts);
  }

  async delete(collection: string, id: string, opts?: WriteOptions): Promise<boolean> {
    return (await this.opening).delete(collection, id, opts);
  }

  async close(): Promise<void> {
    let store: MetaStore;
    try {
      store = await this.opening;
    } catch {
      return;
    }
    await store.close();
  }
}
