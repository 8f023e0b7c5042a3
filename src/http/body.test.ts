import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { gunzipBody } from './body.js';
import { HttpError } from './errors.js';

describe('gunzipBody', () => {
  it('returns the decompressed body within the limit', async () => {
    const out = await gunzipBody(gzipSync(Buffer.from('m 1\n')), 100, 'x.max');
    assert.equal(out.toString(), 'm 1\n');
  });

  it('refuses a decompression bomb with 413 naming the setting', async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, 'a'), { level: 9 });
    assert.ok(bomb.length < 64 * 1024);
    await assert.rejects(gunzipBody(bomb, 1024 * 1024, 'web.remote-write.max-body-size'), (e) => {
      assert.ok(e instanceof HttpError);
      assert.equal(e.status, 413);
      assert.match(e.message, /raise --web\.remote-write\.max-body-size/);
      return true;
    });
  });

  it('answers 400 for data that is not gzip', async () => {
    await assert.rejects(gunzipBody(Buffer.from('not gzip'), 100, 'x'), (e) => {
      assert.ok(e instanceof HttpError);
      assert.equal(e.status, 400);
      return true;
    });
  });
});
