import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseUiFlags } from './ui-dashboard.js';

describe('UI benchmark flags', () => {
  it('defaults to the benchmark data set (50,000 series x 2 h)', () => {
    const o = parseUiFlags(['--only=ui']);
    assert.deepEqual(
      { series: o.series, hours: o.hours, loads: o.loads },
      { series: 50_000, hours: 2, loads: 5 },
    );
  });

  it('--quick is 5,000 series x 1 h; explicit sizes win', () => {
    const q = parseUiFlags(['--only=ui', '--quick']);
    assert.deepEqual({ series: q.series, hours: q.hours }, { series: 5000, hours: 1 });
    const o = parseUiFlags(['--only=ui', '--quick', '--series=20000', '--hours=0.5', '--loads=3']);
    assert.deepEqual(
      { series: o.series, hours: o.hours, loads: o.loads },
      { series: 20_000, hours: 0.5, loads: 3 },
    );
  });

  it('rejects unknown flags and non-positive numbers', () => {
    assert.throws(() => parseUiFlags(['--only=ui', '--servers=kansoku']), /unknown flag --servers/);
    assert.throws(() => parseUiFlags(['--only=ui', '--series=0']), /--series must be a positive/);
  });
});
