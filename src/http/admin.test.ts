import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Matcher } from '../model/index.js';
import { MemStorage } from '../storage/index.js';
import type { TsdbAdmin } from './admin.js';
import { startTestServer, type TestServer } from './testkit.js';

/** Records the admin calls it receives. */
class FakeAdmin implements TsdbAdmin {
  readonly calls: string[] = [];
  snapshot(skipHead: boolean): Promise<string> {
    this.calls.push(`snapshot skipHead=${skipHead}`);
    return Promise.resolve('20260101T000000Z-0123456789abcdef');
  }
  deleteSeries(mint: number, maxt: number, matchers: readonly Matcher[]): Promise<void> {
    this.calls.push(`delete ${mint} ${maxt} ${matchers.map(String).join(',')}`);
    return Promise.resolve();
  }
  cleanTombstones(): Promise<void> {
    this.calls.push('clean');
    return Promise.resolve();
  }
  compact(flushHead: boolean): Promise<void> {
    this.calls.push(`compact flushHead=${flushHead}`);
    return Promise.resolve();
  }
}

function serve(enabled: boolean, admin: TsdbAdmin): Promise<TestServer> {
  return startTestServer(new MemStorage(), { admin: { enabled, admin: () => admin } });
}

describe('admin endpoints', () => {
  const admin = new FakeAdmin();
  let on: TestServer;
  let off: TestServer;
  let baseOn = '';
  let baseOff = '';
  before(async () => {
    on = await serve(true, admin);
    off = await serve(false, admin);
    baseOn = on.base;
    baseOff = off.base;
  });
  after(async () => {
    await on.close();
    await off.close();
  });

  it('snapshots, answering the directory name', async () => {
    const res = await fetch(`${baseOn}/api/v1/admin/tsdb/snapshot?skip_head=true`, {
      method: 'POST',
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      status: 'success',
      data: { name: '20260101T000000Z-0123456789abcdef' },
    });
    const put = await fetch(`${baseOn}/api/v1/admin/tsdb/snapshot`, { method: 'PUT' });
    assert.equal(put.status, 200);
    await put.body?.cancel();
    assert.deepEqual(admin.calls.splice(0), ['snapshot skipHead=true', 'snapshot skipHead=false']);
  });

  it('deletes series per match[] within the time range', async () => {
    const res = await fetch(
      `${baseOn}/api/v1/admin/tsdb/delete_series?match[]=up{job="a"}&match[]={x="y"}&start=10&end=20`,
      { method: 'POST' },
    );
    assert.equal(res.status, 204);
    assert.deepEqual(admin.calls.splice(0), [
      'delete 10000 20000 job="a",__name__="up"',
      'delete 10000 20000 x="y"',
    ]);
    const none = await fetch(`${baseOn}/api/v1/admin/tsdb/delete_series`, { method: 'POST' });
    assert.equal(none.status, 400);
    assert.match(
      ((await none.json()) as { error: string }).error,
      /no match\[\] parameter provided/,
    );
  });

  it('cleans tombstones and compacts with 204', async () => {
    for (const op of ['clean_tombstones', 'compact', 'compact?flush_head=1']) {
      const res = await fetch(`${baseOn}/api/v1/admin/tsdb/${op}`, { method: 'POST' });
      assert.equal(res.status, 204);
    }
    assert.deepEqual(admin.calls.splice(0), [
      'clean',
      'compact flushHead=false',
      'compact flushHead=true',
    ]);
  });

  it('answers 503 when the admin API is disabled', async () => {
    const res = await fetch(`${baseOff}/api/v1/admin/tsdb/compact`, { method: 'POST' });
    assert.equal(res.status, 503);
    assert.match(((await res.json()) as { error: string }).error, /--web\.enable-admin-api/);
    assert.deepEqual(admin.calls, []);
  });

  it('answers 405 to GET', async () => {
    const res = await fetch(`${baseOn}/api/v1/admin/tsdb/snapshot`);
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'POST, PUT');
    await res.body?.cancel();
  });
});
