import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Labels, LimitError } from '../../model/index.js';
import { Head } from './index.js';

const L = (name: string, i: number): Labels => Labels.fromRecord({ __name__: name, i: String(i) });

describe('Head admitSeries', () => {
  it('asks before an appender creates a series, never for existing ones', async () => {
    const asked: string[] = [];
    const head = new Head({
      admitSeries: (labels, h) => {
        asked.push(labels.toString());
        return h.numSeries >= 2 || h.seriesWithName('x') >= 1
          ? new LimitError(
              'cannot create series: full; raise --storage.max-series',
              'storage.max-series',
            )
          : undefined;
      },
    });
    const app = head.appender();
    const ref = app.append(0, L('a', 1), 1000, 1);
    app.append(0, L('a', 2), 1000, 2);
    assert.throws(() => app.append(0, L('a', 3), 1000, 3), LimitError);
    // Existing series keep taking samples, by reference or by labels.
    app.append(ref, L('a', 1), 2000, 1);
    app.append(0, L('a', 2), 2000, 2);
    await app.commit();
    assert.equal(head.numSeries, 2);
    assert.equal(head.seriesWithName('a'), 2);
    assert.equal(head.seriesWithName('x'), 0);
    assert.equal(asked.length, 3);
  });

  it('WAL replay style creation is not asked', () => {
    const head = new Head({ admitSeries: () => new LimitError('no', 'storage.max-series') });
    const [s, created] = head.getOrCreate(L('a', 1), 7);
    assert.equal(created, true);
    assert.equal(s.ref, 7);
  });
});
