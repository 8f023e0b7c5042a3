import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStaleNaN } from '../../model/index.js';
import { SeriesNotationError, expandValues, parseSeriesLabels } from './series.js';

function expand(s: string): string {
  const r = expandValues(s);
  return [...r.values]
    .map((v, i) => `${r.steps[i] ?? -1}:${isStaleNaN(v) ? 'stale' : String(v)}`)
    .join(' ');
}

describe('series notation', () => {
  it('expands like promtool', () => {
    assert.equal(expand('-2+4x3'), '0:-2 1:2 2:6 3:10');
    assert.equal(expand(' 1-2x4'), '0:1 1:-1 2:-3 3:-5 4:-7');
    assert.equal(expand('1x4'), '0:1 1:1 2:1 3:1 4:1');
    assert.equal(expand(' 1 _x3 stale'), '0:1 4:stale');
    assert.equal(expand('1 _ 3 Inf -Inf 1e3'), '0:1 2:3 3:Infinity 4:-Infinity 5:1000');
    assert.equal(expand('10+10x2 30+20x5'), '0:10 1:20 2:30 3:30 4:50 5:70 6:90 7:110 8:130');
    assert.equal(expand('0.1+0.1x2'), `0:0.1 1:0.2 2:${0.1 + 0.1 + 0.1}`);
  });

  it('rejects bad values and native histograms', () => {
    assert.throws(() => expandValues('1 a 2'), SeriesNotationError);
    assert.throws(() => expandValues('1+x3'), SeriesNotationError);
    assert.throws(() => expandValues('{{schema:1 sum:1 count:1}}'), /native histogram/);
  });

  it('parses series labels', () => {
    assert.equal(
      parseSeriesLabels('up{job="a", instance="b"}').toString(),
      'up{instance="b", job="a"}',
    );
    assert.equal(parseSeriesLabels('{}').size, 0);
    assert.throws(() => parseSeriesLabels('up{job=~"a"}'), SeriesNotationError);
  });
});
