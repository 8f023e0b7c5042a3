/**
 * The metadata store seam: small JSON documents (dashboards, users, tokens, share links, alert
 * history, …) kept in named collections, with a version per document for optimistic concurrency.
 * The embedded file store is the default; a PostgreSQL store serves several servers at once.
 */

/** One stored document. */
export interface MetaRecord {
  /** The document's id inside its collection. */
  readonly id: string;
  /** Starts at 1 and grows by one on every write. */
  readonly version: number;
  /** Milliseconds since the epoch of the last write. */
  readonly updatedAt: number;
  /** The document itself: any JSON value; readers validate it. */
  readonly value: unknown;
}

/** Conditions of a write. */
export interface WriteOptions {
  /**
   * The version the document must have for the write to happen: `0` means it must not exist,
   * `n > 0` means it must be at version `n`. Absent: write unconditionally.
   */
  readonly expectedVersion?: number;
}

/** Filters of a listing. */
export interface ListOptions {
  /** Only ids starting with this prefix. */
  readonly prefix?: string;
}

/** Documents in collections. Collection names match `[a-z0-9_]+`; ids are non-empty strings. */
export interface MetaStore {
  /** The document, or undefined when there is none. */
  get(collection: string, id: string): Promise<MetaRecord | undefined>;
  /** Every document of a collection, sorted by id. */
  list(collection: string, opts?: ListOptions): Promise<MetaRecord[]>;
  /** Creates or replaces a document; throws `MetaConflictError` when `expectedVersion` misses. */
  put(collection: string, id: string, value: unknown, opts?: WriteOptions): Promise<MetaRecord>;
  /** Deletes a document; false when there was none. Throws on a version conflict. */
  delete(collection: string, id: string, opts?: WriteOptions): Promise<boolean>;
  /** Waits for pending writes and releases resources. */
  close(): Promise<void>;
}

/** A write whose `expectedVersion` did not match the stored document. */
export class MetaConflictError extends Error {
  constructor(
    readonly collection: string,
    readonly id: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(
      `cannot write ${collection}/${id}: expected version ${expected}, found ${actual === 0 ? 'no document' : `version ${actual}`}`,
    );
    this.name = 'MetaConflictError';
  }
}

const COLLECTION_RE = /^[a-z0-9_]{1,64}$/;

/** Throws on an invalid collection name or id. */
export function checkKey(collection: string, id: string): void {
  if (!COLLECTION_RE.test(collection))
    throw new Error(`invalid metadata collection name ${JSON.stringify(collection)}`);
  if (id === '' || id.length > 512)
    throw new Error(`invalid metadata id ${JSON.stringify(id)}: must be 1 to 512 characters`);
}

/** Throws `MetaConflictError` when `opts.expectedVersion` does not match `actual` (0: none). */
export function checkVersion(
  collection: string,
  id: string,
  actual: number,
  opts: WriteOptions | undefined,
): void {
  const expected = opts?.expectedVersion;
  if (expected !== undefined && expected !== actual)
    throw new MetaConflictError(collection, id, expected, actual);
}
