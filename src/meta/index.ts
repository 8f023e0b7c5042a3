/** The metadata store: dashboards, users, tokens, share links and other small documents. */
export {
  MetaConflictError,
  type ListOptions,
  type MetaRecord,
  type MetaStore,
  type WriteOptions,
} from './store.js';
export { FileMetaStore } from './file.js';
export { MemMetaStore } from './memory.js';
export { metaStoreConformance, type StoreFactory } from './conformance/suite.js';
export { PgMetaStore, type PgMetaStoreOptions } from './postgres.js';
export { PgLease, SoleLeader, type Leadership, type PgLeaseOptions } from './lease.js';
export { DeferredMetaStore } from './deferred.js';
