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

  it('exports CSV by a field list that /api/v1/import/csv reads back', async () => {
    const url = `${server.base}/api/v1/export/csv?match[]=hr&format=__name__,__value__,__timestamp__:unix_ms,who,missing`;
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
    const text = await res.text();
    assert.equal(text, 'hr,61,1000,me,\nhr,NaN,2000,me,\n');
    const s = await fetch(
      `${server.base}/api/v1/export/csv?match[]=hr&format=__timestamp__:unix_s,__value__,__timestamp__:rfc3339`,
    );
    assert.equal(await s.text(), '1,61,1970-01-01T00:00:01.000Z\n2,NaN,1970-01-01T00:00:02.000Z\n');
    const target = new MemStorage();
    const other = await startTestServer(target);
    try {
      const spec = encodeURIComponent('2:metric:hr,3:time:unix_ms,4:label:who');
      const imp = await fetch(`${other.base}/api/v1/import/csv?format=${spec}`, {
        method: 'POST',
        body: text,
      });
      assert.equal(imp.status, 204, await imp.text());
      const back = await (await fetch(`${other.base}/api/v1/export?match[]=hr`)).text();
      assert.equal(
        back,
        '{"metric":{"__name__":"hr","who":"me"},"values":[61,"NaN"],"timestamps":[1000,2000]}\n',
      );
    } finally {
      await other.close();
    }
  });

  it('exports the Prometheus text format with timestamps that the text import reads back', async () => {
    const res = await fetch(
      `${server.base}/api/v1/export/prometheus?match[]={__name__=~"hr|other"}`,
    );
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.equal(text, 'hr{who="me"} 61 1000\nhr{who="me"} NaN 2000\nother 1 1000\n');
    const target = new MemStorage();
    const other = await startTestServer(target);
    try {
      const imp = await fetch(`${other.base}/api/v1/import/prometheus`, {
        method: 'POST',
        body: text,
      });
      assert.equal(imp.status, 204, await imp.text());
      const back = await (
        await fetch(`${other.base}/api/v1/export/prometheus?match[]={__name__=~"hr|other"}`)
      ).text();
      assert.equal(back, text);
    } finally {
      await other.close();
    }
  });

  it('rejects a CSV export without a valid format', async () => {
    assert.equal((await fetch(`${server.base}/api/v1/export/csv?match[]=hr`)).status, 400);
    const bad = await fetch(
      `${server.base}/api/v1/export/csv?match[]=hr&format=__timestamp__:weeks`,
    );
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /unknown time format/);
  });

  it('needs match[]', async () => {
    const res = await fetch(`${server.base}/api/v1/export`);
    assert.equal(res.status, 400);
  });
});
