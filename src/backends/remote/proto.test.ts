import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matcher, STALE_NAN, sameFloatBits } from '../../model/index.js';
import {
  ReadRequestDecoder,
  encodeChunkedFrame,
  encodeReadResponse,
  encodeXORChunk,
} from '../../parsers/index.js';
import { decodeChunkedResponse, decodeReadResponse, encodeReadRequest } from './proto.js';

const labels = ['__name__', 'up', 'job', 'a'];

describe('remote read client codec', () => {
  it('encodes a request the server-side decoder reads back, hints and negative times included', () => {
    const body = encodeReadRequest(
      -5000,
      1_700_000_000_000,
      [new Matcher('=', '__name__', 'up'), new Matcher('!~', 'job', 'a|b')],
      { stepMs: 15_000, func: 'rate', rangeMs: 300_000 },
    );
    const req = new ReadRequestDecoder().decode(body);
    assert.deepEqual(req.acceptedResponseTypes, [1, 0]);
    const q = req.queries[0];
    assert.ok(q !== undefined);
    assert.equal(q.startMs, -5000);
    assert.equal(q.endMs, 1_700_000_000_000);
    assert.deepEqual(
      q.matchers.map((m) => [m.type, m.name, m.value]),
      [
        ['=', '__name__', 'up'],
        ['!~', 'job', 'a|b'],
      ],
    );
    assert.ok(q.hints !== undefined);
    assert.equal(q.hints.func, 'rate');
    assert.equal(q.hints.rangeMs, 300_000);
  });

  it('decodes SAMPLES answers bit-exactly (staleness marker, -0, negative timestamps)', () => {
    const ts = Float64Array.of(-1000, 0, 1000, 2000);
    const vs = Float64Array.of(1.5, -0, STALE_NAN, Infinity);
    const body = encodeReadResponse([[{ labels, ts, vs, count: 4 }]]);
    const got = decodeReadResponse(body);
    assert.equal(got.length, 1);
    assert.deepEqual(got[0]?.labels, labels);
    assert.deepEqual([...got[0].ts.subarray(0, got[0].n)], [...ts]);
    for (let i = 0; i < 4; i++) assert.ok(sameFloatBits(got[0].vs[i]!, vs[i]!), `value ${i}`);
  });

  it('decodes streamed XOR chunks, joining a series split over frames', () => {
    const ts = Float64Array.from({ length: 300 }, (_, i) => 1_700_000_000_000 + i * 15_000);
    const vs = Float64Array.from({ length: 300 }, (_, i) => i * 0.5);
    vs[7] = STALE_NAN;
    const chunk = (
      from: number,
      to: number,
    ): { minTimeMs: number; maxTimeMs: number; data: Uint8Array } => ({
      minTimeMs: ts[from]!,
      maxTimeMs: ts[to - 1]!,
      data: encodeXORChunk(ts, vs, from, to),
    });
    const f1 = encodeChunkedFrame(0, [{ labels, chunks: [chunk(0, 120)] }]);
    const f2 = encodeChunkedFrame(0, [
      { labels, chunks: [chunk(120, 300)] },
      { labels: ['__name__', 'other'], chunks: [chunk(0, 2)] },
    ]);
    const body = new Uint8Array(f1.length + f2.length);
    body.set(f1);
    body.set(f2, f1.length);
    const got = decodeChunkedResponse(body);
    assert.equal(got.length, 2);
    assert.equal(got[0]?.n, 300);
    assert.deepEqual([...got[0].ts.subarray(0, 300)], [...ts]);
    assert.ok(sameFloatBits(got[0].vs[7]!, STALE_NAN));
    assert.equal(got[0].vs[299], 149.5);
    assert.equal(got[1]?.n, 2);
  });

  it('rejects a frame whose checksum does not match', () => {
    const f = encodeChunkedFrame(0, [{ labels, chunks: [] }]);
    f[f.length - 1] = (f[f.length - 1] ?? 0) ^ 0xff;
    assert.throws(() => decodeChunkedResponse(f), /checksum/);
  });
});
