import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Principal } from '../../../auth/index.js';
import { cacheScope } from './query-cache.js';

function token(matchers: string[]): Principal {
  return {
    kind: 'token',
    tokenId: 't1',
    user: 'u',
    scopes: ['read'],
    matchers,
    capabilities: [],
  };
}

describe('cacheScope', () => {
  it('is empty for principals that read everything', () => {
    assert.equal(cacheScope(undefined), '');
    assert.equal(cacheScope({ kind: 'anonymous' }), '');
    assert.equal(cacheScope(token([])), '');
  });

  it('names the matchers of a restricted token, independent of their order', () => {
    const a = cacheScope(token(['{tenant="a"}', 'env="prod"']));
    assert.notEqual(a, '');
    assert.equal(a, cacheScope(token(['env="prod"', '{tenant="a"}'])));
    assert.notEqual(a, cacheScope(token(['{tenant="b"}', 'env="prod"'])));
    assert.notEqual(cacheScope(token(['{tenant="a"}'])), a);
  });
});
