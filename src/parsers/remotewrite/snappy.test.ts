import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DecodedBodyTooLargeError,
  SnappyDecodeError,
  WriteRequestEncoder,
  decodeSnappyBody,
  decodeSnappyBodyAsync,
  decodeWriteRequest,
  encodeSnappyBody,
  snappyDecodedLength,
} from './index.js';

function request(): Uint8Array {
  const enc = new WriteRequestEncoder();
  for (let i = 0; i < 50; i++) enc.addSeries(['__name__', 'up', 'instance', `h${i}`], [i], [1]);
  return enc.finish();
}

describe('snappy stream layer', () => {
  it('round-trips a request through snappy, sync and async', async () => {
    const raw = request();
    const body = encodeSnappyBody(raw);
    assert.ok(body.length < raw.length);
    assert.equal(snappyDecodedLength(body), raw.length);
    assert.deepEqual(new Uint8Array(decodeSnappyBody(body, raw.length)), raw);
    assert.deepEqual(new Uint8Array(await decodeSnappyBodyAsync(body, raw.length)), raw);
    assert.equal(decodeWriteRequest(decodeSnappyBody(body, 1 << 20)).seriesCount, 50);
  });

  it('refuses a body announcing more than the limit before decompressing', async () => {
    // A header announcing 1 GiB followed by garbage: refused from the header alone.
    const bomb = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x04, 0x00, 0x01, 0x02]);
    assert.equal(snappyDecodedLength(bomb), 1 << 30);
    assert.throws(
      () => decodeSnappyBody(bomb, 32 << 20, 'remote_write.max_decoded_bytes'),
      (err: unknown) =>
        err instanceof DecodedBodyTooLargeError &&
        err.setting === 'remote_write.max_decoded_bytes' &&
        err.announcedBytes === 1 << 30 &&
        /more than the limit of 33554432 bytes \(remote_write\.max_decoded_bytes\)/.test(
          err.message,
        ),
    );
    await assert.rejects(decodeSnappyBodyAsync(bomb, 1000), DecodedBodyTooLargeError);
    const raw = request();
    assert.throws(
      () => decodeSnappyBody(encodeSnappyBody(raw), raw.length - 1),
      DecodedBodyTooLargeError,
    );
  });

  it('reports corrupt bodies and bad headers as SnappyDecodeError', async () => {
    assert.throws(() => decodeSnappyBody(new Uint8Array(0), 100), SnappyDecodeError);
    assert.throws(() => decodeSnappyBody(new Uint8Array([0x80, 0x80]), 100), SnappyDecodeError);
    assert.throws(
      () => decodeSnappyBody(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 100),
      SnappyDecodeError,
    );
    const body = encodeSnappyBody(request());
    const broken = body.subarray(0, body.length - 10);
    assert.throws(() => decodeSnappyBody(broken, 1 << 20), SnappyDecodeError);
    await assert.rejects(decodeSnappyBodyAsync(broken, 1 << 20), SnappyDecodeError);
  });
});
