import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ExpositionError, newExpositionParser, type ExpositionFormat } from './index.js';

/** Everything a parse yields, in order, or the error that ended it. */
function drain(input: string, format: ExpositionFormat, hints?: readonly string[]): string[] {
  const p = newExpositionParser(input, format);
  const out: string[] = [];
  let h = 0;
  try {
    for (;;) {
      const k = p.next(hints?.[h]);
      if (k === 'end') break;
      if (k !== 'series') {
        out.push(`${k} ${p.metricName()}`);
        continue;
      }
      if (p.matchedKnown()) h++;
      out.push(
        JSON.stringify([
          p.seriesKey(),
          p.metricName(),
          p.labels([]),
          String(p.value()),
          p.timestampMs() ?? null,
        ]),
      );
    }
  } catch (e) {
    if (!(e instanceof ExpositionError)) throw e;
    out.push(`error ${e.message}`);
  }
  return out;
}

/** Series texts of a successful (prefix of a) parse: what a scrape cache would hold. */
function keysOf(input: string, format: ExpositionFormat): string[] {
  const p = newExpositionParser(input, format);
  const keys: string[] = [];
  try {
    for (let k = p.next(); k !== 'end'; k = p.next()) if (k === 'series') keys.push(p.seriesKey());
  } catch (e) {
    if (!(e instanceof ExpositionError)) throw e;
  }
  return keys;
}

/** Counts the series lines that matched their hint. */
function hits(input: string, format: ExpositionFormat, hints: readonly string[]): number {
  const p = newExpositionParser(input, format);
  let n = 0;
  for (let k = p.next(hints[n]); k !== 'end'; k = p.next(hints[n])) {
    if (k === 'series' && p.matchedKnown()) n++;
  }
  return n;
}

describe('known series hints', () => {
  it('skip the series text of a line written exactly as the hint, with the same results', () => {
    const text = [
      '# TYPE node_cpu_seconds_total counter',
      'node_cpu_seconds_total{cpu="0",mode="idle"} 12.5',
      'node_cpu_seconds_total{cpu="0",mode="user"}\t7 1700000000000',
      'up 1',
    ].join('\n');
    const keys = keysOf(text, 'prometheus-text');
    assert.equal(hits(text, 'prometheus-text', keys), 3);
    assert.deepEqual(drain(text, 'prometheus-text', keys), drain(text, 'prometheus-text'));
  });

  it('do not match a longer name, a label set after blanks, or other labels', () => {
    const f = 'prometheus-text';
    assert.equal(hits('foo_bar 1', f, ['foo']), 0);
    assert.equal(hits('foo {a="b"} 1', f, ['foo']), 0);
    assert.equal(hits('foo{a="b"} 1', f, ['foo{a="c"}']), 0);
    assert.deepEqual(drain('foo{a="b"}x 1', f, ['foo{a="b"}']), drain('foo{a="b"}x 1', f));
    assert.deepEqual(drain('foo {a="b"} 1', f, ['foo']), drain('foo {a="b"} 1', f));
    const om = 'openmetrics';
    assert.equal(hits('foo{a="b"} 1\n# EOF\n', om, ['foo']), 0);
    assert.equal(hits('foo 1 # {t="x"} 2\n# EOF\n', om, ['foo']), 1);
  });

  it('still check the value and timestamp of a matched line', () => {
    assert.match(drain('up 1 2 3', 'prometheus-text', ['up']).at(-1) ?? '', /^error /);
    assert.match(drain('up x\n# EOF\n', 'openmetrics', ['up']).at(-1) ?? '', /^error /);
  });

  const pool = [
    'foo',
    'foo_bar',
    'foo{a="b"}',
    'foo{a="b",}',
    'foo {a="b"}',
    'foo{a="b}"}',
    'foo{a="x\\"y"}',
    'foo{a="b",c="d"}',
    '{"my.metric",a="b"}',
    'foo{a="b",a="c"}',
    'bar{le="+Inf"}',
  ];
  const tails = [' 1', ' 2.5', '\t3 1700000000000', ' NaN', ' 1 # {t="x"} 1', ' x', ' 1 2 3'];
  const line = fc.tuple(fc.constantFrom(...pool), fc.constantFrom(...tails)).map(([k, t]) => k + t);
  const exposition = fc.array(line, { maxLength: 12 }).map((ls) => ls.join('\n'));

  for (const format of ['prometheus-text', 'openmetrics'] as const) {
    it(`${format}: hints from one exposition never change how another parses`, () => {
      const end = format === 'openmetrics' ? '\n# EOF\n' : '\n';
      fc.assert(
        fc.property(exposition, exposition, (a, b) => {
          const hints = keysOf(a + end, format);
          assert.deepEqual(drain(b + end, format, hints), drain(b + end, format));
          // Hints in the parse's own order match every line of a valid exposition.
          const own = keysOf(b + end, format);
          assert.deepEqual(drain(b + end, format, own), drain(b + end, format));
        }),
        { numRuns: 1500 },
      );
    });
  }
});

