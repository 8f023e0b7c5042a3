import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExpr } from '../promql/parser/index.js';
import { readNames, readsAny } from './reads.js';

describe('readNames', () => {
  it('collects the metric names of every selector', () => {
    const r = readNames(
      parseExpr('sum(rate(a[5m])) / on() group_left b offset 1m + max_over_time(c[1h:1m])'),
    );
    assert.deepEqual(r === 'any' ? r : [...r].sort(), ['a', 'b', 'c']);
    assert.deepEqual(readNames(parseExpr('{__name__="x", job="j"}')), new Set(['x']));
    assert.deepEqual(readNames(parseExpr('1 + 2')), new Set());
  });

  it('reads any name when a selector has no fixed name', () => {
    assert.equal(readNames(parseExpr('count({job="j"})')), 'any');
    assert.equal(readNames(parseExpr('a + {__name__=~"b.*"}')), 'any');
    assert.equal(readNames(parseExpr('{__name__!="b", job="j"}')), 'any');
  });

  it('tells whether a read set meets written names', () => {
    assert.equal(readsAny(new Set(['a']), new Set(['a', 'b'])), true);
    assert.equal(readsAny(new Set(['c']), new Set(['a'])), false);
    assert.equal(readsAny('any', new Set(['a'])), true);
    assert.equal(readsAny('any', new Set()), false);
  });
});
