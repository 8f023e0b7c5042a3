import { after, before, describe } from 'node:test';
import { POSTGRES_SKIP, startPostgres, type TestPostgres } from '../../test/support/postgres.js';
import { metaStoreConformance } from './conformance/suite.js';
import { PgMetaStore } from './postgres.js';

void describe('PgMetaStore', { skip: POSTGRES_SKIP }, () => {
  let server: TestPostgres | undefined;
  let db = 0;
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.stop();
  });
  metaStoreConformance('postgres', {
    async open() {
      if (!server) throw new Error('PostgreSQL did not start');
      // A fresh database per case keeps cases independent.
      const name = `meta_${++db}`;
      const admin = await PgMetaStore.open({ url: server.url });
      await admin.pool.query(`CREATE DATABASE ${name}`);
      await admin.close();
      const url = server.url.replace(/\/postgres$/, `/${name}`);
      return {
        store: await PgMetaStore.open({ url }),
        reopen: () => PgMetaStore.open({ url }),
      };
    },
  });
});
