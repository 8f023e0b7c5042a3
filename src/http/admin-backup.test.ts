import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemStorage } from '../storage/index.js';
import { parseHave, type BackupRouteDeps } from './admin-backup.js';
import { BadParamError } from './params.js';
import { HttpError } from './errors.js';
import { startTestServer, type TestServer } from './testkit.js';

function serve(backup: BackupRouteDeps): Promise<TestServer> {
  return startTestServer(new MemStorage(), { backup });
}

describe('POST /api/kansoku/admin/backup', () => {
  const seen: ReadonlyMap<string, string>[] = [];
  let on: TestServer;
  let off: TestServer;
  let busy: TestServer;
  let broken: TestServer;
  before(async () => {
    on = await serve({
      enabled: true,
      prepare: (have) => {
        seen.push(have);
        return Promise.resolve(async (out) => {
          await new Promise<void>((r) =>
            out.write('tar bytes', () => {
              r();
            }),
          );
        });
      },
    });
    off = await serve({ enabled: false, prepare: () => Promise.reject(new Error('not called')) });
    busy = await serve({
      enabled: true,
      prepare: () => Promise.reject(new HttpError(409, 'unavailable', 'another backup is running')),
    });
    broken = await serve({
      enabled: true,
      prepare: () =>
        Promise.resolve(async (out) => {
          await new Promise<void>((r) =>
            out.write('half', () => {
              r();
            }),
          );
          throw new Error('disk gone');
        }),
    });
  });
  after(async () => {
    await Promise.all([on.close(), off.close(), busy.close(), broken.close()]);
  });

  it('streams the backup as tar and passes the blocks the caller has', async () => {
    const res = await fetch(`${on.base}/api/kansoku/admin/backup`, {
      method: 'POST',
      body: JSON.stringify({ have: [{ ulid: 'A', checksum: 'x' }] }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-tar');
    assert.equal(await res.text(), 'tar bytes');
    assert.deepEqual([...(seen.at(-1) ?? [])], [['A', 'x']]);
    const empty = await fetch(`${on.base}/api/kansoku/admin/backup`, { method: 'POST' });
    assert.equal(await empty.text(), 'tar bytes');
    assert.equal(seen.at(-1)?.size, 0);
    assert.equal((await fetch(`${on.base}/api/kansoku/admin/backup`)).status, 405);
  });

  it('answers 503 when disabled, 409 while busy and 400 for a bad body', async () => {
    const disabled = await fetch(`${off.base}/api/kansoku/admin/backup`, { method: 'POST' });
    assert.equal(disabled.status, 503);
    assert.match(await disabled.text(), /--web.enable-admin-api/);
    assert.equal(
      (await fetch(`${busy.base}/api/kansoku/admin/backup`, { method: 'POST' })).status,
      409,
    );
    const bad = await fetch(`${on.base}/api/kansoku/admin/backup`, {
      method: 'POST',
      body: '{"have":3}',
    });
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
  });

  it('cuts the stream short when sending fails', async () => {
    const res = await fetch(`${broken.base}/api/kansoku/admin/backup`, { method: 'POST' });
    assert.equal(res.status, 200);
    await assert.rejects(res.text());
  });

  it('parses the have list', () => {
    assert.equal(parseHave(Buffer.from('')).size, 0);
    assert.equal(parseHave(Buffer.from('{}')).size, 0);
    assert.throws(() => parseHave(Buffer.from('{')), BadParamError);
    assert.throws(() => parseHave(Buffer.from('{"have":[{"ulid":1}]}')), /ulid and checksum/);
  });
});
