/** The sign-in page's `?next=` handling: only local paths, never an open redirect. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextPath } from '../../ui/src/auth/next.js';

describe('nextPath', () => {
  it('keeps local paths with their query', () => {
    assert.equal(nextPath('?next=%2Ftargets'), '/targets');
    assert.equal(nextPath('?next=%2Fexplore%3Fq%3Dup'), '/explore?q=up');
    assert.equal(nextPath(''), '/');
  });
  it('refuses other sites', () => {
    for (const bad of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
      'evil',
    ])
      assert.equal(nextPath(`?next=${encodeURIComponent(bad)}`), '/', bad);
  });
});
