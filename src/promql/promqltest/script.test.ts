import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STALE_NAN, isStaleNaN } from '../../model/index.js';
import { almostEqual } from './compare.js';
import { parseScript } from './script.js';
import { expandValues, parseDuration, parseSeriesDesc } from './series.js';

function floats(text: string): (number | string)[] {
  return expandValues(text).map((s) => (s.kind === 'float' ? s.v : s.kind));
}

describe('series notation', () => {
  it('expands repeats, steps, gaps and stale markers', () => {
    assert.deepEqual(floats('0+10x3'), [0, 10, 20, 30]);
    assert.deepEqual(floats('-2+4x3'), [-2, 2, 6, 10]);
    assert.deepEqual(floats('1-2x4'), [1, -1, -3, -5, -7]);
    assert.deepEqual(floats('1 _ 3 _x3 stale 7'), [
      1,
      'none',
      3,
      'none',
      'none',
      'none',
      'stale',
      7,
    ]);
    assert.deepEqual(floats('5x2'), [5, 5, 5]);
    assert.deepEqual(floats('.2 1e0 +Inf -inf'), [0.2, 1, Infinity, -Infinity]);
    assert.ok(Number.isNaN(floats('NaN')[0]));
  });

  it('keeps histogram literals with spaces together', () => {
    const slots = expandValues('{{schema:0 sum:5 count:4 buckets:[1 2 1]}}x2 3');
    assert.equal(slots.length, 4);
    assert.equal(slots[0]!.kind, 'histogram');
    assert.equal(slots[3]!.kind, 'float');
  });

  it('parses series descriptions', () => {
    const d = parseSeriesDesc('http_requests{job="api-server", instance="0"} 0+10x10');
    assert.equal(d.labels.toString(), 'http_requests{instance="0", job="api-server"}');
    assert.equal(d.rest, '0+10x10');
    assert.equal(parseSeriesDesc('{} 2').labels.size, 0);
    assert.equal(parseSeriesDesc('{__name__="x", a=\'b\'} 1').labels.toString(), 'x{a="b"}');
    assert.equal(parseSeriesDesc('{"utf8.metric", "a b"="c\\n"} 1').labels.get('a b'), 'c\n');
  });

  it('parses durations', () => {
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('10s53ms'), 10_053);
    assert.equal(parseDuration('0'), 0);
    assert.equal(parseDuration('1d'), 86_400_000);
  });
});

describe('script parser', () => {
  it('reads load, eval and expectations; comments end blocks', () => {
    const cmds = parseScript(`
load 5m
  foo{a="1"} 1 2 3
  # comment ends the block
eval instant at 10m foo
  expect warn msg: PromQL warning: x (1:1)
  expect no_info
  foo{a="1"} 3

eval range from 0 to 10m step 5m foo
  foo{a="1"} 1 2 3

eval instant at 0 1+1
  2

eval_fail instant at 0 foo

clear
`);
    assert.deepEqual(
      cmds.map((c) => c.kind),
      ['load', 'eval', 'eval', 'eval', 'eval', 'clear'],
    );
    const e = cmds[1]!;
    assert.ok(e.kind === 'eval');
    assert.equal(e.start, 600_000);
    assert.equal(e.warns[0]!.msg, 'PromQL warning: x (1:1)');
    assert.equal(e.noInfo, true);
    assert.equal(e.series.length, 1);
    const s = cmds[3]!;
    assert.ok(s.kind === 'eval' && s.expectScalar === 2);
    const f = cmds[4]!;
    assert.ok(f.kind === 'eval' && f.fail !== undefined);
  });

  it('rejects unknown commands with the line number', () => {
    assert.throws(() => parseScript('bogus 1'), /line 1: invalid command/);
  });
});

describe('float comparison', () => {
  it('uses a relative tolerance and treats stale NaN specially', () => {
    assert.ok(almostEqual(1, 1 + 1e-9));
    assert.ok(!almostEqual(1, 1.001));
    assert.ok(almostEqual(NaN, NaN));
    assert.ok(!almostEqual(NaN, STALE_NAN));
    assert.ok(isStaleNaN(STALE_NAN));
    assert.ok(!almostEqual(0, 1e-300));
  });
});