describe('byte input', () => {
  /** About 100 KiB of lines (several pieces), with non-ASCII values and one very long line. */
  function big(om: boolean): string {
    const lines: string[] = [];
    for (let i = 0; i < 1500; i++)
      lines.push(`m_total{i="${i}",v="ä€😀${'x'.repeat(i % 40)}"} ${i}`);
    lines.splice(700, 0, `long{v="${'y'.repeat(70_000)}"} 1`);
    return lines.join('\n') + (om ? '\n# EOF\n' : '\n');
  }

  for (const format of ['prometheus-text', 'openmetrics'] as const) {
    it(`${format}: UTF-8 bytes read in pieces give what the string gives`, () => {
      const text = big(format === 'openmetrics');
      const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
      const fromBytes = drainBytes(bytes, format);
      assert.equal(fromBytes.length, 1501);
      assert.deepEqual(fromBytes, drainBytes(text, format));
    });
  }

  it('openmetrics: text after "# EOF" in a later piece is an error', () => {
    const text = `${'a 1\n'.repeat(10_000)}# EOF\n${'b 1\n'.repeat(10_000)}`;
    const out = drainBytes(Buffer.from(text), 'openmetrics');
    assert.match(out.at(-1) ?? '', /^error line 10001, column 7: unexpected text after "# EOF"/);
    assert.deepEqual(out, drainBytes(text, 'openmetrics'));
  });
});

function drainBytes(bytes: string | Uint8Array, format: ExpositionFormat): string[] {
  const p = newExpositionParser(bytes, format);
  const out: string[] = [];
  try {
    for (let k = p.next(); k !== 'end'; k = p.next()) {
      if (k === 'series') out.push(JSON.stringify([p.seriesKey(), p.labels([]), p.value()]));
    }
  } catch (e) {
    if (!(e instanceof ExpositionError)) throw e;
    out.push(`error ${e.message}`);
  }
  return out;
}

describe('text format values', () => {
  it('reads decimals exactly as Number does, and leaves the rest to the full float parser', () => {
    const dec = fc
      .tuple(
        fc.boolean(),
        fc.stringMatching(/^[0-9]{0,17}$/),
        fc.option(fc.stringMatching(/^[0-9]{0,17}$/)),
      )
      .map(([neg, i, f]) => `${neg ? '-' : ''}${i}${f === null ? '' : `.${f}`}`)
      .filter((v) => /[0-9]/.test(v));
    fc.assert(
      fc.property(dec, (v) => {
        const p = newExpositionParser(`m ${v}\n`, 'prometheus-text');
        assert.equal(p.next(), 'series');
        assert.ok(Object.is(p.value(), Number(v)), v);
      }),
      { numRuns: 3000 },
    );
    for (const [v, want] of [
      ['+1.5', 1.5],
      ['1e3', 1000],
      ['0x10', 16],
      ['-Inf', -Infinity],
    ] as const) {
      const p = newExpositionParser(`m ${v} 5\n`, 'prometheus-text');
      p.next();
      assert.equal(p.value(), want);
      assert.equal(p.timestampMs(), 5);
    }
    for (const bad of ['1.2.3', '-', '.', '1x']) {
      assert.throws(
        () => newExpositionParser(`m ${bad}\n`, 'prometheus-text').next(),
        /invalid value/,
      );
    }
  });
});
