import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { STALE_NAN, isStaleNaN, sameFloatBits } from '../../model/index.js';
import { ProtoWriter } from '../remotewrite/writer.js';
import {
  ReadRequestDecoder,
  ReadResponseDecoder,
  crc32c,
  decodeXORChunk,
  encodeChunkedFrame,
  encodeReadResponse,
  encodeXORChunk,
} from './index.js';

describe('Prometheus XOR chunks', () => {
  it('round-trips jittered, irregular and special values bit-exactly', () => {
    const n = 120;
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    let t = 1_700_000_000_000;
    for (let i = 0; i < n; i++) {
      t += i % 17 === 0 ? 3_600_000 + i : i % 5 === 0 ? 1 : 15_000 + ((i * 7) % 9) - 4;
      ts[i] = t;
      vs[i] = i % 11 === 0 ? NaN : i % 13 === 0 ? -Infinity : i * 1.5 - 30;
    }
    vs[7] = STALE_NAN;
    vs[8] = -0;
    const chunk = encodeXORChunk(ts, vs, 0, n);
    assert.equal((chunk[0]! << 8) | chunk[1]!, n);
    const out = decodeXORChunk(chunk);
    assert.deepEqual([...out.ts], [...ts]);
    for (let i = 0; i < n; i++) assert.ok(sameFloatBits(out.vs[i]!, vs[i]!), `value ${i}`);
    assert.ok(isStaleNaN(out.vs[7]!));
  });

  it('round-trips arbitrary series (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 10_000_000 }), fc.double()), {
          minLength: 1,
          maxLength: 150,
        }),
        fc.integer({ min: -1e12, max: 2e12 }),
        (pts, start) => {
          const ts = new Float64Array(pts.length);
          const vs = new Float64Array(pts.length);
          let t = start;
          pts.forEach(([d, v], i) => {
            t += d;
            ts[i] = t;
            vs[i] = v;
          });
          const out = decodeXORChunk(encodeXORChunk(ts, vs, 0, pts.length));
          assert.deepEqual([...out.ts], [...ts]);
          for (let i = 0; i < pts.length; i++) assert.ok(sameFloatBits(out.vs[i]!, vs[i]!));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('remote read messages', () => {
  it('computes CRC-32C like Go', () => {
    assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  });

  it('decodes a ReadRequest with matchers, hints and packed response types', () => {
    const w = new ProtoWriter();
    w.uint32((1 << 3) | 2);
    const q = w.beginLength();
    w.uint32((1 << 3) | 0);
    w.int64(1000);
    w.uint32((2 << 3) | 0);
    w.int64(2000);
    for (const [type, name, value] of [
      [0, '__name__', 'up'],
      [2, 'job', 'a|b'],
    ] as const) {
      w.uint32((3 << 3) | 2);
      const m = w.beginLength();
      w.uint32((1 << 3) | 0);
      w.uint32(type);
      w.uint32((2 << 3) | 2);
      w.string(name);
      w.uint32((3 << 3) | 2);
      w.string(value);
      w.endLength(m);
    }
    w.uint32((4 << 3) | 2);
    const h = w.beginLength();
    w.uint32((1 << 3) | 0);
    w.int64(15_000);
    w.uint32((2 << 3) | 2);
    w.string('rate');
    w.endLength(h);
    w.endLength(q);
    w.uint32((2 << 3) | 2);
    const p = w.beginLength();
    w.uint32(1);
    w.uint32(0);
    w.endLength(p);
    const req = new ReadRequestDecoder().decode(w.finish());
    assert.deepEqual(req.acceptedResponseTypes, [1, 0]);
    assert.equal(req.queries.length, 1);
    const query = req.queries[0]!;
    assert.equal(query.startMs, 1000);
    assert.equal(query.endMs, 2000);
    assert.deepEqual(query.matchers, [
      { type: '=', name: '__name__', value: 'up' },
      { type: '=~', name: 'job', value: 'a|b' },
    ]);
    const hints = query.hints!;
    assert.equal(hints.func, 'rate');
    assert.equal(hints.stepMs, 15_000);
  });

  it('rejects bad requests with the field path', () => {
    assert.throws(
      () => new ReadRequestDecoder().decode(new Uint8Array([0x0a, 0x05, 0x08])),
      /queries\[0\]/,
    );
  });

  it('encodes samples answers and chunk frames', () => {
    const body = encodeReadResponse([
      [{ labels: ['__name__', 'up'], ts: [1000], vs: [1], count: 1 }],
    ]);
    assert.ok(body.length > 10);
    const frame = encodeChunkedFrame(0, [
      {
        labels: ['__name__', 'up'],
        chunks: [{ minTimeMs: 1, maxTimeMs: 2, data: new Uint8Array([0, 1, 2]) }],
      },
    ]);
    // uvarint length, 4 bytes CRC, message.
    const len = frame[0]!;
    assert.equal(frame.length, 1 + 4 + len);
    const crc = ((frame[1]! << 24) | (frame[2]! << 16) | (frame[3]! << 8) | frame[4]!) >>> 0;
    assert.equal(crc, crc32c(frame.subarray(5)));
  });
});

describe('ReadResponseDecoder', () => {
  it('round-trips samples answers from every result, staleness markers included', () => {
    const vs = new Float64Array(2);
    vs[0] = 1;
    vs[1] = STALE_NAN; // not through an array literal, which would lose the NaN payload
    const body = encodeReadResponse([
      [{ labels: ['__name__', 'up', 'job', 'a'], ts: [1000, 2000], vs, count: 2 }],
      [{ labels: ['__name__', 'x'], ts: [-5], vs: [-0], count: 1 }],
    ]);
    const got = new ReadResponseDecoder().samples(body);
    assert.equal(got.length, 2);
    assert.deepEqual(got[0]!.labels, ['__name__', 'up', 'job', 'a']);
    assert.deepEqual([...got[0]!.ts.subarray(0, 2)], [1000, 2000]);
    assert.ok(isStaleNaN(got[0]!.vs[1]!));
    assert.equal(got[1]!.ts[0], -5);
    assert.ok(sameFloatBits(got[1]!.vs[0]!, -0));
  });

  it('joins chunks of a series over frames and checks every checksum', () => {
    const chunk = (t: number, v: number): Uint8Array => encodeXORChunk([t], [v], 0, 1);
    const labels = ['__name__', 'up'];
    const body = Buffer.concat([
      encodeChunkedFrame(0, [
        { labels, chunks: [{ minTimeMs: 1, maxTimeMs: 1, data: chunk(1, 5) }] },
      ]),
      encodeChunkedFrame(0, [
        { labels, chunks: [{ minTimeMs: 2, maxTimeMs: 2, data: chunk(2, 6) }] },
      ]),
    ]);
    const got = new ReadResponseDecoder().chunked(body);
    assert.equal(got.length, 1);
    assert.deepEqual([...got[0]!.ts.subarray(0, got[0]!.n)], [1, 2]);
    assert.deepEqual([...got[0]!.vs.subarray(0, got[0]!.n)], [5, 6]);
    const broken = Buffer.from(body);
    broken[body.length - 1]! ^= 0xff;
    assert.throws(
      () => new ReadResponseDecoder().chunked(broken),
      /cannot decode remote read answer: frame\[1\] at byte \d+: frame checksum mismatch/,
    );
  });

  it('names the field path of a malformed answer', () => {
    const body = encodeReadResponse([[{ labels: ['__name__', 'up'], ts: [1], vs: [1], count: 1 }]]);
    assert.throws(
      () => new ReadResponseDecoder().samples(body.subarray(0, body.length - 3)),
      /cannot decode remote read answer: results\[0\]/,
    );
  });
});
