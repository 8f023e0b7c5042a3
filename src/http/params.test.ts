import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadParamError, parseBoolParam, parseDurationParam, parseTimeParam } from './params.js';

describe('parseTimeParam', () => {
  it('parses Unix seconds with fractions', () => {
    assert.equal(parseTimeParam('1435781451.781', 'time', 0), 1435781451781);
    assert.equal(parseTimeParam('1435781451', 'time', 0), 1435781451000);
    assert.equal(parseTimeParam('1e3', 'time', 0), 1_000_000);
    assert.equal(parseTimeParam('-1.5', 'time', 0), -1500);
  });
  it('parses RFC 3339', () => {
    assert.equal(parseTimeParam('2015-07-01T20:10:51.781Z', 'time', 0), 1435781451781);
    assert.equal(parseTimeParam('2015-07-01T22:10:51+02:00', 'time', 0), 1435781451000);
  });
  it('uses the fallback for absent values', () => {
    assert.equal(parseTimeParam(null, 'time', 42), 42);
    assert.equal(parseTimeParam('', 'time', 42), 42);
  });
  it('rejects other text, naming the parameter', () => {
    for (const v of ['abc', '2015-07-01', 'NaN', '1h']) {
      assert.throws(
        () => parseTimeParam(v, 'start', 0),
        (e: unknown) =>
          e instanceof BadParamError &&
          e.message === `invalid parameter "start": cannot parse "${v}" to a valid timestamp`,
      );
    }
  });
});

describe('parseDurationParam', () => {
  it('parses float seconds and Prometheus durations', () => {
    assert.equal(parseDurationParam('15', 'step'), 15_000);
    assert.equal(parseDurationParam('0.5', 'step'), 500);
    assert.equal(parseDurationParam('1m30s', 'step'), 90_000);
  });
  it('rejects invalid durations', () => {
    assert.throws(
      () => parseDurationParam('1x', 'step'),
      /invalid parameter "step": cannot parse "1x" to a valid duration/,
    );
    assert.throws(() => parseDurationParam('1e300', 'step'), /overflows int64/);
  });
});

describe('parseBoolParam', () => {
  it('parses Go booleans', () => {
    assert.equal(parseBoolParam('true', 'x', false), true);
    assert.equal(parseBoolParam('1', 'x', false), true);
    assert.equal(parseBoolParam('F', 'x', true), false);
    assert.equal(parseBoolParam(null, 'x', true), true);
    assert.throws(() => parseBoolParam('yes', 'skip_head', false), /invalid parameter "skip_head"/);
  });
});
