import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Router } from '../router.js';
import { addUiRoutes } from './index.js';

describe('addUiRoutes', () => {
  let tmp = '';
  const router = new Router();

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'kansoku-ui-routes-'));
    await mkdir(path.join(tmp, 'assets'));
    await writeFile(path.join(tmp, 'index.html'), '<div id="root"></div>');
    await writeFile(path.join(tmp, 'assets', 'a-1.js'), 'x');
    addUiRoutes(router, tmp);
  });

  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('routes the client pages, the assets and the icon', () => {
    for (const p of ['/', '/explore', '/browse', '/targets', '/status', '/assets/a-1.js']) {
      const m = router.match('GET', p);
      assert.equal(m.kind, 'found', p);
    }
    assert.equal(router.match('HEAD', '/favicon.svg').kind, 'found');
    assert.equal(router.match('POST', '/explore').kind, 'method-not-allowed');
    assert.equal(router.match('GET', '/assets/a/b.js').kind, 'not-found');
    assert.equal(router.match('GET', '/api/v1/query').kind, 'not-found');
  });
});
