import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matcher, MatcherError, STALE_NAN, isStaleNaN, sameFloatBits } from './index.js';

describe('Matcher', () => {
  const cases: [Matcher, string, boolean][] = [
    [new Matcher('=', 'a', 'x'), 'x', true],
    [new Matcher('=', 'a', 'x'), 'xy', false],
    [new Matcher('=', 'a', ''), '', true],
    [new Matcher('!=', 'a', 'x'), 'y', true],
    [new Matcher('!=', 'a', 'x'), 'x', false],
    [new Matcher('=~', 'a', 'x|y'), 'y', true],
    [new Matcher('=~', 'a', 'x'), 'xx', false],
    [new Matcher('=~', 'a', '.*'), '', true],
    [new Matcher('=~', 'a', '.+'), '', false],
    [new Matcher('=~', 'a', 'a.b'), 'a\nb', true],
    [new Matcher('=~', 'a', '(?i)abc'), 'ABC', true],
    [new Matcher('!~', 'a', 'x.*'), 'xyz', false],
    [new Matcher('!~', 'a', 'x.*'), 'yz', true],
  ];
  for (const [m, v, want] of cases) {
    it(`${m.toString()} on ${JSON.stringify(v)} is ${want}`, () => {
      assert.equal(m.matches(v), want);
    });
  }

  it('exposes literal alternatives for set matching', () => {
    assert.deepEqual(new Matcher('=~', 'a', 'x|y|z').setMatches, ['x', 'y', 'z']);
    assert.equal(new Matcher('=~', 'a', 'x.*').setMatches, undefined);
  });

  it('rejects invalid regular expressions with a typed error', () => {
    assert.throws(() => new Matcher('=~', 'a', '('), MatcherError);
  });
});

describe('sample values', () => {
  it('recognises the staleness marker by its bits', () => {
    assert.ok(isStaleNaN(STALE_NAN));
    assert.ok(!isStaleNaN(NaN));
    assert.ok(!isStaleNaN(1));
    const arr = new Float64Array(1);
    arr[0] = STALE_NAN;
    const roundTrip = arr[0];
    assert.ok(isStaleNaN(roundTrip));
  });

  it('compares float bit patterns', () => {
    assert.ok(sameFloatBits(1, 1));
    assert.ok(!sameFloatBits(0, -0));
    assert.ok(sameFloatBits(NaN, NaN));
    assert.ok(!sameFloatBits(NaN, STALE_NAN));
    assert.ok(sameFloatBits(Infinity, Infinity));
  });
});

describe('Go regex inline flags', () => {
  const cases: [string, string, boolean][] = [
    ['(?i:PRO).*', 'production', true],
    ['.*?(?i:PRO).*', 'xxProd', true],
    ['.*(?i:TION)', 'PRODUCTION', true],
    ['((?i)PRO).*', 'proX', true],
    ['.*((?i)DUC).*', 'produCtion', true],
    ['(?i:PRO)X', 'prox', false],
    ['(?i:[a-c]+)z', 'AbCz', true],
    ['(?i:x)[A]', 'Xa', false],
  ];
  for (const [re, v, want] of cases) {
    it(`${re} on ${v} is ${want}`, () => {
      assert.equal(new Matcher('=~', 'a', re).matches(v), want);
    });
  }
});
