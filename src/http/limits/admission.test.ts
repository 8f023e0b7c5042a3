import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import type { Principal } from '../../auth/index.js';
import { HttpError } from '../errors.js';
import { RequestLimits, routeClass, type MemoryState } from './admission.js';

const req = (method: string, addr = '10.0.0.1'): IncomingMessage =>
  ({ method, socket: { remoteAddress: addr } }) as unknown as IncomingMessage;
const token = (id: string): Principal => ({
  kind: 'token',
  tokenId: id,
  user: 'u',
  scopes: [],
  matchers: [],
  capabilities: ['read', 'write'],
});

function refusal(fn: () => void): HttpError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HttpError) return e;
    throw e;
  }
  assert.fail('expected a refusal');
}

describe('routeClass', () => {
  it('classifies writes, queries and the rest', () => {
    assert.equal(routeClass('/api/v1/write', 'POST'), 'ingest');
    assert.equal(routeClass('/metrics/job/*', 'PUT'), 'ingest');
    assert.equal(routeClass('/api/v1/query_range', 'GET'), 'query');
    assert.equal(routeClass('/-/healthy', 'GET'), 'other');
    assert.equal(routeClass('/metrics', 'GET'), 'other');
  });
});

describe('RequestLimits', () => {
  it('rate limits per token with 429, Retry-After and the setting', () => {
    const now = 0;
    const registry = new Registry();
    const lim = new RequestLimits(
      { memoryState: () => 'ok', rate: 1, burst: 2, memoryRetryAfterSeconds: 5, now: () => now },
      registry,
    );
    lim.admit(req('GET'), '/api/v1/query', token('a'));
    lim.admit(req('GET'), '/api/v1/query', token('a'));
    const e = refusal(() => {
      lim.admit(req('GET'), '/api/v1/query', token('a'));
    });
    assert.equal(e.status, 429);
    assert.equal(e.headers['Retry-After'], '1');
    assert.match(e.message, /--auth\.token-rate-limit/);
    // Another token, and probes, are not affected.
    lim.admit(req('GET'), '/api/v1/query', token('b'));
    lim.admit(req('GET'), '/-/healthy', token('a'));
    assert.equal(lim.counts.rate_limit, 1);
  });

  it('keys anonymous requests by address and leaves loopback alone', () => {
    const lim = new RequestLimits({
      memoryState: () => 'ok',
      rate: 1,
      burst: 1,
      memoryRetryAfterSeconds: 5,
      now: () => 0,
    });
    lim.admit(req('GET', '10.0.0.9'), '/api/v1/query', undefined);
    assert.equal(
      refusal(() => {
        lim.admit(req('GET', '10.0.0.9'), '/api/v1/query', undefined);
      }).status,
      429,
    );
    for (let i = 0; i < 10; i++) lim.admit(req('GET', '127.0.0.1'), '/api/v1/query', undefined);
  });

  it('refuses writes and expensive queries with 503 under memory pressure, nothing else', () => {
    let state: MemoryState = 'pressure';
    const lim = new RequestLimits({
      memoryState: () => state,
      rate: 0,
      burst: 0,
      memoryRetryAfterSeconds: 7,
    });
    const e = refusal(() => {
      lim.admit(req('POST'), '/api/v1/write', undefined);
    });
    assert.equal(e.status, 503);
    assert.equal(e.headers['Retry-After'], '7');
    assert.match(e.message, /--storage\.memory-budget/);
    assert.equal(
      refusal(() => {
        lim.admit(req('GET'), '/api/v1/query_range', undefined);
      }).status,
      503,
    );
    lim.admit(req('GET'), '/-/healthy', undefined);
    lim.admit(req('GET'), '/metrics', undefined);
    lim.admit(req('GET'), '/', undefined);
    state = 'ok';
    lim.admit(req('POST'), '/api/v1/write', undefined);
    assert.equal(lim.counts.memory_budget, 2);
  });
});
