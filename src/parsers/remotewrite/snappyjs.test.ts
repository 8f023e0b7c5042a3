import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import snappy from 'snappy';
import { compressSnappyJs, maxCompressedLength } from './snappyjs.js';
import { SnappyBlockDecoder } from './unsnappy.js';

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
