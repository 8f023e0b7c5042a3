import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidSeriesError, validatedLabels } from './validate.js';
import { SeriesCache } from './series-cache.js';
import { Labels } from '../../model/index.js';

function check(flat: string[]): Labels {
  return validatedLabels(flat, 0, flat.length / 2, 7);
}

describe('validatedLabels', () => {
  it('sorts labels and drops empty values', () => {
    const l = check(['job', 'a', '__name__', 'up', 'empty', '', 'instance', 'x']);
    assert.deepEqual(l.flat, ['__name__', 'up', 'instance', 'x', 'job', 'a']);
  });

  it('accepts UTF-8 label names', () => {
    assert.equal(check(['__name__', 'up', 'température', 'x']).get('température'), 'x');
  });

  it('validates only the given range', () => {
    const flat = ['', 'bad', '__name__', 'a', 'x', '1'];
    assert.deepEqual(validatedLabels(flat, 1, 3, 0).flat, ['__name__', 'a', 'x', '1']);
  });

  const bad: [string, string[], RegExp][] = [
    [
      'an empty name',
      ['__name__', 'up', '', 'v'],
      /timeseries\[7\]\.labels\[1\]\.name: label name is empty/,
    ],
    [
      'a duplicate name',
      ['__name__', 'up', 'job', 'a', 'job', 'b'],
      /timeseries\[7\]\.labels\[2\]\.name: duplicate label name "job"/,
    ],
    ['no metric name', ['job', 'a'], /timeseries\[7\]\.labels: series has no metric name/],
    ['an empty metric name', ['__name__', '', 'job', 'a'], /has no metric name/],
  ];
  for (const [what, flat, re] of bad) {
    it(`rejects ${what}`, () => {
      assert.throws(
        () => check(flat),
        (e: unknown) => e instanceof InvalidSeriesError && re.test(e.message),
      );
    });
  }
});

describe('SeriesCache', () => {
  it('keeps recent entries within capacity', () => {
    const c = new SeriesCache(4);
    const l = Labels.fromRecord({ __name__: 'x' });
    for (let i = 0; i < 10; i++) c.set(`k${i}`, { labels: l, ref: i + 1 });
    assert.ok(c.size <= 4);
    assert.equal(c.get('k9')?.ref, 10);
    assert.equal(c.get('k8')?.ref, 9);
    assert.equal(c.get('k0'), undefined);
  });

  it('promotes hits from the previous generation', () => {
    const c = new SeriesCache(4);
    const l = Labels.fromRecord({ __name__: 'x' });
    c.set('a', { labels: l, ref: 1 });
    c.set('b', { labels: l, ref: 2 });
    c.set('c', { labels: l, ref: 3 }); // rotates: a, b are the previous generation
    assert.equal(c.get('a')?.ref, 1); // promoted
    c.set('d', { labels: l, ref: 4 }); // rotates again: b is dropped, a survives
    assert.equal(c.get('a')?.ref, 1);
    assert.equal(c.get('b'), undefined);
    c.clear();
    assert.equal(c.size, 0);
  });
});
