/**
 * The metadata store in PostgreSQL, for several Kansoku servers that share dashboards, users,
 * tokens and alerting state. One table holds every collection; each write is one statement, so
 * version checks are atomic across servers. Values are stored as `json` (kept as written).
 */
import pg from 'pg';
import {
  checkKey,
  MetaConflictError,
  type ListOptions,
  type MetaRecord,
  type MetaStore,
  type WriteOptions,
} from './store.js';

/** The table of documents. */
export const META_TABLE = 'kansoku_meta';

const SCHEMA = `CREATE TABLE IF NOT EXISTS ${META_TABLE} (
  collection text NOT NULL,
  id text NOT NULL,
  version bigint NOT NULL,
  updated_at bigint NOT NULL,
  value json NOT NULL,
  PRIMARY KEY (collection, id)
)`;

interface Row {
  id: string;
  version: string;
  updated_at: string;
  value: unknown;
}

/** Options of `PgMetaStore`. */
export interface PgMetaStoreOptions {
  /** A `postgres://` connection URL. */
  readonly url: string;
  /** Connections kept open at most (default 4). */
  readonly maxConnections?: number;
  readonly now?: () => number;
}

/** Documents in PostgreSQL; create with `PgMetaStore.open()`, which creates the table if needed. */
export class PgMetaStore implements MetaStore {
  private constructor(
    /** The connection pool; also used by leases (`PgLease`). */
    readonly pool: pg.Pool,
    private readonly now: () => number,
  ) {}

  /** Connects and makes sure the schema exists. */
  static async open(opts: PgMetaStoreOptions): Promise<PgMetaStore> {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.maxConnections ?? 4,
      connectionTimeoutMillis: 10_000,
    });
    pool.on('error', () => undefined); // idle client errors surface on the next query instead
    try {
      await pool.query(SCHEMA);
    } catch (e) {
      await pool.end();
      throw new Error(`cannot open the metadata store at ${redact(opts.url)}: ${message(e)}`, {
        cause: e,
      });
    }
    return new PgMetaStore(pool, opts.now ?? Date.now);
  }

  async get(collection: string, id: string): Promise<MetaRecord | undefined> {
    checkKey(collection, id);
    const r = await this.pool.query<Row>(
      `SELECT id, version, updated_at, value FROM ${META_TABLE} WHERE collection = $1 AND id = $2`,
      [collection, id],
    );
    const row = r.rows[0];
    return row ? toRecord(row) : undefined;
  }

  async list(collection: string, opts?: ListOptions): Promise<MetaRecord[]> {
    checkKey(collection, 'x');
    const prefix = opts?.prefix ?? '';
    const r = await this.pool.query<Row>(
      `SELECT id, version, updated_at, value FROM ${META_TABLE}
       WHERE collection = $1 AND left(id, length($2)) = $2 ORDER BY id COLLATE "C"`,
      [collection, prefix],
    );
    return r.rows.map(toRecord);
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
    const now = this.now();
    const expected = opts?.expectedVersion;
    let r: pg.QueryResult<Row>;
    if (expected === undefined) {
      r = await this.pool.query<Row>(
        `INSERT INTO ${META_TABLE} (collection, id, version, updated_at, value)
         VALUES ($1, $2, 1, $3, $4::json)
         ON CONFLICT (collection, id) DO UPDATE
           SET version = ${META_TABLE}.version + 1, updated_at = $3, value = $4::json
         RETURNING id, version, updated_at, value`,
        [collection, id, now, json],
      );
    } else if (expected === 0) {
      r = await this.pool.query<Row>(
        `INSERT INTO ${META_TABLE} (collection, id, version, updated_at, value)
         VALUES ($1, $2, 1, $3, $4::json)
         ON CONFLICT (collection, id) DO NOTHING
         RETURNING id, version, updated_at, value`,
        [collection, id, now, json],
      );
    } else {
      r = await this.pool.query<Row>(
        `UPDATE ${META_TABLE} SET version = version + 1, updated_at = $4, value = $5::json
         WHERE collection = $1 AND id = $2 AND version = $3
         RETURNING id, version, updated_at, value`,
        [collection, id, expected, now, json],
      );
    }
    const row = r.rows[0];
    if (!row) throw await this.conflict(collection, id, expected ?? 0);
    return toRecord(row);
  }

  async delete(collection: string, id: string, opts?: WriteOptions): Promise<boolean> {
    checkKey(collection, id);
    const expected = opts?.expectedVersion;
    if (expected === undefined) {
      const r = await this.pool.query(
        `DELETE FROM ${META_TABLE} WHERE collection = $1 AND id = $2`,
        [collection, id],
      );
      return (r.rowCount ?? 0) > 0;
    }
    if (expected === 0) {
      const cur = await this.get(collection, id);
      if (cur) throw new MetaConflictError(collection, id, 0, cur.version);
      return false;
    }
    const r = await this.pool.query(
      `DELETE FROM ${META_TABLE} WHERE collection = $1 AND id = $2 AND version = $3`,
      [collection, id, expected],
    );
    if ((r.rowCount ?? 0) === 0) throw await this.conflict(collection, id, expected);
    return true;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async conflict(
    collection: string,
    id: string,
    expected: number,
  ): Promise<MetaConflictError> {
    const cur = await this.get(collection, id);
    return new MetaConflictError(collection, id, expected, cur?.version ?? 0);
  }
}

function toRecord(row: Row): MetaRecord {
  return {
    id: row.id,
    version: Number(row.version),
    updatedAt: Number(row.updated_at),
    value: row.value,
  };
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = 'xxxxx';
    return u.toString();
  } catch {
    return '<invalid URL>';
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
