import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ProtoDecodeError,
  ProtoWriter,
  WriteRequestEncoder,
  WriteRequestV2Decoder,
  WriteRequestV2Encoder,
  WriteRequestV2Rows,
} from './index.js';

function decode(bytes: Uint8Array): WriteRequestV2Rows {
  return new WriteRequestV2Decoder().decode(bytes);
}

function decodeError(bytes: Uint8Array): ProtoDecodeError {
  try {
    decode(bytes);
  } catch (err) {
    assert.ok(err instanceof ProtoDecodeError, `expected ProtoDecodeError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the decode to fail');
}

/** Writes a request from raw parts: symbols, then series bodies written by callbacks. */
function raw(symbols: string[], ...series: ((w: ProtoWriter) => void)[]): Uint8Array {
  const w = new ProtoWriter(16);
  for (const s of symbols) {
    w.uint32((4 << 3) | 2);
    w.string(s);
  }
  for (const body of series) {
    w.uint32((5 << 3) | 2);
    const m = w.beginLength();
    body(w);
    w.endLength(m);
  }
  return w.finish();
}

describe('WriteRequestV2Decoder', () => {
  it('resolves labels through the symbols table, with start timestamps and metadata', () => {
    const enc = new WriteRequestV2Encoder();
    enc.addSeries(['__name__', 'http_requests_total', 'job', 'api'], [1000, 2000], [1, 2], {
      startTimestamps: [500, 500],
      metadata: { type: 'counter', help: 'Requests.', unit: '' },
    });
    enc.addSeries(['__name__', 'up', 'job', 'api'], [3000], [1]);
    const rows = decode(enc.finish());
    assert.equal(rows.seriesCount, 2);
    assert.deepEqual(rows.seriesLabels(0), ['__name__', 'http_requests_total', 'job', 'api']);
    assert.deepEqual(rows.seriesLabels(1), ['__name__', 'up', 'job', 'api']);
    assert.deepEqual([...rows.timestamps.subarray(0, 3)], [1000, 2000, 3000]);
    assert.deepEqual([...rows.startTimestamps.subarray(0, 3)], [500, 500, 0]);
    assert.equal(rows.metadataCount, 1);
    assert.equal(rows.metadataType(0), 'counter');
    assert.equal(rows.metadataFamilyNames[0], 'http_requests_total');
    assert.equal(rows.metadataHelps[0], 'Requests.');
  });

  it('accepts unpacked label references, symbols after series, and counts histograms', () => {
    const bytes = raw(['', 'a', 'b'], (w) => {
      for (const r of [1, 2]) {
        w.uint32((1 << 3) | 0);
        w.uint32(r);
      }
      w.uint32((3 << 3) | 2);
      w.uint32(0);
    });
    const rows = decode(bytes);
    assert.deepEqual(rows.seriesLabels(0), ['a', 'b']);
    assert.equal(rows.histogramCount, 1);
    // Symbols after the series they serve.
    const series = bytes.subarray(bytes.indexOf((5 << 3) | 2));
    const symbols = bytes.subarray(0, bytes.indexOf((5 << 3) | 2));
    const swapped = new Uint8Array(bytes.length);
    swapped.set(series);
    swapped.set(symbols, series.length);
    assert.deepEqual(decode(swapped).seriesLabels(0), ['a', 'b']);
  });

  it('decodes a 1.0 message as empty (its fields are reserved in 2.0)', () => {
    const v1 = new WriteRequestEncoder();
    v1.addSeries(['__name__', 'up'], [1], [1]);
    assert.equal(decode(v1.finish()).seriesCount, 0);
  });

  const errors: { name: string; bytes: () => Uint8Array; path: string; reason: RegExp }[] = [
    {
      name: 'reference outside the table',
      bytes: () =>
        raw(['', 'a'], (w) => {
          w.uint32((1 << 3) | 2);
          const m = w.beginLength();
          w.uint32(1);
          w.uint32(7);
          w.endLength(m);
        }),
      path: 'timeseries[0].labels_refs[1]',
      reason: /symbol reference 7 is outside the table of 2/,
    },
    {
      name: 'odd number of references',
      bytes: () =>
        raw(['', 'a'], (w) => {
          w.uint32((1 << 3) | 2);
          const m = w.beginLength();
          w.uint32(1);
          w.endLength(m);
        }),
      path: 'timeseries[0].labels_refs[0]',
      reason: /odd number of label references/,
    },
    {
      name: 'first symbol not empty',
      bytes: () => raw(['x']),
      path: 'symbols[0]',
      reason: /first symbol must be the empty string/,
    },
    {
      name: 'metadata help reference outside the table',
      bytes: () =>
        raw([''], (w) => {
          w.uint32((5 << 3) | 2);
          const m = w.beginLength();
          w.uint32((3 << 3) | 0);
          w.uint32(3);
          w.endLength(m);
        }),
      path: 'timeseries[0].metadata.help_ref',
      reason: /outside the table of 1/,
    },
    {
      name: 'truncated packed references',
      bytes: () =>
        raw(['', 'a'], (w) => {
          w.uint32((1 << 3) | 2);
          w.uint32(1);
          w.bytes(new Uint8Array([0x81]));
        }),
      path: 'timeseries[0].labels_refs[0]',
      reason: /truncated varint/,
    },
  ];
  for (const c of errors) {
    it(`fails on ${c.name}`, () => {
      const err = decodeError(c.bytes());
      assert.equal(err.fieldPath, c.path);
      assert.match(err.reason, c.reason);
    });
  }

  it('round-trips random requests and fails only with ProtoDecodeError on mutations', () => {
    const dec = new WriteRequestV2Decoder();
    const rows = new WriteRequestV2Rows();
    const series = fc.record({
      labels: fc
        .array(fc.string({ maxLength: 10 }), { maxLength: 8 })
        .map((a) => (a.length % 2 === 0 ? a : a.slice(1))),
      samples: fc.array(fc.tuple(fc.integer({ min: -1e13, max: 1e13 }), fc.double(), fc.nat()), {
        maxLength: 4,
      }),
    });
    fc.assert(
      fc.property(
        fc.array(series, { maxLength: 5 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        (req, at, byte) => {
          const enc = new WriteRequestV2Encoder();
          for (const s of req) {
            enc.addSeries(
              s.labels,
              s.samples.map((x) => x[0]),
              new Float64Array(s.samples.map((x) => x[1])),
              { startTimestamps: s.samples.map((x) => x[2]) },
            );
          }
          const bytes = enc.finish();
          dec.decode(bytes, rows);
          assert.equal(rows.seriesCount, req.length);
          req.forEach((s, i) => {
            assert.deepEqual(rows.seriesLabels(i), s.labels);
            const from = rows.sampleOffsets[i] ?? -1;
            const to = rows.sampleOffsets[i + 1] ?? -1;
            assert.deepEqual(
              [...rows.timestamps.subarray(from, to)],
              s.samples.map((x) => x[0]),
            );
            assert.deepEqual(
              [...rows.values.subarray(from, to)],
              s.samples.map((x) => x[1]),
            );
            assert.deepEqual(
              [...rows.startTimestamps.subarray(from, to)],
              s.samples.map((x) => x[2]),
            );
          });
          if (bytes.length > 0) bytes[at % bytes.length] = byte;
          try {
            dec.decode(bytes, rows);
          } catch (err) {
            if (!(err instanceof ProtoDecodeError)) throw err;
          }
        },
      ),
      { numRuns: 500, seed: 11 },
    );
  });
});
