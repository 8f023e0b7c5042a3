import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STALE_NAN, isStaleNaN } from '../../model/index.js';
import {
  ProtoDecodeError,
  ProtoWriter,
  WriteRequestDecoder,
  WriteRequestEncoder,
  WriteRequestRows,
  decodeWriteRequest,
  encodeWriteRequest,
} from './index.js';

/** Writes a tag (field number and wire type). */
function tag(w: ProtoWriter, field: number, wire: number): void {
  w.uint32((field << 3) | wire);
}

/** Writes a length-delimited field whose payload `body` writes. */
function msg(w: ProtoWriter, field: number, body: (w: ProtoWriter) => void): void {
  tag(w, field, 2);
  const m = w.beginLength();
  body(w);
  w.endLength(m);
}

function str(w: ProtoWriter, field: number, s: string): void {
  tag(w, field, 2);
  w.string(s);
}

function label(w: ProtoWriter, name: string, value: string): void {
  msg(w, 1, (l) => {
    str(l, 1, name);
    str(l, 2, value);
  });
}

function sample(w: ProtoWriter, t: number, v: number): void {
  msg(w, 2, (s) => {
    tag(s, 1, 1);
    s.double(v);
    tag(s, 2, 0);
    s.int64(t);
  });
}

function build(body: (w: ProtoWriter) => void): Uint8Array {
  const w = new ProtoWriter(16);
  body(w);
  return w.finish();
}

