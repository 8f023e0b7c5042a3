import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ByteReader, ByteWriter, uvarintSize } from './encbuf.js';
import { CorruptBlockError } from './errors.js';
import { decodePostings, encodePostings, intersect, subtract, union } from './postings.js';
import { addInterval, decodeTombstones, encodeTombstones } from './tombstones.js';
import { isULID, newULID } from './ulid.js';

const SRC = { dir: 'd', file: 'f' };

describe('varints and strings', () => {
  it('round-trips unsigned and signed values over the safe-integer range', () => {
    const values = [
      0,
      1,
      127,
      128,
      16383,
      16384,
      2 ** 31,
      2 ** 32 + 5,
      2 ** 52,
      Number.MAX_SAFE_INTEGER,
    ];
    const w = new ByteWriter(4);
    for (const v of values) w.putUvarint(v);
    for (const v of values) if (v > 0 && v < 2 ** 52) w.putVarint(-v);
    w.putString('héllo ✓');
    w.putU64(2 ** 40 + 3);
    const r = new ByteReader(Buffer.from(w.bytes()), 100, SRC);
    for (const v of values) assert.equal(r.uvarint(), v);
    for (const v of values) if (v > 0 && v < 2 ** 52) assert.equal(r.varint(), -v);
    assert.equal(r.string(), 'héllo ✓');
    assert.equal(r.u64(), 2 ** 40 + 3);
    assert.equal(r.remaining(), 0);
    assert.equal(uvarintSize(127), 1);
    assert.equal(uvarintSize(128), 2);
    assert.equal(uvarintSize(Number.MAX_SAFE_INTEGER), 8);
  });

  it('property: any safe integer round-trips', () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeNat()), fc.array(fc.integer()), (us, ss) => {
        const w = new ByteWriter(1);
        for (const u of us) w.putUvarint(u);
        for (const s of ss) w.putVarint(s);
        const r = new ByteReader(Buffer.from(w.bytes()), 0, SRC);
        for (const u of us) assert.equal(r.uvarint(), u);
        for (const s of ss) assert.equal(r.varint(), s);
      }),
    );
  });

  it('reports reads past the end with file and absolute offset', () => {
    const r = new ByteReader(Buffer.from([0x80, 0x80]), 1000, SRC);
    assert.throws(
      () => r.uvarint(),
      (e: unknown) => e instanceof CorruptBlockError && e.offset === 1000 && e.file === 'f',
    );
  });
});

describe('postings', () => {
  const sortedSet = fc
    .uniqueArray(fc.integer({ min: 0, max: 5000 }), { maxLength: 200 })
    .map((a) => Float64Array.from(a.sort((x, y) => x - y)));

  it('property: set operations agree with naive ones', () => {
    fc.assert(
      fc.property(sortedSet, sortedSet, sortedSet, (a, b, c) => {
        const sa = new Set(a);
        const sb = new Set(b);
        assert.deepEqual(
          [...intersect(a, b)],
          [...a].filter((x) => sb.has(x)),
        );
        assert.deepEqual(
          [...subtract(a, b)],
          [...a].filter((x) => !sb.has(x)),
        );
        const u = [...new Set([...a, ...b, ...c])].sort((x, y) => x - y);
        assert.deepEqual([...union([a, b, c])], u);
        assert.deepEqual([...union([])], []);
        assert.equal(sa.size, a.length);
      }),
    );
  });

  it('property: encoding round-trips and a flipped byte is detected', () => {
    fc.assert(
      fc.property(sortedSet, fc.nat(), (refs, flip) => {
        const w = new ByteWriter(16);
        encodePostings(refs, w);
        const buf = Buffer.from(w.bytes());
        assert.deepEqual([...decodePostings(buf, 0, SRC)], [...refs]);
        const at = flip % buf.length;
        buf[at] = buf[at]! ^ 0x01;
        assert.throws(() => decodePostings(buf, 0, SRC), CorruptBlockError);
      }),
    );
  });
});

describe('tombstone intervals', () => {
  it('merges overlapping and adjacent intervals', () => {
    let iv = addInterval([], 10, 20);
    iv = addInterval(iv, 30, 40);
    assert.deepEqual(iv, [10, 20, 30, 40]);
    assert.deepEqual(addInterval(iv, 21, 29), [10, 40]);
    assert.deepEqual(addInterval(iv, 15, 35), [10, 40]);
    assert.deepEqual(addInterval(iv, 0, 5), [0, 5, 10, 20, 30, 40]);
    assert.deepEqual(addInterval(iv, 50, 60), [10, 20, 30, 40, 50, 60]);
    assert.deepEqual(addInterval(iv, 22, 25), [10, 20, 22, 25, 30, 40]);
  });

  it('round-trips through the file encoding', () => {
    const ts = new Map([
      [12, [-5, 7, 100, 200]],
      [3, [1_700_000_000_000, 1_700_000_100_000]],
    ]);
    assert.deepEqual(decodeTombstones(encodeTombstones(ts), 'd'), ts);
  });
});

describe('ulid', () => {
  it('creates sortable, valid ids', () => {
    const a = newULID(1_000);
    const b = newULID(2_000);
    assert.ok(isULID(a) && isULID(b));
    assert.ok(a < b);
    assert.equal(a.length, 26);
    assert.equal(newULID(0).slice(0, 10), '0000000000');
    assert.throws(() => newULID(-1), RangeError);
  });
});
