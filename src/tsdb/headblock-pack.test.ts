import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels } from '../model/index.js';
import { packSeries, packedBuffers, unpackSeries, type SeriesEntry } from './headblock-pack.js';

describe('head block packing', () => {
  it('round-trips labels, chunk times and bytes, and copies the bytes', () => {
    const a = new Uint8Array([1, 0, 2, 9, 9]);
    const list: SeriesEntry[] = [
      {
        labels: Labels.fromSortedFlat(['__name__', 'up', 'job', 'node']),
        chunks: [
          { minT: 1, maxT: 5, data: a },
          { minT: 6, maxT: 9, data: new Uint8Array([1, 0, 1]) },
        ],
      },
      { labels: Labels.fromSortedFlat(['__name__', 'up', 'job', 'api']), chunks: [] },
      {
        labels: Labels.fromSortedFlat(['__name__', 'x']),
        chunks: [{ minT: -3, maxT: 2 ** 50, data: new Uint8Array([7]) }],
      },
    ];
    const packed = packSeries(list);
    assert.deepEqual(packed.symbols, ['__name__', 'up', 'job', 'node', 'api', 'x']);
    a[3] = 0;
    const back = unpackSeries(packed);
    assert.equal(back.length, 3);
    for (let i = 0; i < 3; i++) assert.ok(back[i]!.labels.equals(list[i]!.labels));
    assert.deepEqual(
      back.map((s) => s.chunks.map((c) => [c.minT, c.maxT, [...c.data]])),
      [
        [
          [1, 5, [1, 0, 2, 9, 9]],
          [6, 9, [1, 0, 1]],
        ],
        [],
        [[-3, 2 ** 50, [7]]],
      ],
    );
    // Every array has a buffer of its own to transfer.
    assert.equal(packedBuffers(packed).length, 6);
  });

  it('packs an empty list', () => {
    const back = unpackSeries(packSeries([]));
    assert.deepEqual(back, []);
  });
});
