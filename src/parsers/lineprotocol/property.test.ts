/**
 * Property tests of the line-protocol decoder: written points read back exactly (escapes, every
 * field type, every precision), the exact fast paths for decimals and timestamps agree with the
 * general conversion, every line is either a point or an error, and huge lines stay linear.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseLineProtocol, pointTags, type Precision } from './index.js';

/** Escapes a measurement (`,` and space) or a tag key/value and field key (`,`, `=`, space). */
function esc(s: string, measurement: boolean): string {
  return s.replace(measurement ? /[, \\]/g : /[,= \\]/g, (c) => `\\${c}`);
}

const name = fc.string({
  unit: fc.constantFrom(...'abcXYZ_09 ,=\\.-é'.split('')),
  minLength: 1,
  maxLength: 12,
});

/** A name that survives escaping (not ending in a lone backslash that would escape the separator). */
const safeName = name.filter((s) => !s.endsWith('\\') && s.trim() === s && !s.startsWith('#'));

describe('line protocol properties', () => {
  it('reads back what was written: measurement, tags, typed fields, timestamp', () => {
    fc.assert(
      fc.property(
        safeName,
        fc.array(fc.tuple(safeName, safeName), { maxLength: 4 }),
        fc.array(
          fc.tuple(
            safeName,
            fc.oneof(
              fc
                .double({ noNaN: true, noDefaultInfinity: true })
                // String(-0) is "0": -0 cannot be written as such.
                .map((v) => ({ v: v + 0, t: 'float' })),
              fc.integer().map((v) => ({ v, t: 'integer' })),
              fc.boolean().map((v) => ({ v: v ? 1 : 0, t: 'boolean' })),
            ),
          ),
          { minLength: 1, maxLength: 4 },
        ),
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        (m, tags, fields, tsMs) => {
          const text =
            esc(m, true) +
            tags.map(([k, v]) => `,${esc(k, false)}=${esc(v, false)}`).join('') +
            ' ' +
            fields
              .map(([k, f]) => {
                const value =
                  f.t === 'integer'
                    ? `${f.v}i`
                    : f.t === 'boolean'
                      ? f.v
                        ? 'true'
                        : 'F'
                      : String(f.v);
                return `${esc(k, false)}=${value}`;
              })
              .join(',') +
            ` ${tsMs}000000`;
          let got:
            | {
                m: string;
                tags: string[];
                keys: string[];
                values: number[];
                ts: number | undefined;
              }
            | undefined;
          const errors: string[] = [];
          parseLineProtocol(
            text,
            'ns',
            (p) => {
              got = {
                m: p.measurement,
                tags: pointTags(p),
                keys: p.fieldKeys.slice(0, p.fieldCount),
                values: p.fieldValues.slice(0, p.fieldCount),
                ts: p.timestampMs,
              };
            },
            (e) => errors.push(e.message),
          );
          assert.deepEqual(errors, [], text);
          assert.deepEqual(got, {
            m,
            tags: tags.flat(),
            keys: fields.map(([k]) => k),
            values: fields.map(([, f]) => f.v),
            ts: tsMs,
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decodes decimal values exactly like Number()', () => {
    const decimal = fc
      .tuple(
        fc.boolean(),
        fc.stringMatching(/^[0-9]{1,18}$/),
        fc.option(fc.stringMatching(/^[0-9]{0,18}$/), { nil: undefined }),
      )
      .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}`);
    fc.assert(
      fc.property(decimal, (raw) => {
        let v = NaN;
        parseLineProtocol(
          `m f=${raw} 1`,
          'ms',
          (p) => (v = p.fieldValues[0]!),
          () => assert.fail(raw),
        );
        assert.ok(Object.is(v, Number(raw)), `${raw}: ${v} !== ${Number(raw)}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('converts timestamps exactly in every precision (floor to whole ms)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 9_000_000_000_000_000_000n }),
        fc.constantFrom<Precision>('ns', 'us', 'ms', 's', 'm', 'h'),
        (ts, precision) => {
          const perMs: Record<Precision, bigint> = {
            ns: 1_000_000n,
            us: 1000n,
            ms: 1n,
            s: 1n,
            m: 1n,
            h: 1n,
          };
          const mul: Record<Precision, bigint> = {
            ns: 1n,
            us: 1n,
            ms: 1n,
            s: 1000n,
            m: 60_000n,
            h: 3_600_000n,
          };
          const expectMs = (ts / perMs[precision]) * mul[precision];
          let got: number | undefined;
          let err = '';
          parseLineProtocol(
            `m f=1 ${ts}`,
            precision,
            (p) => (got = p.timestampMs),
            (e) => (err = e.message),
          );
          if (expectMs > BigInt(Number.MAX_SAFE_INTEGER)) assert.match(err, /out of range/);
          else assert.equal(got, Number(expectMs), `${ts} ${precision} ${err}`);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('accounts for every line: a point or an error, never a throw', () => {
    const unit = fc.constantFrom(...'m,= "\\\n\r\t#01.eiuTF-+x'.split(''));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 400 }), (s) => {
        const r = parseLineProtocol(
          s,
          'ns',
          () => undefined,
          () => undefined,
        );
        const lines = s
          .split('\n')
          .map((l) => l.replace(/\r$/, '').replace(/^[ \t]+/, ''))
          .filter((l) => l !== '' && !l.startsWith('#')).length;
        assert.equal(r.points + r.errors, lines, JSON.stringify(s));
      }),
      { numRuns: 1000 },
    );
  });

  it('handles a 4 MiB line and 300,000 tiny lines in linear time', () => {
    const huge = `m,${'t=v,'.repeat(1 << 20)}x=y f=1 1`;
    let t0 = performance.now();
    let points = 0;
    parseLineProtocol(
      huge,
      'ms',
      () => points++,
      () => undefined,
    );
    assert.equal(points, 1);
    assert.ok(performance.now() - t0 < 5000, 'huge line');
    const many = 'a f=1\n'.repeat(300_000);
    t0 = performance.now();
    const r = parseLineProtocol(
      many,
      'ms',
      () => undefined,
      () => undefined,
    );
    assert.equal(r.points, 300_000);
    assert.ok(performance.now() - t0 < 10_000, 'many lines');
    const bad = `m ${'f'.repeat(1 << 22)}`;
    const e = parseLineProtocol(
      bad,
      'ms',
      () => undefined,
      () => undefined,
    );
    assert.equal(e.errors, 1);
  });
});
