/**
 * Opening the storage behind `--storage.tsdb.*` and adapting its admin operations for the HTTP
 * layer.
 */
import { mkdir } from 'node:fs/promises';
import type { ServerFlags } from '../config/index.js';
import type { TsdbAdmin } from '../http/index.js';
import { StorageUnavailableError } from '../model/index.js';
import { MemStorage, type Storage } from '../storage/index.js';
import type { Logger } from '../util/index.js';

/** An open storage with its admin operations. */
export interface OpenStorage {
  readonly storage: Storage;
  readonly admin: TsdbAdmin;
}

/** Creates the data directory when missing and opens the storage in it. */
export async function openStorage(flags: ServerFlags, logger: Logger): Promise<OpenStorage> {
  await mkdir(flags.tsdbPath, { recursive: true });
  const mem = new MemStorage();
  logger.warn('using the in-memory storage: samples are not persisted', { path: flags.tsdbPath });
  const unsupported = (what: string): StorageUnavailableError =>
    new StorageUnavailableError(`cannot ${what}: the in-memory storage does not support it`, false);
  return {
    storage: mem,
    admin: {
      snapshot: () => Promise.reject(unsupported('snapshot')),
      deleteSeries: (mint, maxt, matchers) => mem.deleteSeries(mint, maxt, matchers),
      cleanTombstones: () => mem.cleanTombstones(),
      compact: () => Promise.resolve(),
    },
  };
}
