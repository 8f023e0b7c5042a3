import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import snappy from 'snappy';
import { DecodedBodyTooLargeError, SnappyDecodeError } from './errors.js';
import { compressSnappyJs, maxCompressedLength } from './snappyjs.js';
import { REUSED_BUFFER_MAX_BYTES, SnappyBlockDecoder } from './unsnappy.js';

const compress = (b: Uint8Array): Buffer => snappy.compressSync(Buffer.from(b));

/** Bytes with long repeats, the way label sets repeat in remote-write bodies. */
const repetitive = fc
  .array(
    fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 90 }),
      fc.constantFrom(
        new TextEncoder().encode('__name__node_cpu_seconds_total'),
        new TextEncoder().encode('instance10.0.0.1:9100'),
        new Uint8Array(300).fill(7),
        new Uint8Array(70000).map((_, i) => (i * 7919) & 0xff),
      ),
    ),
    { maxLength: 40 },
  )
  .map((parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  });

describe('SnappyBlockDecoder', () => {
  it('decodes what the native compressor wrote, reusing its buffer across calls', () => {
    const d = new SnappyBlockDecoder();
    fc.assert(
      fc.property(fc.array(repetitive, { minLength: 1, maxLength: 4 }), (inputs) => {
        for (const input of inputs) {
          const out = d.decode(compress(input), 1 << 30, 'x');
          assert.deepEqual(Buffer.from(out), Buffer.from(input));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps one buffer for small bodies and gives large ones their own', () => {
    const d = new SnappyBlockDecoder();
    const a = d.decode(compress(new Uint8Array(1000).fill(1)), 1 << 30, 'x');
    const b = d.decode(compress(new Uint8Array(500).fill(2)), 1 << 30, 'x');
    assert.equal(a.buffer, b.buffer);
    const big = new Uint8Array(REUSED_BUFFER_MAX_BYTES + 10).fill(3);
    const c = d.decode(compress(big), 1 << 30, 'x');
    assert.notEqual(c.buffer, b.buffer);
    assert.equal(c.length, big.length);
    assert.ok(d.retainedBytes <= REUSED_BUFFER_MAX_BYTES);
  });

  it('refuses a body announcing more than the limit before decoding, naming the setting', () => {
    const d = new SnappyBlockDecoder();
    assert.throws(
      () => d.decode(compress(new Uint8Array(2000)), 1000, '--web.max-body'),
      (e: unknown) => e instanceof DecodedBodyTooLargeError && /--web\.max-body/.test(e.message),
    );
  });

  it('rejects corrupt input with SnappyDecodeError and never reads out of bounds', () => {
    const d = new SnappyBlockDecoder();
    fc.assert(
      fc.property(
        repetitive,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        (input, flips, cut) => {
          const body = Uint8Array.from(compress(input));
          for (const [at, v] of flips) if (body.length > 0) body[at % body.length] = v;
          const mangled = body.subarray(0, body.length - (cut % 3));
          try {
            const out = d.decode(mangled, 1 << 20, 'x');
            assert.ok(out.length <= 1 << 20);
          } catch (e) {
            assert.ok(
              e instanceof SnappyDecodeError || e instanceof DecodedBodyTooLargeError,
              String(e),
            );
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('names the problem for typical corruptions', () => {
    const d = new SnappyBlockDecoder();
    assert.throws(() => d.decode(new Uint8Array([]), 100, 'x'), /truncated snappy length header/);
    assert.throws(
      () => d.decode(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80]), 100, 'x'),
      /too large/,
    );
    // 5 bytes announced, a literal of 2, then a copy at offset 9.
    assert.throws(() => d.decode(new Uint8Array([5, 4, 1, 2, 1, 9]), 100, 'x'), /copy offset 9/);
    assert.throws(() => d.decode(new Uint8Array([5, 4, 1, 2]), 100, 'x'), /announced 5/);
    assert.throws(() => d.decode(new Uint8Array([3, 12, 1]), 100, 'x'), /past the end/);
  });
});

describe('compressSnappyJs', () => {
  it('writes blocks that the native library and our decoder read back exactly', () => {
    const d = new SnappyBlockDecoder();
    fc.assert(
      fc.property(repetitive, (input) => {
        const c = compressSnappyJs(input);
        assert.ok(c.length <= maxCompressedLength(input.length));
        assert.deepEqual(
          Buffer.from(snappy.uncompressSync(Buffer.from(c), { asBuffer: true }) as Buffer),
          Buffer.from(input),
        );
        assert.deepEqual(Buffer.from(d.decode(c, 1 << 30, 'x')), Buffer.from(input));
      }),
      { numRuns: 300 },
    );
  });

  it('compresses repeated label sets about as well as the native library', () => {
    const parts: string[] = [];
    for (let i = 0; i < 500; i++) {
      parts.push(
        `__name__node_network_receive_bytes_totaldevice eth${i % 3}instance10.0.${i % 50}.1:9100jobnode`,
        String(1_700_000_000_000 + i * 15_000),
      );
    }
    const input = new TextEncoder().encode(parts.join(''));
    const ours = compressSnappyJs(input).length;
    const native = snappy.compressSync(Buffer.from(input)).length;
    assert.ok(ours < input.length / 3, `${ours} of ${input.length}`);
    assert.ok(ours < native * 1.5, `ours ${ours}, native ${native}`);
  });

  it('handles empty and tiny inputs', () => {
    for (const n of [0, 1, 3, 4, 5, 17]) {
      const input = new Uint8Array(n).fill(9);
      const c = compressSnappyJs(input);
      assert.deepEqual(new SnappyBlockDecoder().decode(c, 100, 'x'), input);
    }
  });
});
