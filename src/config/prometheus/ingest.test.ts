import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels, relabel } from '../../model/index.js';
import { parseIngestConfig } from './ingest.js';

describe('parseIngestConfig', () => {
  it('reads relabel_configs in Prometheus syntax', () => {
    const c = parseIngestConfig(`
relabel_configs:
  - source_labels: [__name__]
    regex: 'debug_.*'
    action: drop
  - target_label: source
    replacement: push
`);
    assert.equal(c.relabelConfigs.length, 2);
    const kept = relabel(Labels.fromRecord({ __name__: 'up', job: 'x' }), c.relabelConfigs);
    assert.deepEqual(kept?.toRecord(), { __name__: 'up', job: 'x', source: 'push' });
    assert.equal(relabel(Labels.fromRecord({ __name__: 'debug_x' }), c.relabelConfigs), undefined);
  });

  it('accepts an empty file', () => {
    assert.deepEqual(parseIngestConfig('').relabelConfigs, []);
  });

  it('rejects unknown keys and bad rules with the line', () => {
    assert.throws(
      () => parseIngestConfig('relabel_config: []\n'),
      /line 1: field relabel_config not found/,
    );
    assert.throws(
      () => parseIngestConfig('relabel_configs:\n  - action: nonsense\n'),
      /line 2: .*nonsense/,
    );
  });
});