function decodeError(input: Uint8Array, options = {}): ProtoDecodeError {
  try {
    decodeWriteRequest(input, new WriteRequestRows(), options);
  } catch (err) {
    assert.ok(err instanceof ProtoDecodeError, `expected ProtoDecodeError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the decode to fail');
}

describe('WriteRequestDecoder', () => {
  it('decodes series, labels in wire order, samples, and metadata', () => {
    const enc = new WriteRequestEncoder();
    enc.addSeries(['__name__', 'up', 'job', 'node'], [1000, 2000], [1, 0]);
    // A Float64Array built from an array literal would lose the marker's NaN payload.
    const stale = new Float64Array(1);
    stale[0] = STALE_NAN;
    enc.addSeries(['__name__', 'x', 'é', 'ü€'], [-5], stale);
    enc.addMetadata('counter', 'http_requests_total', 'Requests served.', 'requests');
    const rows = decodeWriteRequest(enc.finish());
    assert.equal(rows.seriesCount, 2);
    assert.deepEqual(rows.seriesLabels(0), ['__name__', 'up', 'job', 'node']);
    assert.deepEqual(rows.seriesLabels(1), ['__name__', 'x', 'é', 'ü€']);
    assert.deepEqual([...rows.sampleOffsets.subarray(0, 3)], [0, 2, 3]);
    assert.deepEqual([...rows.timestamps.subarray(0, 3)], [1000, 2000, -5]);
    assert.deepEqual([...rows.values.subarray(0, 2)], [1, 0]);
    assert.ok(isStaleNaN(rows.values[2] ?? 0), 'staleness marker keeps its bits');
    assert.equal(rows.metadataCount, 1);
    assert.equal(rows.metadataType(0), 'counter');
    assert.equal(rows.metadataFamilyNames[0], 'http_requests_total');
    assert.equal(rows.metadataHelps[0], 'Requests served.');
    assert.equal(rows.metadataUnits[0], 'requests');
  });

  it('accepts samples before labels, skips and counts exemplars and histograms', () => {
    const input = build((w) => {
      msg(w, 1, (ts) => {
        sample(ts, 7, 1.5);
        msg(ts, 3, (ex) => {
          label(ex, 'trace_id', 'abc');
          tag(ex, 2, 1);
          ex.double(3);
        });
        label(ts, '__name__', 'a');
        msg(ts, 4, (h) => {
          tag(h, 1, 0);
          h.uint32(5);
          tag(h, 15, 0);
          h.int64(7);
        });
        msg(ts, 4, () => undefined);
      });
    });
    const rows = decodeWriteRequest(input);
    assert.equal(rows.seriesCount, 1);
    assert.deepEqual(rows.seriesLabels(0), ['__name__', 'a']);
    assert.equal(rows.sampleCount, 1);
    assert.equal(rows.timestamps[0], 7);
    assert.equal(rows.exemplarCount, 1);
    assert.equal(rows.histogramCount, 2);
    assert.equal(rows.histogramCounts[0], 2);
  });

  it('skips unknown fields of every wire type and treats missing fields as defaults', () => {
    const input = build((w) => {
      tag(w, 2, 0); // reserved field 2
      w.int64(-1);
      tag(w, 9, 5);
      w.bytes(new Uint8Array(4));
      msg(w, 1, (ts) => {
        tag(ts, 7, 1);
        ts.double(1);
        msg(ts, 1, (l) => {
          str(l, 1, 'only_name');
        });
        msg(ts, 2, () => undefined);
      });
    });
    const rows = decodeWriteRequest(input);
    assert.deepEqual(rows.seriesLabels(0), ['only_name', '']);
    assert.equal(rows.timestamps[0], 0);
    assert.equal(rows.values[0], 0);
  });

  it('reuses rows across requests and grows them', () => {
    const dec = new WriteRequestDecoder();
    const rows = new WriteRequestRows();
    const enc = new WriteRequestEncoder();
    const ts = Array.from({ length: 1000 }, (_, i) => i * 15000);
    for (let s = 0; s < 100; s++) enc.addSeries(['__name__', `m${s % 7}`], ts, ts);
    dec.decode(enc.finish(), rows);
    assert.equal(rows.sampleCount, 100_000);
    assert.equal(rows.values[99_999], 999 * 15000);
    enc.reset();
    enc.addSeries(['__name__', 'm1'], [1], [2]);
    dec.decode(enc.finish(), rows);
    assert.equal(rows.seriesCount, 1);
    assert.equal(rows.sampleCount, 1);
    assert.ok(dec.internStats().hits > 0, 'repeated label strings hit the cache');
  });

  it('round-trips rows through encodeWriteRequest', () => {
    const enc = new WriteRequestEncoder();
    enc.addSeries(['a', 'b'], [1, 2, 3], [0.5, -0, Infinity]);
    enc.addMetadata('gauge', 'g', '', '');
    const first = enc.finish();
    assert.deepEqual(encodeWriteRequest(decodeWriteRequest(first)), first);
  });
});

describe('WriteRequestDecoder errors', () => {
  const cases: { name: string; input: () => Uint8Array; path: string; reason: RegExp }[] = [
    {
      name: 'wrong wire type of a label name',
      input: () =>
        build((w) => {
          msg(w, 1, (ts) => {
            label(ts, 'a', 'b');
          });
          msg(w, 1, (ts) => {
            msg(ts, 1, (l) => {
              tag(l, 1, 0);
              l.uint32(1);
            });
          });
        }),
      path: 'timeseries[1].labels[0].name',
      reason: /wrong wire type 0 for field 1/,
    },
    {
      name: 'invalid UTF-8 in a label value',
      input: () =>
        build((w) => {
          for (let i = 0; i < 3; i++)
            msg(w, 1, (ts) => {
              label(ts, 'a', 'b');
            });
          msg(w, 1, (ts) => {
            label(ts, 'a', 'b');
            msg(ts, 1, (l) => {
              str(l, 1, 'n');
              tag(l, 2, 2);
              l.uint32(2);
              l.bytes(new Uint8Array([0xc3, 0x28]));
            });
          });
        }),
      path: 'timeseries[3].labels[1].value',
      reason: /invalid UTF-8/,
    },
    {
      name: 'truncated varint timestamp',
      input: () =>
        build((w) => {
          msg(w, 1, (ts) => {
            msg(ts, 2, (s) => {
              tag(s, 2, 0);
              s.bytes(new Uint8Array([0x80, 0x80]));
            });
          });
        }),
      path: 'timeseries[0].samples[0].timestamp',
      reason: /truncated varint/,
    },
    {
      name: 'length past the end',
      input: () => new Uint8Array([0x0a, 0x05, 0x0a, 0x00]),
      path: 'timeseries[0]',
      reason: /length 5 runs past the end/,
    },
    {
      name: 'truncated double',
      input: () =>
        build((w) => {
          msg(w, 1, (ts) => {
            msg(ts, 2, (s) => {
              tag(s, 1, 1);
              s.bytes(new Uint8Array(3));
            });
          });
        }),
      path: 'timeseries[0].samples[0].value',
      reason: /truncated double/,
    },
    {
      name: 'timestamp beyond 2^53',
      input: () =>
        build((w) => {
          msg(w, 1, (ts) => {
            msg(ts, 2, (s) => {
              tag(s, 2, 0);
              s.bytes(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]));
            });
          });
        }),
      path: 'timeseries[0].samples[0].timestamp',
      reason: /beyond/,
    },
    {
      name: 'group wire type',
      input: () => new Uint8Array([(5 << 3) | 3]),
      path: 'field 5',
      reason: /unsupported wire type 3/,
    },
    {
      name: 'field number 0',
      input: () => new Uint8Array([0x02, 0x00]),
      path: '',
      reason: /invalid field number 0/,
    },
    {
      name: 'wrong wire type of metadata type',
      input: () =>
        build((w) => {
          msg(w, 3, (m) => {
            str(m, 1, 'counter');
          });
        }),
      path: 'metadata[0].type',
      reason: /wrong wire type 2 for field 1 \(expected 0\)/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const err = decodeError(c.input());
      assert.equal(err.fieldPath, c.path);
      assert.match(err.reason, c.reason);
      assert.match(err.message, /^cannot decode remote write request: /);
      assert.ok(err.offset >= 0);
    });
  }

  it('names the setting when a label value is too long', () => {
    const input = build((w) => {
      msg(w, 1, (ts) => {
        label(ts, 'a', 'x'.repeat(100));
      });
    });
    const err = decodeError(input, { maxLabelValueBytes: 99 });
    assert.equal(err.fieldPath, 'timeseries[0].labels[0].value');
    assert.equal(err.setting, 'maxLabelValueBytes');
    assert.equal(err.offset, 8, 'offset of the length prefix');
    assert.match(err.message, /100 bytes is more than 99 bytes/);
  });

  it('names the setting when a series has too many labels', () => {
    const input = build((w) => {
      msg(w, 1, (ts) => {
        for (let i = 0; i < 4; i++) label(ts, `l${i}`, 'v');
      });
    });
    const err = decodeError(input, { maxLabelsPerSeries: 3 });
    assert.equal(err.fieldPath, 'timeseries[0].labels[3]');
    assert.equal(err.setting, 'maxLabelsPerSeries');
  });
});
