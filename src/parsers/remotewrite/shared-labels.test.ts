import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WriteRequestDecoder } from './decode.js';
import { encodeWriteRequest } from './encode.js';
import { WriteRequestRows } from './rows.js';

function request(series: [string, string][][]): Uint8Array {
  const rows = new WriteRequestRows();
  for (const labels of series) {
    rows.beginSeries();
    for (const [n, v] of labels) rows.addLabel(n, v);
    rows.addSample(1000, 1);
    rows.endSeries();
  }
  return encodeWriteRequest(rows);
}

describe('stableSeriesLabels', () => {
  it('hands out the label-run cache array, the same one for every request', () => {
    const body = request([
      [
        ['__name__', 'up'],
        ['job', 'a'],
      ],
      [
        ['__name__', 'up'],
        ['job', 'b'],
      ],
    ]);
    const d = new WriteRequestDecoder();
    const first = d.decode(body, new WriteRequestRows());
    const second = d.decode(body, new WriteRequestRows());
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(first.stableSeriesLabels(i), first.seriesLabels(i));
      assert.equal(first.stableSeriesLabels(i), second.stableSeriesLabels(i));
    }
    assert.deepEqual(second.stableSeriesLabels(1), ['__name__', 'up', 'job', 'b']);
  });

  it('copies when the cache is off', () => {
    const body = request([[['__name__', 'up']]]);
    const d = new WriteRequestDecoder({ labelRunCacheEntries: 0 });
    const a = d.decode(body, new WriteRequestRows());
    const b = d.decode(body, new WriteRequestRows());
    assert.deepEqual(a.stableSeriesLabels(0), ['__name__', 'up']);
    assert.notEqual(a.stableSeriesLabels(0), b.stableSeriesLabels(0));
  });
});
