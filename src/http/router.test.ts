import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Router, type Handler } from './router.js';

const h: Handler = () => undefined;

describe('Router', () => {
  const r = new Router()
    .get('/-/healthy', h)
    .add(['GET', 'POST'], '/api/v1/query', h)
    .post('/api/v1/write', h)
    .get('/api/v1/label/:name/values', h)
    .add(['PUT', 'POST', 'DELETE'], '/metrics/job/*', h);

  it('finds exact routes', () => {
    const m = r.match('GET', '/api/v1/query');
    assert.ok(m.kind === 'found');
    assert.equal(m.route.pattern, '/api/v1/query');
    assert.equal(r.match('POST', '/api/v1/query').kind, 'found');
  });

  it('serves HEAD through GET routes', () => {
    assert.equal(r.match('HEAD', '/-/healthy').kind, 'found');
  });

  it('captures and decodes path parameters', () => {
    const m = r.match('GET', '/api/v1/label/job%2Fx/values');
    assert.ok(m.kind === 'found');
    assert.deepEqual(m.params, { name: 'job/x' });
    assert.equal(r.match('GET', '/api/v1/label//values').kind, 'not-found');
    assert.equal(r.match('GET', '/api/v1/label/%E0%A4%A/values').kind, 'not-found');
  });

  it('captures the rest of the path with *', () => {
    const m = r.match('PUT', '/metrics/job/a%2Fb/instance/x');
    assert.ok(m.kind === 'found');
    assert.deepEqual(m.params, { '*': 'a%2Fb/instance/x' });
    assert.equal(r.match('PUT', '/metrics/job').kind, 'not-found');
    assert.equal(r.match('PUT', '/metrics/job/').kind, 'not-found');
    assert.equal(r.match('GET', '/metrics/job/a').kind, 'method-not-allowed');
  });

  it('answers method-not-allowed with the allowed methods', () => {
    const m = r.match('GET', '/api/v1/write');
    assert.deepEqual(m, { kind: 'method-not-allowed', pattern: '/api/v1/write', allow: ['POST'] });
    const m2 = r.match('DELETE', '/-/healthy');
    assert.ok(m2.kind === 'method-not-allowed');
    assert.deepEqual(m2.allow, ['GET', 'HEAD']);
  });

  it('answers not-found for unknown paths', () => {
    assert.deepEqual(r.match('GET', '/nope'), { kind: 'not-found' });
    assert.deepEqual(r.match('GET', '/api/v1/query/'), { kind: 'not-found' });
  });

  it('lists routes in order', () => {
    assert.deepEqual(
      r.list().map((x) => x.pattern),
      [
        '/-/healthy',
        '/api/v1/query',
        '/api/v1/write',
        '/api/v1/label/:name/values',
        '/metrics/job/*',
      ],
    );
  });
});
