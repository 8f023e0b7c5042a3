import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SCRYPT, PasswordHasher, passwordProblem } from './password.js';

const FAST = { N: 1 << 10, r: 8, p: 1 };

describe('PasswordHasher', () => {
  it('verifies the right password and refuses others', async () => {
    const h = new PasswordHasher(FAST);
    const stored = await h.hash('correct horse battery');
    assert.match(stored, /^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    assert.equal(await h.verify('correct horse battery', stored), true);
    assert.equal(await h.verify('correct horse batterY', stored), false);
    assert.equal(await h.verify('', stored), false);
  });
  it('salts every hash', async () => {
    const h = new PasswordHasher(FAST);
    assert.notEqual(await h.hash('same password'), await h.hash('same password'));
  });
  it('refuses malformed or absurd stored hashes', async () => {
    const h = new PasswordHasher(FAST);
    for (const bad of [
      '',
      'plain',
      'scrypt$1$2$3',
      'scrypt$2097152$8$1$AAAA$AAAA',
      'bcrypt$1$2$3$4$5',
    ])
      assert.equal(await h.verify('x', bad), false);
  });
  it('verifies with the parameters stored in the hash', async () => {
    const stored = await new PasswordHasher(FAST).hash('a long password');
    assert.equal(
      await new PasswordHasher({ N: 1 << 11, r: 8, p: 1 }).verify('a long password', stored),
      true,
    );
  });
  it('defaults to a memory-hard cost of at least 32 MiB', () => {
    assert.ok(128 * DEFAULT_SCRYPT.N * DEFAULT_SCRYPT.r >= 32 * 1024 * 1024);
  });
  it('limits password length', () => {
    assert.match(passwordProblem('short') ?? '', /at least 10/);
    assert.equal(passwordProblem('long enough!'), undefined);
    assert.match(passwordProblem('x'.repeat(2000)) ?? '', /at most/);
  });
});
