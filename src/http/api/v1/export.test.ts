import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Labels, STALE_NAN } from '../../../model/index.js';
import { MemStorage } from '../../../storage/index.js';
import { startTestServer, type TestServer } from '../../testkit.js';

describe('GET /api/v1/export', () => {
  const storage = new MemStorage();
  let server: TestServer;

  before(async () => {
    const app = storage.appender();
    const a = Labels.fromRecord({ __name__: 'hr', who: 'me' });
    app.append(0, a, 1000, 61);
    app.append(0, a, 2000, NaN);
    app.append(0, a, 3000, STALE_NAN);
    app.append(0, Labels.fromRecord({ __name__: 'other' }), 1000, 1);
    await app.commit();
    server = await startTestServer(storage);
  });
  after(async () => {
    await server.close();
  });

  it('exports JSON lines that the import endpoint reads back', async () => {
    const res = await fetch(`${server.base}/api/v1/export?match[]=hr&start=0&end=10`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.equal(
      text,
      '{"metric":{"__name__":"hr","who":"me"},"values":[61,"NaN"],"timestamps":[1000,2000]}\n',
    );
    const target = new MemStorage();
    const other = await startTestServer(target);
    try {
      const imp = await fetch(`${other.base}/api/v1/import`, { method: 'POST', body: text });
      assert.ok(imp.status < 300, String(imp.status));
      const back = await (await fetch(`${other.base}/api/v1/export?match[]={who="me"}`)).text();
      assert.equal(back, text);
    } finally {
      await other.close();
    }
  });

  it('needs match[]', async () => {
    const res = await fetch(`${server.base}/api/v1/export`);
    assert.equal(res.status, 400);
  });
});
