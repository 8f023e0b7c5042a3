import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Labels } from '../../model/index.js';
import {
  ProtoWriter,
  crc32c,
  decodeSnappyBody,
  decodeXORChunk,
  encodeSnappyBody,
} from '../../parsers/index.js';
import { MemStorage } from '../../storage/index.js';
import { startTestServer, type TestServer } from '../testkit.js';

/** One protobuf field: number, and either a varint / fixed64 value or bytes. */
interface Field {
  no: number;
  int: number;
  bytes: Uint8Array;
}

function varint(b: Uint8Array, pos: { p: number }): number {
  let v = 0;
  let mul = 1;
  for (;;) {
    const x = b[pos.p++]!;
    v += (x & 0x7f) * mul;
    if (x < 0x80) return v;
    mul *= 128;
  }
}

/** Splits a protobuf message into its fields (wire types 0, 1 and 2 only). */
function fields(b: Uint8Array): Field[] {
  const out: Field[] = [];
  const pos = { p: 0 };
  while (pos.p < b.length) {
    const tag = varint(b, pos);
    const wt = tag & 7;
    if (wt === 0) out.push({ no: tag >>> 3, int: varint(b, pos), bytes: new Uint8Array() });
    else if (wt === 1) {
      out.push({ no: tag >>> 3, int: 0, bytes: b.subarray(pos.p, pos.p + 8) });
      pos.p += 8;
    } else if (wt === 2) {
      const n = varint(b, pos);
      out.push({ no: tag >>> 3, int: 0, bytes: b.subarray(pos.p, pos.p + n) });
      pos.p += n;
    } else throw new Error(`wire type ${wt}`);
  }
  return out;
}

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

function labelsOf(series: Field[]): string {
  return series
    .filter((f) => f.no === 1)
    .map((f) => {
      const [n, v] = fields(f.bytes);
      return `${text(n!.bytes)}=${text(v!.bytes)}`;
    })
    .join(',');
}

/** Encodes a ReadRequest with one query per matcher list. */
function readRequest(
  queries: { start: number; end: number; matchers: [number, string, string][] }[],
  streamed: boolean,
): Buffer {
  const w = new ProtoWriter();
  for (const q of queries) {
    w.uint32((1 << 3) | 2);
    const m = w.beginLength();
    w.uint32((1 << 3) | 0);
    w.int64(q.start);
    w.uint32((2 << 3) | 0);
    w.int64(q.end);
    for (const [type, name, value] of q.matchers) {
      w.uint32((3 << 3) | 2);
      const mm = w.beginLength();
      if (type !== 0) {
        w.uint32((1 << 3) | 0);
        w.uint32(type);
      }
      w.uint32((2 << 3) | 2);
      w.string(name);
      w.uint32((3 << 3) | 2);
      w.string(value);
      w.endLength(mm);
    }
    w.endLength(m);
  }
  if (streamed) {
    w.uint32((2 << 3) | 0);
    w.uint32(1);
  }
  return encodeSnappyBody(w.finish());
}

describe('POST /api/v1/read', () => {
  const storage = new MemStorage();
  let server: TestServer;
  before(async () => {
    const app = storage.appender();
    for (let t = 0; t < 300; t++) {
      app.append(0, Labels.fromRecord({ __name__: 'rr', job: 'a' }), t * 1000, t);
      if (t % 2 === 0) app.append(0, Labels.fromRecord({ __name__: 'rr', job: 'b' }), t * 1000, -t);
    }
    await app.commit();
    server = await startTestServer(storage);
  });
  after(async () => {
    await server.close();
    await storage.close();
  });

  const post = (body: Buffer): Promise<Response> =>
    fetch(`${server.base}/api/v1/read`, {
      method: 'POST',
      body,
      headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' },
    });

  it('answers SAMPLES within the time range', async () => {
    const res = await post(
      readRequest([{ start: 10_000, end: 12_000, matchers: [[0, '__name__', 'rr']] }], false),
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-encoding'), 'snappy');
    const resp = fields(decodeSnappyBody(new Uint8Array(await res.arrayBuffer()), 1e8));
    assert.equal(resp.length, 1);
    const series = fields(resp[0]!.bytes).map((f) => fields(f.bytes));
    const view = series.map((s) => {
      const samples = s
        .filter((f) => f.no === 2)
        .map((f) => {
          const [v, t] = fields(f.bytes);
          return `${t!.int}:${Buffer.from(v!.bytes).readDoubleLE(0)}`;
        });
      return `${labelsOf(s)} ${samples.join(' ')}`;
    });
    assert.deepEqual(view, [
      '__name__=rr,job=a 10000:10 11000:11 12000:12',
      '__name__=rr,job=b 10000:-10 12000:-12',
    ]);
  });

  it('streams XOR chunks of at most 120 samples when accepted', async () => {
    const res = await post(
      readRequest(
        [
          { start: 0, end: 299_000, matchers: [[0, 'job', 'a']] },
          { start: 0, end: 299_000, matchers: [[2, 'job', 'b|c']] },
        ],
        true,
      ),
    );
    assert.equal(res.status, 200);
    assert.match(
      res.headers.get('content-type') ?? '',
      /application\/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse/,
    );
    const buf = new Uint8Array(await res.arrayBuffer());
    const pos = { p: 0 };
    const seen: string[] = [];
    while (pos.p < buf.length) {
      const n = varint(buf, pos);
      const crc = Buffer.from(buf.subarray(pos.p, pos.p + 4)).readUInt32BE(0);
      const msg = buf.subarray(pos.p + 4, pos.p + 4 + n);
      pos.p += 4 + n;
      assert.equal(crc32c(msg), crc);
      const top = fields(msg);
      const qi = top.find((f) => f.no === 2)?.int ?? 0;
      for (const cs of top.filter((f) => f.no === 1)) {
        const s = fields(cs.bytes);
        let total = 0;
        const sizes: number[] = [];
        for (const c of s.filter((f) => f.no === 2)) {
          const cf = fields(c.bytes);
          const data = cf.find((f) => f.no === 4)!.bytes;
          const samples = decodeXORChunk(data);
          sizes.push(samples.ts.length);
          total += samples.ts.length;
          assert.equal(cf.find((f) => f.no === 1)!.int, samples.ts[0]);
        }
        seen.push(`q${qi} ${labelsOf(s)} ${total} [${sizes.join(',')}]`);
      }
    }
    assert.deepEqual(seen, [
      'q0 __name__=rr,job=a 300 [120,120,60]',
      'q1 __name__=rr,job=b 150 [120,30]',
    ]);
  });

  it('rejects a corrupt body with 400', async () => {
    const res = await post(Buffer.from([0x03, 0x01]));
    assert.equal(res.status, 400);
    await res.body?.cancel();
  });
});
