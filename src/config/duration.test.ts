import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DurationError,
  formatBytes,
  formatDuration,
  parseBytes,
  parseDuration,
} from './duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('parseDuration', () => {
  const good: [string, number][] = [
    ['0', 0],
    ['0s', 0],
    ['250ms', 250],
    ['30s', 30 * S],
    ['5m', 5 * M],
    ['1h30m', H + 30 * M],
    ['15d', 15 * D],
    ['2w', 14 * D],
    ['1y', 365 * D],
    ['1y2w3d4h5m6s7ms', 365 * D + 14 * D + 3 * D + 4 * H + 5 * M + 6 * S + 7],
    ['90m', 90 * M],
  ];
  for (const [s, ms] of good)
    it(`parses ${s}`, () => {
      assert.equal(parseDuration(s), ms);
    });

  const bad = ['', '1', '1.5h', '-5m', '5M', '1m1h', '1h1h', 'abc', '5 m', '1d ', 'ms', '5mss'];
  for (const s of bad) {
    it(`rejects ${JSON.stringify(s)}`, () => {
      assert.throws(() => parseDuration(s), DurationError);
    });
  }
});

describe('formatDuration', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [250, '250ms'],
    [5 * M, '5m'],
    [H + 30 * M, '1h30m'],
    [15 * D, '15d'],
    [14 * D, '2w'],
    [365 * D, '1y'],
    [366 * D, '366d'],
    [D + 500, '1d500ms'],
  ];
  for (const [ms, s] of cases)
    it(`formats ${ms} as ${s}`, () => {
      assert.equal(formatDuration(ms), s);
    });

  it('round-trips', () => {
    for (const ms of [1, 999, 61_000, 3 * D + 7, 52 * 7 * D]) {
      assert.equal(parseDuration(formatDuration(ms)), ms);
    }
  });
});

describe('parseBytes', () => {
  const good: [string, number][] = [
    ['0', 0],
    ['1B', 1],
    ['512MB', 512 * 1024 ** 2],
    ['1KB', 1024],
    ['1KiB', 1024],
    ['2GB', 2 * 1024 ** 3],
    ['1TB', 1024 ** 4],
    ['1PB', 1024 ** 5],
    ['1EB', 1024 ** 6],
    ['1.5GB', 1.5 * 1024 ** 3],
    ['1GB512MB', 1024 ** 3 + 512 * 1024 ** 2],
    ['10mb', 10 * 1024 ** 2],
  ];
  for (const [s, n] of good)
    it(`parses ${s}`, () => {
      assert.equal(parseBytes(s), n);
    });

  const bad = ['', '512', 'MB', '5XB', '-1MB', '1 MB', '1MB '];
  for (const s of bad) {
    it(`rejects ${JSON.stringify(s)}`, () => {
      assert.throws(() => parseBytes(s), DurationError);
    });
  }

  it('names the valid units in the error', () => {
    assert.throws(() => parseBytes('5XB'), /unknown unit "XB" \(use B, KB, MB, GB, TB, PB, EB\)/);
  });
});

describe('formatBytes', () => {
  it('uses the largest exact unit', () => {
    assert.equal(formatBytes(0), '0B');
    assert.equal(formatBytes(512 * 1024 ** 2), '512MB');
    assert.equal(formatBytes(1536), '1536B');
    assert.equal(formatBytes(1024 ** 3), '1GB');
    assert.equal(formatBytes(1000), '1000B');
  });
});
