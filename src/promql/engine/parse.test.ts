import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadQueryError } from './errors.js';
import { parseQuery } from './parse.js';

describe('parseQuery', () => {
  it('hands out the same tree for a repeated text and mode', () => {
    const a = parseQuery('sum by (job)(rate(x_total[5m]))', false);
    assert.equal(parseQuery('sum by (job)(rate(x_total[5m]))', false), a);
    assert.equal(a.type, 'AggregateExpr');
  });

  it('keeps the experimental mode apart', () => {
    const text = 'rate(x_total[5m])';
    assert.notEqual(parseQuery(text, true), parseQuery(text, false));
  });

  it('fails a bad query every time', () => {
    for (let i = 0; i < 2; i++) assert.throws(() => parseQuery('sum(', false), BadQueryError);
  });

  it('still parses after many different texts', () => {
    for (let i = 0; i < 3000; i++) assert.equal(parseQuery(`x${i}`, false).type, 'VectorSelector');
    assert.equal(parseQuery('x0', false).type, 'VectorSelector');
  });
});
