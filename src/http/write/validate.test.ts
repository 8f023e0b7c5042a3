import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidSeriesError, validatedLabels } from './validate.js';
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
