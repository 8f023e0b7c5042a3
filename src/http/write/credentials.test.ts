import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError } from '../errors.js';
import { pushCredentials } from './credentials.js';

function creds(authorization: string | undefined, query = ''): ReturnType<typeof pushCredentials> {
  return pushCredentials(
    authorization === undefined ? {} : { authorization },
    new URLSearchParams(query),
  );
}

describe('pushCredentials', () => {
  it('reads every scheme clients send', () => {
    assert.deepEqual(creds('Bearer t1'), { kind: 'bearer', token: 't1' });
    assert.deepEqual(creds('Token t2'), { kind: 'token', token: 't2' });
    assert.deepEqual(creds('token t3'), { kind: 'token', token: 't3' });
    assert.deepEqual(creds(`Basic ${Buffer.from('ann:pa:ss').toString('base64')}`), {
      kind: 'basic',
      user: 'ann',
      password: 'pa:ss',
      source: 'header',
    });
    assert.deepEqual(creds(undefined, 'u=bob&p=pw'), {
      kind: 'basic',
      user: 'bob',
      password: 'pw',
      source: 'query',
    });
    assert.deepEqual(creds(undefined), { kind: 'none' });
  });

  it('prefers the header over u/p and refuses malformed or unknown schemes', () => {
    assert.equal(creds('Token a', 'u=x&p=y').kind, 'token');
    for (const bad of ['Bearer', 'Basic bm9jb2xvbg==', 'Digest x']) {
      assert.throws(
        () => creds(bad),
        (e: unknown) => e instanceof HttpError && e.status === 401,
        bad,
      );
    }
  });
});
