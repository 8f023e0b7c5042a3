/**
 * The metadata store and leadership of a server: the embedded store and sole leadership by
 * default; with `--meta.postgres-url`, a PostgreSQL store shared by several servers and a leader
 * lease in it, so that exactly one of them evaluates rules and sends notifications.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Gauge, type Registry } from 'prom-client';
import type { ServerFlags } from '../config/index.js';
import {
  MetaConflictError,
  DeferredMetaStore,
  FileMetaStore,
  PgLease,
  PgMetaStore,
  SoleLeader,
  type Leadership,
  type MetaStore,
} from '../meta/index.js';
import type { SnapshotStore } from '../notify/index.js';
import type { Logger } from '../util/index.js';

/** The collection of the Alertmanager's shared snapshots (silences, notification log). */
const SNAPSHOTS = 'alertmanager_state';

/** Metadata and leadership, built from the flags. */
export class HighAvailability {
  readonly meta: MetaStore;
  private readonly pg: Promise<PgMetaStore> | undefined;
  private leadership: Leadership = new SoleLeader();

  constructor(
    private readonly flags: ServerFlags,
    private readonly logger: Logger,
  ) {
    const url = postgresUrl(flags);
    if (url === undefined) {
      this.meta = new FileMetaStore(path.join(flags.tsdbPath, 'meta'));
      return;
    }
    this.pg = PgMetaStore.open({ url });
    this.meta = new DeferredMetaStore(this.pg);
  }

  /** Whether several servers share state (a PostgreSQL metadata store). */
  get shared(): boolean {
    return this.pg !== undefined;
  }

  /** Waits for the store and, when shared, joins the leader election. */
  async start(listenAddress: string, registry: Registry): Promise<void> {
    const leader = new Gauge({
      name: 'kansoku_ha_leader',
      help: 'Whether this server is the leader that evaluates rules and sends notifications (always 1 without a shared metadata store).',
      registers: [registry],
      collect: () => {
        leader.set(this.isLeader() ? 1 : 0);
      },
    });
    if (!this.pg) return;
    const store = await this.pg;
    const holder =
      this.flags.haInstance ??
      `${os.hostname()}/${listenAddress}/${randomBytes(4).toString('hex')}`;
    this.leadership = await PgLease.start(store.pool, {
      name: 'leader',
      holder,
      ttlMs: this.flags.haLeaseMs,
      onError: (err: unknown) => {
        this.logger.warn('cannot renew the leader lease', { component: 'ha', err });
      },
    });
    this.leadership.onChange((isLeader) => {
      this.logger.info(isLeader ? 'became the leader' : 'no longer the leader', {
        component: 'ha',
        instance: holder,
        epoch: this.leadership.epoch(),
      });
    });
    this.logger.info('joined the leader election', {
      component: 'ha',
      instance: holder,
      leader: this.leadership.isLeader(),
      lease_ms: this.flags.haLeaseMs,
    });
  }

  /** Whether this server evaluates rules and sends notifications now. */
  isLeader(): boolean {
    return this.leadership.isLeader();
  }

  /** The Alertmanager's shared state store (undefined: files in the data directory). */
  snapshots(): SnapshotStore | undefined {
    if (!this.pg) return undefined;
    const meta = this.meta;
    return {
      async read(name: string): Promise<string | undefined> {
        const r = await meta.get(SNAPSHOTS, name);
        return typeof r?.value === 'string' ? r.value : undefined;
      },
      async write(name: string, data: string): Promise<void> {
        await meta.put(SNAPSHOTS, name, data);
      },
      async update(name: string, fn: (current: string | undefined) => string): Promise<string> {
        // Optimistic concurrency: retry on the newer text when another server wrote first.
        for (let attempt = 0; ; attempt++) {
          const r = await meta.get(SNAPSHOTS, name);
          const next = fn(typeof r?.value === 'string' ? r.value : undefined);
          try {
            await meta.put(SNAPSHOTS, name, next, { expectedVersion: r?.version ?? 0 });
            return next;
          } catch (e) {
            if (!(e instanceof MetaConflictError) || attempt >= 20) throw e;
          }
        }
      },
    };
  }

  /** Gives up leadership (another server takes over at once) and closes the store. */
  async stop(): Promise<void> {
    await this.leadership.stop();
    await this.meta.close();
  }
}

function postgresUrl(flags: ServerFlags): string | undefined {
  if (flags.metaPostgresUrl !== undefined) return flags.metaPostgresUrl;
  const file = flags.metaPostgresUrlFile;
  if (file === undefined) return undefined;
  try {
    const url = readFileSync(file, 'utf8').trim();
    return url === '' ? undefined : url;
  } catch (e) {
    throw new Error(
      `cannot read --meta.postgres-url-file ${file}: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
}
