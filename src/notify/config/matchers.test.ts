import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MatcherParseError, formatMatcher, parseMatchers } from './index.js';

function texts(input: string): string[] {
  return parseMatchers(input).matchers.map(formatMatcher);
}

describe('parseMatchers', () => {
  const ok: [string, string[], 'utf8' | 'classic'][] = [
    ['foo=bar', ['foo="bar"'], 'utf8'],
    [
      '{alertname="Watchdog", severity=~"warning|critical",}',
      ['alertname="Watchdog"', 'severity=~"warning|critical"'],
      'utf8',
    ],
    ['env !~ preprod', ['env!~"preprod"'], 'utf8'],
    ['{\n  a = "b",\n  c != "d"\n}', ['a="b"', 'c!="d"'], 'utf8'],
    ['"foo bar"="baz"', ['"foo bar"="baz"'], 'utf8'],
    ['Προμηθεύς=x', ['"Προμηθεύς"="x"'], 'utf8'],
    ['qux="\\xf0\\x9f\\x99\\x82"', ['qux="🙂"'], 'utf8'],
    ['foo="bar,baz"', ['foo="bar,baz"'], 'utf8'],
    ['foo=', ['foo=""'], 'classic'],
    ['foo=bar!', ['foo="bar!"'], 'classic'],
  ];
  for (const [input, want, syntax] of ok) {
    it(`accepts ${JSON.stringify(input)} (${syntax})`, () => {
      assert.deepEqual(texts(input), want);
      assert.equal(parseMatchers(input).syntax, syntax);
    });
  }
  for (const bad of ['{foo="bar"', '{{foo="bar"}}', 'foo', '"unterminated', 'foo=~"("']) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseMatchers(bad), MatcherParseError);
    });
  }
  it('matches with anchored regexes', () => {
    const [m] = parseMatchers('job=~"api|web"').matchers;
    assert.ok(m?.matches('api'));
    assert.ok(!m?.matches('apis'));
  });
});
