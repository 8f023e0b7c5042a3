import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileShareQueries } from './share-queries.js';

describe('compileShareQueries', () => {
  const allowed = compileShareQueries([
    'sum(rate(http_requests_total{job="api"}[$__rate_interval]))',
    'up{instance="a.b"}',
    'avg_over_time(x[${__range}])',
  ]);
  it('accepts the stored queries, with any duration for the time variables', () => {
    assert.equal(allowed('sum(rate(http_requests_total{job="api"}[5m]))'), true);
    assert.equal(allowed('  sum(rate(http_requests_total{job="api"}[1h30m]))  '), true);
    assert.equal(allowed('up{instance="a.b"}'), true);
    assert.equal(allowed('avg_over_time(x[7d])'), true);
  });
  it('refuses everything else', () => {
    assert.equal(allowed('sum(rate(http_requests_total{job="api"}[5m])) or up'), false);
    assert.equal(allowed('up{instance="aXb"}'), false, 'dots are literal');
    assert.equal(allowed('sum(rate(http_requests_total{job="api"}[5m) or vector(1)]))'), false);
    assert.equal(allowed('secret_metric'), false);
    assert.equal(allowed(''), false);
  });
});
