import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readCookie, readCredential, setCookie, type CredentialForms } from './credentials.js';

const ALL: CredentialForms = { influxParams: true, queryToken: true };
const NONE: CredentialForms = { influxParams: false, queryToken: false };
const src = (authorization?: string, query = '', cookie?: string) => ({
  authorization,
  cookie,
  query: new URLSearchParams(query),
});

describe('readCredential', () => {
  it('reads every header form', () => {
    assert.deepEqual(readCredential(src('Bearer abc'), NONE), {
      kind: 'secret',
      secret: 'abc',
      form: 'bearer',
    });
    assert.deepEqual(readCredential(src('bearer abc'), NONE), {
      kind: 'secret',
      secret: 'abc',
      form: 'bearer',
    });
    assert.deepEqual(readCredential(src('Token abc'), NONE), {
      kind: 'secret',
      secret: 'abc',
      form: 'token',
    });
    const basic = `Basic ${Buffer.from('anyone:s3cr:et').toString('base64')}`;
    assert.deepEqual(readCredential(src(basic), NONE), {
      kind: 'secret',
      secret: 's3cr:et',
      form: 'basic',
    });
  });
  it('refuses malformed and unknown headers', () => {
    for (const h of [
      'Bearer',
      'Digest abc',
      'Basic !!!',
      `Basic ${Buffer.from('nocolon').toString('base64')}`,
      'Bearer a b',
    ])
      assert.equal(readCredential(src(h), ALL).kind, 'invalid', h);
  });
  it('reads query forms only where the route allows them', () => {
    assert.deepEqual(readCredential(src(undefined, 'u=x&p=tok'), ALL), {
      kind: 'secret',
      secret: 'tok',
      form: 'influx',
    });
    assert.deepEqual(readCredential(src(undefined, 'token=tok'), ALL), {
      kind: 'secret',
      secret: 'tok',
      form: 'query',
    });
    assert.deepEqual(readCredential(src(undefined, 'u=x&p=tok&token=t'), NONE), { kind: 'none' });
  });
  it('prefers the header over query and cookie', () => {
    assert.deepEqual(readCredential(src('Bearer h', 'token=q', 'kansoku_session=c'), ALL), {
      kind: 'secret',
      secret: 'h',
      form: 'bearer',
    });
    assert.deepEqual(readCredential(src(undefined, '', 'a=1; kansoku_session=c_-9'), ALL), {
      kind: 'session',
      secret: 'c_-9',
    });
    assert.equal(readCredential(src(undefined, '', 'kansoku_session=<x>'), ALL).kind, 'invalid');
  });
  it('never throws on arbitrary headers, cookies and queries', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ maxLength: 300 })),
        fc.string({ maxLength: 100 }),
        fc.option(fc.string({ maxLength: 100 })),
        (h, q, c) => {
          const r = readCredential(src(h ?? undefined, q, c ?? undefined), ALL);
          assert.ok(['none', 'secret', 'session', 'invalid'].includes(r.kind));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('cookies', () => {
  it('reads and writes', () => {
    assert.equal(readCookie('a=1; b = 2', 'b'), '2');
    assert.equal(readCookie('a=1', 'b'), undefined);
    assert.equal(
      setCookie('s', 'v', { httpOnly: true, secure: true, maxAgeSeconds: 5 }),
      's=v; Path=/; Max-Age=5; SameSite=Strict; HttpOnly; Secure',
    );
  });
});
