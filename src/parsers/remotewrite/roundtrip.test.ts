import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  METRIC_METADATA_TYPES,
  ProtoDecodeError,
  WriteRequestDecoder,
  WriteRequestEncoder,
  WriteRequestRows,
  type MetricMetadataType,
} from './index.js';

interface SeriesCase {
  labels: string[];
  timestamps: number[];
  values: number[];
}
interface MetaCase {
  type: MetricMetadataType;
  family: string;
  help: string;
  unit: string;
}
interface RequestCase {
  series: SeriesCase[];
  metadata: MetaCase[];
}

/** Strings that mix ASCII, repeated names (to exercise the cache) and any Unicode. */
const labelString = fc.oneof(
  fc.constantFrom('__name__', 'job', 'instance', 'node', 'cpu', ''),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ minLength: 60, maxLength: 140 }),
);

const seriesCase: fc.Arbitrary<SeriesCase> = fc
  .tuple(
    fc.array(fc.tuple(labelString, labelString), { maxLength: 6 }),
    fc.array(
      fc.tuple(
        fc.oneof(
          fc.integer({ min: -1e13, max: 1e13 }),
          fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 0, -1),
        ),
        fc.double(),
      ),
      { maxLength: 5 },
    ),
  )
  .map(([pairs, samples]) => ({
    labels: pairs.flat(),
    timestamps: samples.map((s) => s[0]),
    values: samples.map((s) => s[1]),
  }));

const metaCase: fc.Arbitrary<MetaCase> = fc.record({
  type: fc.constantFrom(...METRIC_METADATA_TYPES),
  family: labelString,
  help: fc.string({ maxLength: 40 }),
  unit: fc.constantFrom('', 'seconds', 'bytes'),
});

const requestCase: fc.Arbitrary<RequestCase> = fc.record({
  series: fc.array(seriesCase, { maxLength: 8 }),
  metadata: fc.array(metaCase, { maxLength: 3 }),
});

function encode(req: RequestCase): Uint8Array {
  const enc = new WriteRequestEncoder(32);
  for (const s of req.series) enc.addSeries(s.labels, s.timestamps, new Float64Array(s.values));
  for (const m of req.metadata) enc.addMetadata(m.type, m.family, m.help, m.unit);
  return enc.finish();
}

describe('remote write round trip (property)', () => {
  it('decodes what the encoder wrote, with one decoder and rows reused', () => {
    const dec = new WriteRequestDecoder({ internSlots: 16 });
    const rows = new WriteRequestRows();
    fc.assert(
      fc.property(requestCase, (req) => {
        dec.decode(encode(req), rows);
        assert.equal(rows.seriesCount, req.series.length);
        req.series.forEach((s, i) => {
          assert.deepEqual(rows.seriesLabels(i), s.labels);
          const from = rows.sampleOffsets[i] ?? -1;
          const to = rows.sampleOffsets[i + 1] ?? -1;
          assert.deepEqual([...rows.timestamps.subarray(from, to)], s.timestamps);
          assert.deepEqual([...rows.values.subarray(from, to)], s.values);
        });
        assert.equal(rows.metadataCount, req.metadata.length);
        req.metadata.forEach((m, i) => {
          assert.equal(rows.metadataType(i), m.type);
          assert.equal(rows.metadataFamilyNames[i], m.family);
          assert.equal(rows.metadataHelps[i], m.help);
          assert.equal(rows.metadataUnits[i], m.unit);
        });
      }),
      { numRuns: 300, seed: 20240601 },
    );
  });

  it('the string and label-run caches never change what is decoded', () => {
    const variants = [
      new WriteRequestDecoder(),
      new WriteRequestDecoder({ internSlots: 16, labelRunCacheEntries: 3 }),
      new WriteRequestDecoder({ internSlots: 0, labelRunCacheEntries: 0 }),
    ];
    const rows = variants.map(() => new WriteRequestRows());
    const labelsOf = (r: WriteRequestRows): string[] => r.labels.slice(0, r.labelPairCount * 2);
    fc.assert(
      fc.property(fc.array(requestCase, { minLength: 1, maxLength: 3 }), (reqs) => {
        // Each request twice, so that the second decode can hit the caches.
        for (const bytes of reqs.flatMap((r) => [encode(r), encode(r)])) {
          variants.forEach((d, i) => d.decode(bytes, rows[i]));
          const expected = labelsOf(rows[2] ?? new WriteRequestRows());
          assert.deepEqual(labelsOf(rows[0] ?? new WriteRequestRows()), expected);
          assert.deepEqual(labelsOf(rows[1] ?? new WriteRequestRows()), expected);
        }
      }),
      { numRuns: 100, seed: 7 },
    );
    assert.ok((variants[0]?.labelRunStats().hits ?? 0) > 0, 'the label-run cache was used');
  });

  it('tells apart label runs that differ in one byte', () => {
    const dec = new WriteRequestDecoder();
    const rows = new WriteRequestRows();
    const one = (value: string): Uint8Array => {
      const enc = new WriteRequestEncoder();
      enc.addSeries(['__name__', 'up', 'instance', value], [1], [1]);
      return enc.finish();
    };
    for (const v of ['10.0.0.1:9100', '10.0.0.2:9100', '10.0.0.1:9100', '10.0.0.2:9100']) {
      dec.decode(one(v), rows);
      assert.deepEqual(rows.seriesLabels(0), ['__name__', 'up', 'instance', v]);
    }
    assert.deepEqual(dec.labelRunStats(), { hits: 2, misses: 2 });
  });
});

describe('remote write decoder under mutation (fuzz)', () => {
  it('fails only with ProtoDecodeError and never hangs on mutated input', () => {
    const dec = new WriteRequestDecoder({ maxLabelValueBytes: 100 });
    const rows = new WriteRequestRows();
    const mutation = fc.array(
      fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'cut', 'insert')),
      { minLength: 1, maxLength: 4 },
    );
    let failures = 0;
    const started = performance.now();
    fc.assert(
      fc.property(requestCase, mutation, (req, muts) => {
        let bytes = encode(req);
        for (const [at, byte, op] of muts) {
          const i = bytes.length === 0 ? 0 : at % bytes.length;
          if (op === 'set' && bytes.length > 0) bytes[i] = byte;
          else if (op === 'cut') bytes = bytes.subarray(0, i);
          else {
            const grown = new Uint8Array(bytes.length + 1);
            grown.set(bytes.subarray(0, i));
            grown[i] = byte;
            grown.set(bytes.subarray(i), i + 1);
            bytes = grown;
          }
        }
        const t0 = performance.now();
        try {
          dec.decode(bytes, rows);
        } catch (err) {
          if (!(err instanceof ProtoDecodeError)) throw err;
          failures++;
          assert.ok(err.offset >= 0 && err.offset <= bytes.length, `offset ${err.offset} in range`);
        }
        assert.ok(performance.now() - t0 < 100, 'one decode of a small input is fast');
      }),
      { numRuns: 1500, seed: 99 },
    );
    assert.ok(failures > 100, `mutations produce errors (${failures})`);
    assert.ok(performance.now() - started < 10_000);
  });

  it('fails only with ProtoDecodeError on random bytes', () => {
    const dec = new WriteRequestDecoder();
    const rows = new WriteRequestRows();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          dec.decode(bytes, rows);
        } catch (err) {
          if (!(err instanceof ProtoDecodeError)) throw err;
        }
      }),
      { numRuns: 2000, seed: 5 },
    );
  });
});
