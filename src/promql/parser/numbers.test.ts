import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, parseDuration } from './index.js';
import {
  formatFloat,
  formatFloatF6,
  formatFloatG,
  NumberSyntaxError,
  parseNumber,
} from './numbers.js';

describe('parseDuration / formatDuration', () => {
  it('parses Prometheus durations to milliseconds', () => {
    const cases: [string, number][] = [
      ['0', 0],
      ['0s', 0],
      ['5m', 300_000],
      ['1h30m', 5_400_000],
      ['10s53ms', 10_053],
      ['1y', 365 * 86_400_000],
      ['2w', 14 * 86_400_000],
      [
        '1y2w3d4h5m6s7ms',
        31_536_000_000 + 1_209_600_000 + 259_200_000 + 14_400_000 + 300_000 + 6_000 + 7,
      ],
    ];
    for (const [s, ms] of cases) assert.equal(parseDuration(s), ms, s);
  });

  it('rejects malformed durations with Prometheus messages', () => {
    const cases: [string, string][] = [
      ['', 'empty duration string'],
      ['5', 'not a valid duration string: "5"'],
      ['5m1h', 'not a valid duration string: "5m1h"'],
      ['5m5m', 'not a valid duration string: "5m5m"'],
      ['-5m', 'not a valid duration string: "-5m"'],
      ['1.5h', 'unknown unit "." in duration "1.5h"'],
      ['5y1hs', 'unknown unit "hs" in duration "5y1hs"'],
      ['300y', 'duration out of range'],
    ];
    for (const [s, msg] of cases)
      assert.throws(() => parseDuration(s), new NumberSyntaxError(msg), s);
  });

  it('formats like Prometheus, with years and weeks only when exact', () => {
    const cases: [number, string][] = [
      [0, '0s'],
      [1, '1ms'],
      [90_000, '1m30s'],
      [86_400_000 * 90, '90d'],
      [86_400_000 * 14, '2w'],
      [86_400_000 * 365, '1y'],
      [86_400_000 * 366, '366d'],
      [-300_000, '-5m'],
      [1.9, '1ms'],
    ];
    for (const [ms, s] of cases) assert.equal(formatDuration(ms), s, String(ms));
  });

  it('round-trips', () => {
    for (const ms of [1, 999, 1000, 61_001, 3_600_000, 86_400_000 * 7, 123_456_789_012]) {
      assert.equal(parseDuration(formatDuration(ms)), ms);
    }
  });
});

describe('numbers', () => {
  it('parses number literals like Go', () => {
    const cases: [string, number][] = [
      ['0', 0],
      ['42', 42],
      ['0755', 493],
      ['089', 89],
      ['0x1F', 31],
      ['0x_1f', 31],
      ['1_000', 1000],
      ['1_000.25', 1000.25],
      ['1e-3', 0.001],
      ['.5', 0.5],
      ['5.', 5],
      ['Inf', Infinity],
      ['99999999999999999999', 1e20],
    ];
    for (const [s, v] of cases) assert.equal(parseNumber(s), v, s);
    assert.ok(Number.isNaN(parseNumber('NaN')));
    assert.throws(() => parseNumber('1e400'), /value out of range/);
  });

  it('formats floats like Go', () => {
    const f: [number, string][] = [
      [1, '1'],
      [-0, '-0'],
      [0.1, '0.1'],
      [1e21, '1000000000000000000000'],
      [1.5e-7, '0.00000015'],
      [NaN, 'NaN'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
    ];
    for (const [v, s] of f) assert.equal(formatFloat(v), s);
    const g: [number, string][] = [
      [1e6, '1e+06'],
      [123456, '123456'],
      [1234567, '1.234567e+06'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [1e100, '1e+100'],
    ];
    for (const [v, s] of g) assert.equal(formatFloatG(v), s);
    assert.equal(formatFloatF6(1.5), '1.500000');
    assert.equal(formatFloatF6(-Infinity), '-Inf');
    assert.equal(formatFloatF6(1e22), '10000000000000000000000.000000');
  });
});
