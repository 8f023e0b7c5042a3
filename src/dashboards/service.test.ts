import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemMetaStore } from '../meta/index.js';
import {
  DashboardConflictError,
  DashboardNotFoundError,
  DashboardReadOnlyError,
  DashboardValidationError,
} from './errors.js';
import { DashboardService } from './service.js';

function svc(): DashboardService {
  return new DashboardService(new MemMetaStore());
}

const panel = {
  type: 'timeseries',
  title: 'Up',
  gridPos: { x: 0, y: 0, w: 12, h: 8 },
  targets: [{ refId: 'A', expr: 'up' }],
};

describe('DashboardService', () => {
  it('creates with a generated uid, lists, gets and updates with version checks', async () => {
    const s = svc();
    const c = await s.create({ dashboard: { title: 'Home', panels: [panel], tags: ['a'] } });
    assert.match(c.dashboard.uid, /^[A-Za-z0-9]{14}$/);
    assert.equal(c.meta.version, 1);
    assert.equal(c.dashboard.version, 1);
    const list = await s.list();
    assert.deepEqual(
      list.map((d) => [d.title, d.version, d.provisioned, d.tags]),
      [['Home', 1, false, ['a']]],
    );
    assert.equal((await s.list({ query: 'hom' })).length, 1);
    assert.equal((await s.list({ query: 'x' })).length, 0);
    assert.equal((await s.list({ tags: ['b'] })).length, 0);
    const uid = c.dashboard.uid;
    const u = await s.update(
      uid,
      { dashboard: { ...c.dashboard, title: 'Home 2' }, message: 'rename' },
      'alice',
    );
    assert.equal(u.meta.version, 2);
    await assert.rejects(
      s.update(uid, { dashboard: { ...c.dashboard, title: 'stale' } }),
      (e: unknown) =>
        e instanceof DashboardConflictError &&
        e.reason === 'version-mismatch' &&
        /you edited version 1, the stored version is 2/.test(e.message),
    );
    const versions = await s.versions(uid);
    assert.equal(versions[0]?.author, 'alice');
    assert.equal(versions[1]?.author, '');
    assert.deepEqual(
      versions.map((v) => [v.version, v.message]),
      [
        [2, 'rename'],
        [1, ''],
      ],
    );
    const r = await s.restore(uid, 1);
    assert.equal(r.meta.version, 3);
    assert.equal(r.dashboard.title, 'Home');
    assert.equal((await s.versions(uid))[0]?.restoredFrom, 1);
    assert.equal((await s.version(uid, 2)).dashboard.title, 'Home 2');
  });

  it('reports validation errors with their path', async () => {
    const s = svc();
    const bad = async (dashboard: unknown, path: string): Promise<void> => {
      await assert.rejects(
        s.create({ dashboard }),
        (e: unknown) => e instanceof DashboardValidationError && e.path === path,
      );
    };
    await bad({}, 'dashboard.title');
    await bad({ title: 'x', panels: {} }, 'dashboard.panels');
    await bad(
      { title: 'x', panels: [{ ...panel, gridPos: { x: 0, y: 0, w: 30, h: 2 } }] },
      'dashboard.panels[0].gridPos.w',
    );
    await bad(
      { title: 'x', panels: [{ ...panel, targets: [{ expr: 1 }] }] },
      'dashboard.panels[0].targets[0].expr',
    );
    await bad({ title: 'x', uid: 'a/b' }, 'dashboard.uid');
    await bad(
      {
        title: 'x',
        templating: {
          list: [
            { name: 'a', type: 'custom' },
            { name: 'a', type: 'custom' },
          ],
        },
      },
      'dashboard.templating.list[1].name',
    );
    await assert.rejects(
      s.create({}),
      (e: unknown) => e instanceof DashboardValidationError && e.path === 'dashboard',
    );
  });

  it('duplicates, deletes with history, and refuses a duplicate uid', async () => {
    const s = svc();
    const c = await s.create({ dashboard: { uid: 'abc', title: 'A' } });
    await assert.rejects(
      s.create({ dashboard: { uid: 'abc', title: 'B' } }),
      DashboardConflictError,
    );
    const d = await s.duplicate('abc', {});
    assert.equal(d.dashboard.title, 'A (copy)');
    assert.notEqual(d.dashboard.uid, 'abc');
    await s.delete(c.dashboard.uid);
    await assert.rejects(s.get('abc'), DashboardNotFoundError);
    await assert.rejects(s.versions('abc'), DashboardNotFoundError);
    const again = await s.create({ dashboard: { uid: 'abc', title: 'A' } });
    assert.equal(again.meta.version, 1);
    assert.equal((await s.versions('abc')).length, 1);
  });

  it('keeps folders and refuses unknown or non-empty ones', async () => {
    const s = svc();
    const f = await s.folders.create({ title: 'Team' });
    await assert.rejects(s.folders.create({ title: 'team' }), DashboardConflictError);
    await assert.rejects(
      s.create({ dashboard: { title: 'x' }, folder: 'nope' }),
      (e: unknown) => e instanceof DashboardValidationError && e.path === 'folder',
    );
    await s.create({ dashboard: { title: 'x' }, folder: f.uid });
    await s.create({ dashboard: { title: 'y' } });
    assert.deepEqual(
      (await s.list({ folder: f.uid })).map((d) => d.title),
      ['x'],
    );
    assert.deepEqual(
      (await s.list({ folder: 'general' })).map((d) => d.title),
      ['y'],
    );
    await assert.rejects(s.deleteFolder(f.uid), DashboardConflictError);
  });

  it('imports old Grafana JSON, with dry run and overwrite', async () => {
    const s = svc();
    const grafana = {
      uid: 'old',
      title: 'Old',
      schemaVersion: 14,
      rows: [{ title: 'R', panels: [{ type: 'singlestat', span: 6, targets: [{ expr: 'up' }] }] }],
    };
    const dry = await s.import({ dashboard: grafana, dryRun: true });
    assert.equal(dry.version, undefined);
    await assert.rejects(s.get('old'), DashboardNotFoundError);
    const r = await s.import({ dashboard: grafana });
    assert.equal(r.version, 1);
    assert.equal(r.dashboard.panels[0]?.type, 'stat');
    await assert.rejects(s.import({ dashboard: grafana }), DashboardConflictError);
    assert.equal((await s.import({ dashboard: grafana, overwrite: true })).version, 2);
    const exported = await s.export('old');
    assert.deepEqual(
      (exported['__inputs'] as { name: string }[]).map((i) => i.name),
      ['DS_PROMETHEUS'],
    );
  });

  it('makes provisioned dashboards read-only without write-back', async () => {
    const s = svc();
    assert.equal(await s.provision({ ...(await base()), uid: 'p1' }, '', 'a.json'), true);
    assert.equal(await s.provision({ ...(await base()), uid: 'p1' }, '', 'a.json'), false);
    const got = await s.get('p1');
    assert.equal(got.meta.provisioned, true);
    assert.equal(got.meta.editable, false);
    await assert.rejects(s.update('p1', { dashboard: got.dashboard }), DashboardReadOnlyError);
    await assert.rejects(s.delete('p1'), DashboardReadOnlyError);
    const written: string[] = [];
    s.setWriteBack({
      write: (file) => {
        written.push(file);
        return Promise.resolve();
      },
    });
    const u = await s.update('p1', { dashboard: { ...got.dashboard, title: 'Edited' } });
    assert.equal(u.meta.version, 2);
    assert.deepEqual(written, ['a.json']);
  });
});

async function base(): Promise<import('./model.js').Dashboard> {
  const { validateDashboard } = await import('./validate.js');
  return validateDashboard({ title: 'P', panels: [panel] });
}
