import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSharedView } from '../../ui/src/public/sharedview.js';

describe('the public page reads the shared view', () => {
  it('maps the server answer to a layout with labels and annotations', () => {
    const v = parseSharedView({
      kind: 'dashboard',
      title: 'Service',
      time: { from: 'now-1h', to: 'now' },
      timezone: '',
      refresh: '',
      panels: [{ id: 1, type: 'stat', title: 'Up' }, 'junk', { id: 2 }],
      annotations: { list: [{ name: 'deploys', expr: 'x' }] },
      variables: [{ name: 'job', label: 'Job', value: 'api' }, { name: 'env' }],
      withheld: 2,
    });
    assert.equal(v.title, 'Service');
    assert.deepEqual(v.time, { from: 'now-1h', to: 'now' });
    assert.equal(v.timezone, 'browser');
    assert.deepEqual(
      v.panels.map((p) => [p.id, p.type]),
      [
        [1, 'stat'],
        [2, 'unknown'],
      ],
    );
    assert.deepEqual(v.labels, { job: 'Job', env: 'env' });
    assert.deepEqual(v.annotations, { list: [{ name: 'deploys', expr: 'x' }] });
    assert.equal(v.withheld, 2);
  });

  it('refuses answers without panels', () => {
    assert.throws(() => parseSharedView({ title: 'x' }), /cannot read the shared dashboard/);
    assert.throws(() => parseSharedView(null), /cannot read the shared dashboard/);
  });
});
