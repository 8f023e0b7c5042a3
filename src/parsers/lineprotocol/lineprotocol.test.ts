import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  parseLineProtocol,
  parsePrecision,
  pointTags,
  type LineError,
  type Point,
} from './index.js';

interface Copy {
  line: number;
  measurement: string;
  tags: string[];
  fields: [string, number | string, string][];
  ts: number | undefined;
}

function parseAll(
  text: string,
  precision = parsePrecision('ns')!,
): { pts: Copy[]; errs: LineError[] } {
  const pts: Copy[] = [];
  const errs: LineError[] = [];
  parseLineProtocol(
    text,
    precision,
    (p: Point) =>
      pts.push({
        line: p.line,
        measurement: p.measurement,
        tags: pointTags(p),
        fields: p.fieldKeys
          .slice(0, p.fieldCount)
          .map((k, i) => [
            k,
            p.fieldTypes[i] === 'string' ? p.fieldStrings[i]! : p.fieldValues[i]!,
            p.fieldTypes[i]!,
          ]),
        ts: p.timestampMs,
      }),
    (e) => errs.push(e),
  );
  return { pts, errs };
}

describe('line protocol', () => {
  it('decodes every field type, tags, escapes and timestamps', () => {
    const { pts, errs } = parseAll(
      [
        'cpu,host=a,region=us\\ west usage_idle=99.5,count=3i,big=18446744073709551615u,ok=t,msg="say \\"hi\\"" 1700000000123456789',
        '# a comment',
        '',
        'weather\\,x temp=-1.5e1',
        'heart\\ rate,person=me bpm=61 1700000000000000000',
      ].join('\n'),
    );
    assert.deepEqual(errs, []);
    assert.equal(pts.length, 3);
    assert.deepEqual(pts[0], {
      line: 1,
      measurement: 'cpu',
      tags: ['host', 'a', 'region', 'us west'],
      fields: [
        ['usage_idle', 99.5, 'float'],
        ['count', 3, 'integer'],
        ['big', Number('18446744073709551615'), 'unsigned'],
        ['ok', 1, 'boolean'],
        ['msg', 'say "hi"', 'string'],
      ],
      ts: 1700000000123,
    });
    assert.equal(pts[1]!.measurement, 'weather,x');
    assert.equal(pts[1]!.ts, undefined);
    assert.deepEqual(pts[1]!.fields, [['temp', -15, 'float']]);
    assert.equal(pts[2]!.measurement, 'heart rate');
    assert.equal(pts[2]!.line, 5);
  });

  it('converts every precision to milliseconds', () => {
    const cases: [string, string, number][] = [
      ['ns', '1500000000', 1500],
      ['us', '1500000', 1500],
      ['ms', '1500', 1500],
      ['s', '2', 2000],
      ['m', '2', 120_000],
      ['h', '1', 3_600_000],
      ['n', '-1500000', -2],
    ];
    for (const [prec, raw, want] of cases) {
      const { pts } = parseAll(`m v=1 ${raw}`, parsePrecision(prec));
      assert.equal(pts[0]!.ts, want, `${prec} ${raw}`);
    }
    assert.equal(parsePrecision('x'), undefined);
  });

  it('reports bad lines with line and column and keeps the good ones', () => {
    const { pts, errs } = parseAll(
      [
        'good v=1',
        'bad',
        'm,t v=1',
        'm v=abc',
        'm v="open',
        'm v=1 12x',
        'm v=1i2',
        'fine v=2',
      ].join('\n'),
    );
    assert.deepEqual(
      pts.map((p) => p.measurement),
      ['good', 'fine'],
    );
    assert.deepEqual(
      errs.map((e) => [e.line, e.column]),
      [
        [2, 4],
        [3, 4],
        [4, 5],
        [5, 5],
        [6, 7],
        [7, 5],
      ],
    );
    assert.match(errs[2]!.message, /invalid value "abc" of field "v"/);
  });

  it('never throws on arbitrary input (fuzz)', () => {
    const unit = fc.constantFrom(...'ab,= "\\\n#0123.eiu-tTfF'.split(''));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 300 }), (s) => {
        let n = 0;
        const r = parseLineProtocol(
          s,
          'ns',
          () => n++,
          () => n++,
        );
        assert.equal(r.points + r.errors, n);
      }),
      { numRuns: 2000 },
    );
  });
});
