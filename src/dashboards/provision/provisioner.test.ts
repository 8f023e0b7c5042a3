import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MemMetaStore } from '../../meta/index.js';
import { Logger } from '../../util/index.js';
import { DashboardReadOnlyError } from '../errors.js';
import { DashboardService } from '../service.js';
import { safePath } from './files.js';
import { DashboardProvisioner, defaultProvisionerOptions } from './provisioner.js';

const json = (title: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    title,
    schemaVersion: 39,
    panels: [
      { type: 'stat', gridPos: { x: 0, y: 0, w: 6, h: 4 }, targets: [{ expr: 'up', refId: 'A' }] },
    ],
    ...extra,
  });

describe('DashboardProvisioner', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kansoku-prov-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads files and folders, follows changes and removals, keeps broken files last version', async () => {
    const d = path.join(dir, 'a');
    await mkdir(path.join(d, 'team'), { recursive: true });
    await writeFile(path.join(d, 'home.json'), json('Home', { uid: 'home' }));
    await writeFile(path.join(d, 'team', 'app.json'), json('App'));
    await writeFile(path.join(d, 'notes.txt'), 'ignored');
    const svc = new DashboardService(new MemMetaStore());
    const p = new DashboardProvisioner(
      svc,
      { ...defaultProvisionerOptions(d), rescanIntervalMs: 0 },
      Logger.nop(),
    );
    const r = await p.start();
    try {
      assert.deepEqual([r.loaded, r.removed, r.errors.length], [2, 0, 0]);
      const list = await svc.list();
      assert.deepEqual(
        list.map((x) => [x.uid, x.title, x.provisioned]),
        [
          ['team-app', 'App', true],
          ['home', 'Home', true],
        ],
      );
      const folders = await svc.folders.list();
      assert.deepEqual(
        folders.map((f) => [f.title, f.provisioned]),
        [['team', true]],
      );
      assert.equal(list[0]?.folder, folders[0]?.uid);
      const home = await svc.get('home');
      assert.equal(home.meta.file, 'home.json');
      await assert.rejects(
        svc.update('home', { dashboard: home.dashboard }),
        DashboardReadOnlyError,
      );

      assert.equal((await p.scan()).unchanged, 2);
      await writeFile(path.join(d, 'home.json'), json('Home 2', { uid: 'home' }));
      assert.equal((await p.scan()).loaded, 1);
      assert.equal((await svc.get('home')).meta.version, 2);

      await writeFile(path.join(d, 'home.json'), '{ broken');
      const broken = await p.scan();
      assert.equal(broken.errors.length, 1);
      assert.match(broken.errors[0]?.error ?? '', /invalid JSON/);
      assert.equal((await svc.get('home')).dashboard.title, 'Home 2');

      await unlink(path.join(d, 'home.json'));
      assert.equal((await p.scan()).removed, 1);
      assert.deepEqual(
        (await svc.list()).map((x) => x.uid),
        ['team-app'],
      );
    } finally {
      await p.stop();
    }
  });

  it('notices changes through the directory watch', async () => {
    const d = path.join(dir, 'w');
    await mkdir(d, { recursive: true });
    const svc = new DashboardService(new MemMetaStore());
    const p = new DashboardProvisioner(
      svc,
      { ...defaultProvisionerOptions(d), rescanIntervalMs: 0, debounceMs: 20 },
      Logger.nop(),
    );
    await p.start();
    try {
      await writeFile(path.join(d, 'x.json'), json('Watched', { uid: 'watched' }));
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline && (await svc.list()).length === 0)
        await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(
        (await svc.list()).map((x) => x.uid),
        ['watched'],
      );
    } finally {
      await p.stop();
    }
  });

  it('writes API edits back to the file as stable JSON', async () => {
    const d = path.join(dir, 'wb');
    await mkdir(d, { recursive: true });
    const file = path.join(d, 'old.json');
    await writeFile(
      file,
      JSON.stringify({
        uid: 'old',
        title: 'Old',
        rows: [{ panels: [{ type: 'graph', span: 12, targets: [{ expr: 'up' }] }] }],
      }),
    );
    const svc = new DashboardService(new MemMetaStore());
    const p = new DashboardProvisioner(
      svc,
      { ...defaultProvisionerOptions(d), writeBack: true, rescanIntervalMs: 0 },
      Logger.nop(),
    );
    await p.start();
    try {
      const got = await svc.get('old');
      assert.equal(got.meta.editable, true);
      await svc.update('old', {
        dashboard: { ...got.dashboard, title: 'Edited' },
        version: got.meta.version,
      });
      const text = await readFile(file, 'utf8');
      const written = JSON.parse(text) as Record<string, unknown>;
      assert.equal(written['title'], 'Edited');
      assert.equal(written['version'], undefined);
      assert.ok(text.endsWith('}\n'));
      assert.ok(text.indexOf('"panels"') < text.indexOf('"title"'), 'keys are sorted');
      assert.equal((await p.scan()).unchanged, 1, 'reading the written file back changes nothing');
      assert.equal((await svc.get('old')).meta.version, 2);
    } finally {
      await p.stop();
    }
  });

  it('keeps paths inside the directory', async () => {
    const d = path.join(dir, 'safe');
    await mkdir(d, { recursive: true });
    await writeFile(path.join(dir, 'outside.json'), json('Out'));
    await symlink(path.join(dir, 'outside.json'), path.join(d, 'link.json'));
    await assert.rejects(safePath(d, '../outside.json'), /outside --dashboards.dir/);
    await assert.rejects(safePath(d, '/etc/passwd'), /outside --dashboards.dir/);
    await assert.rejects(safePath(d, 'link.json'), /links outside --dashboards.dir/);
    assert.equal(
      await safePath(d, 'x/../y.json').catch((e: unknown) => String(e)),
      'Error: cannot use dashboard file "x/../y.json": it is outside --dashboards.dir',
    );
    const svc = new DashboardService(new MemMetaStore());
    const p = new DashboardProvisioner(
      svc,
      { ...defaultProvisionerOptions(d), rescanIntervalMs: 0 },
      Logger.nop(),
    );
    const r = await p.start();
    await p.stop();
    assert.equal(r.loaded, 0);
    assert.equal(r.errors.length, 1);
  });
});
