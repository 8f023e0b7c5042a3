import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextfileParseError, parseTextfile } from './index.js';

describe('parseTextfile', () => {
  it('parses help, type, labels with escapes and special values', () => {
    const fams = parseTextfile(
      [
        '# a plain comment',
        '# HELP backup_age_seconds Age of the last backup\\nin seconds.',
        '# TYPE backup_age_seconds gauge',
        'backup_age_seconds{host="pi",path="C:\\\\x \\"y\\""} 12.5',
        'backup_age_seconds{host="nas"} +Inf',
        '',
        'untyped_thing NaN',
      ].join('\n'),
      'a.prom',
    );
    assert.equal(fams.length, 2);
    const b = fams[0];
    const u = fams[1];
    assert.ok(b !== undefined && u !== undefined);
    assert.equal(b.help, 'Age of the last backup\nin seconds.');
    assert.equal(b.type, 'gauge');
    assert.deepEqual(b.samples[0]?.labels, ['host', 'pi', 'path', 'C:\\x "y"']);
    assert.equal(b.samples[1]?.value, Infinity);
    assert.equal(u.type, 'untyped');
    assert.equal(u.help, null);
    assert.ok(Number.isNaN(u.samples[0]?.value));
  });

  it('groups histogram and summary series into their family', () => {
    const fams = parseTextfile(
      [
        '# TYPE lat histogram',
        'lat_bucket{le="1"} 2',
        'lat_bucket{le="+Inf"} 3',
        'lat_sum 4',
        'lat_count 3',
        '# TYPE q summary',
        'q{quantile="0.5"} 1',
        'q_sum 2',
        'q_count 2',
      ].join('\n'),
      'h.prom',
    );
    assert.deepEqual(
      fams.map((f) => [f.name, f.type, f.samples.length]),
      [
        ['lat', 'histogram', 4],
        ['q', 'summary', 3],
      ],
    );
  });

  const bad: [string, string, RegExp][] = [
    ['timestamp', 'm 1 1700000000000', /timestamps are not supported/],
    ['second HELP', '# HELP m a\n# HELP m b\nm 1', /second HELP/],
    ['second TYPE', '# TYPE m gauge\n# TYPE m gauge\nm 1', /second TYPE/],
    ['TYPE after samples', 'm 1\n# TYPE m gauge', /after its samples/],
    ['unknown type', '# TYPE m gaugeish\nm 1', /unknown metric type/],
    ['bad value', 'm one', /invalid value/],
    ['empty value', 'm', /invalid value/],
    ['bad escape', 'm{a="\\x"} 1', /invalid escape/],
    ['unterminated', 'm{a="x} 1', /unterminated/],
    ['invalid label name', 'm{1a="x"} 1', /invalid label name/],
    ['duplicate label', 'm{a="x",a="y"} 1', /duplicate label/],
    ['duplicate series', 'm{a="x"} 1\nm{a="x"} 2', /duplicate series/],
    ['invalid metric name', '1m 1', /invalid metric name/],
    ['bucket without le', '# TYPE h histogram\nh_bucket 1', /needs a le label/],
    ['missing comma', 'm{a="x" b="y"} 1', /expected ',' or '}'/],
  ];
  for (const [what, text, re] of bad) {
    it(`rejects ${what} with the line number`, () => {
      assert.throws(
        () => parseTextfile(text, 'bad.prom'),
        (err: unknown) =>
          err instanceof TextfileParseError &&
          re.test(err.message) &&
          /bad\.prom: line \d/.test(err.message),
      );
    });
  }
});
