import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Lexer } from './lexer.js';
import { type Token } from './tokenkinds.js';

function lex(input: string): [string, number, string][] {
  const lx = new Lexer(input);
  const out: [string, number, string][] = [];
  for (let i = 0; i < 1000; i++) {
    const t: Token = lx.next();
    out.push([t.kind, t.pos, t.val]);
    if (t.kind === 'EOF' || t.kind === 'ERROR') return out;
  }
  throw new Error('lexer did not stop');
}

function kinds(input: string): string[] {
  return lex(input).map(([k]) => k);
}

function lexError(input: string): [number, string] {
  const last = lex(input).at(-1);
  assert.ok(last !== undefined && last[0] === 'ERROR', `${input}: no error`);
  return [last[1], last[2]];
}

describe('Lexer', () => {
  it('lexes punctuation and operators', () => {
    assert.deepEqual(kinds('(),{}[5m]'), ['(', ')', ',', '{', '}', '[', 'DURATION', ']', 'EOF']);
    assert.deepEqual(kinds('+ - * / % ^ == != < <= > >= </ >/ @'), [
      ...['+', '-', '*', '/', '%', '^', '==', '!=', '<', '<=', '>', '>=', '</', '>/', '@'],
      'EOF',
    ]);
    assert.deepEqual(kinds('{a=~"b",c!~"d",e!="f",g="h"}'), [
      ...['{', 'IDENTIFIER', '=~', 'STRING', ',', 'IDENTIFIER', '!~', 'STRING', ','],
      ...['IDENTIFIER', '!=', 'STRING', ',', 'IDENTIFIER', '=', 'STRING', '}', 'EOF'],
    ]);
  });

  it('recognises keywords case-insensitively, keeping the text', () => {
    assert.deepEqual(lex('SUM By AND offset'), [
      ['sum', 0, 'SUM'],
      ['by', 4, 'By'],
      ['and', 7, 'AND'],
      ['offset', 11, 'offset'],
      ['EOF', 17, ''],
    ]);
    assert.deepEqual(kinds('Inf nan'), ['NUMBER', 'NUMBER', 'EOF']);
    assert.deepEqual(kinds('a:b c'), ['METRIC_IDENTIFIER', 'IDENTIFIER', 'EOF']);
  });

  it('treats keywords as identifiers inside braces', () => {
    assert.deepEqual(kinds('{by="x", sum="y"}'), [
      ...['{', 'IDENTIFIER', '=', 'STRING', ',', 'IDENTIFIER', '=', 'STRING', '}', 'EOF'],
    ]);
  });

  it('treats fill keywords as identifiers unless a parenthesis follows', () => {
    assert.deepEqual(kinds('fill + fill (1)'), [
      'IDENTIFIER',
      '+',
      'fill',
      '(',
      'NUMBER',
      ')',
      'EOF',
    ]);
  });

  it('lexes numbers and durations', () => {
    for (const n of ['1', '.5', '5.', '1e3', '1E-3', '0x1F', '0X_1f', '1_000', '1_000.5', '0755']) {
      assert.deepEqual(kinds(n), ['NUMBER', 'EOF'], n);
    }
    for (const d of ['5m', '1h30m', '10s53ms', '1y2w3d4h5m6s7ms']) {
      assert.deepEqual(kinds(d), ['DURATION', 'EOF'], d);
    }
  });

  it('lexes duration expressions in brackets', () => {
    assert.deepEqual(kinds('[step()*2:min_of(1m,range())]'), [
      ...['[', 'step', '(', ')', '*', 'NUMBER', ':', 'min_of', '(', 'DURATION', ','],
      ...['range', '(', ')', ')', ']', 'EOF'],
    ]);
  });

  it('lexes the three string kinds', () => {
    assert.deepEqual(lex(`"a\\"b" 'c' \`d\\\``), [
      ['STRING', 0, '"a\\"b"'],
      ['STRING', 7, "'c'"],
      ['STRING', 11, '`d\\`'],
      ['EOF', 15, ''],
    ]);
  });

  it('skips comments', () => {
    assert.deepEqual(kinds('a # comment\n+ b # more'), ['IDENTIFIER', '+', 'IDENTIFIER', 'EOF']);
  });

  it('reports errors like Prometheus', () => {
    const cases: [string, number, string][] = [
      ['.', 0, "unexpected character: '.'"],
      ['2.5.', 0, 'bad number or duration syntax: "2.5."'],
      ['0deadbeef', 0, 'bad number or duration syntax: "0de"'],
      ['1 =~ 1', 2, "unexpected character after '=': '~'"],
      ['1 !~ 1', 2, "unexpected character after '!': '~'"],
      ['(1))', 4, "unexpected right parenthesis ')'"],
      ['((1)', 4, 'unclosed left parenthesis'],
      ['foo[5m', 6, 'unclosed left bracket'],
      ['foo[', 4, 'unexpected end of input in duration expression'],
      ['foo["5m"]', 4, "unexpected character in duration expression: '\"'"],
      ['foo[5s x 5s]', 7, "unexpected character: 'x', expected ':'"],
      ['{a:b="c"}', 2, "unexpected character inside braces: ':'"],
      ['{a!b}', 2, "unexpected character after '!' inside braces: 'b'"],
      ['{{', 1, "unexpected left brace '{'"],
      ['{', 1, 'unexpected end of input inside braces'],
      ['"abc', 0, 'unterminated quoted string'],
      ['`abc', 0, 'unterminated raw string'],
      ['"\\c"', 0, "unknown escape sequence U+0063 'c'"],
      ['"\\x.1"', 0, "illegal character U+002E '.' in escape sequence"],
      ['"\\uD800"', 0, 'escape sequence is an invalid Unicode code point'],
      ['"\\', 0, 'escape sequence not terminated'],
      ['a ¥', 2, "unexpected character: '¥'"],
      ['a \u0001', 2, "unexpected character: '\\x01'"],
      ['x[1m:1m:1m]', 7, "unexpected colon ':'"],
      ['x[step():1m]', 9, 'unexpected colon before duration in duration expression'],
    ];
    for (const [input, pos, msg] of cases) assert.deepEqual(lexError(input), [pos, msg], input);
  });

  it('stops after an error', () => {
    const lx = new Lexer(')');
    assert.equal(lx.next().kind, 'ERROR');
    assert.equal(lx.next().kind, 'EOF');
    assert.equal(lx.next().kind, 'EOF');
  });
});
