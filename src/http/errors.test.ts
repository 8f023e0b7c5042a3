import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BadInputError,
  DuplicateSampleError,
  LimitError,
  MatcherError,
  OutOfBoundsError,
  StorageUnavailableError,
} from '../model/index.js';
import { HttpError, errorEnvelope, errorResponse } from './errors.js';

class FakeQueryError extends Error {
  constructor(
    message: string,
    readonly errorType: string,
  ) {
    super(message);
  }
}

describe('errorResponse', () => {
  const cases: [string, unknown, number, string][] = [
    ['bad input', new BadInputError('x'), 400, 'bad_data'],
    ['duplicate sample', new DuplicateSampleError('x'), 400, 'bad_data'],
    ['out of bounds', new OutOfBoundsError('x'), 400, 'bad_data'],
    ['bad regex', new MatcherError('x'), 400, 'bad_data'],
    ['query limit', new LimitError('x', 'query.max-samples'), 422, 'execution'],
    ['ingest limit', new LimitError('x', 'storage.max-series'), 429, 'unavailable'],
    ['disk full', new StorageUnavailableError('x', true), 507, 'unavailable'],
    ['storage fault', new StorageUnavailableError('x', false), 503, 'unavailable'],
    ['query timeout', new FakeQueryError('x', 'timeout'), 503, 'timeout'],
    ['query execution', new FakeQueryError('x', 'execution'), 422, 'execution'],
    ['query bad data', new FakeQueryError('x', 'bad_data'), 400, 'bad_data'],
    ['query canceled', new FakeQueryError('x', 'canceled'), 499, 'canceled'],
    ['abort timeout', new DOMException('x', 'TimeoutError'), 503, 'timeout'],
    ['abort', new DOMException('x', 'AbortError'), 499, 'canceled'],
    ['bug', new Error('BUG: x'), 500, 'internal'],
    ['not an error', 'boom', 500, 'internal'],
    ['http error', new HttpError(404, 'not_found', 'x'), 404, 'not_found'],
  ];
  for (const [name, err, status, type] of cases) {
    it(`maps ${name} to ${status} ${type}`, () => {
      const r = errorResponse(err);
      assert.equal(r.status, status);
      assert.equal(r.errorType, type);
    });
  }

  it('keeps the message and extra headers', () => {
    const r = errorResponse(new HttpError(405, 'bad_data', 'nope', { Allow: 'GET' }));
    assert.equal(r.message, 'nope');
    assert.deepEqual(r.headers, { Allow: 'GET' });
  });

  it('builds the Prometheus envelope', () => {
    assert.deepEqual(errorEnvelope(errorResponse(new BadInputError('cannot parse x: y'))), {
      status: 'error',
      errorType: 'bad_data',
      error: 'cannot parse x: y',
    });
  });
});
