import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GoInt, Template, TemplateError, sprintf } from './index.js';

const run = (src: string, data: unknown, funcs = {}): string =>
  new Template('t', src, funcs).execute(data);

describe('Go text/template', () => {
  const cases: [string, string, unknown, string][] = [
    ['text and fields', 'a {{ .x }} b {{ .y.z }}', { x: 'X', y: { z: 'Z' } }, 'a X b Z'],
    ['dot and root', '{{ with .a }}{{ . }}{{ $.b }}{{ end }}', { a: 1, b: 'B' }, '1B'],
    [
      'if / else if / else',
      '{{ if eq .n 1 }}one{{ else if eq .n 2 }}two{{ else }}many{{ end }}',
      { n: 2 },
      'two',
    ],
    [
      'range over a list with index',
      '{{ range $i, $v := .l }}{{ $i }}={{ $v }};{{ end }}',
      { l: ['a', 'b'] },
      '0=a;1=b;',
    ],
    [
      'range over a map is sorted',
      '{{ range $k, $v := . }}{{ $k }}:{{ $v }} {{ end }}',
      { b: '2', a: '1' },
      'a:1 b:2 ',
    ],
    ['range else', '{{ range .l }}x{{ else }}empty{{ end }}', { l: [] }, 'empty'],
    [
      'break and continue',
      '{{ range .l }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}',
      { l: [1, 2, 3, 4, 5] },
      '13',
    ],
    [
      'variables and assignment',
      '{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}',
      {},
      '2',
    ],
    ['pipelines', '{{ .s | printf "%s!" | printf "[%s]" }}', { s: 'hi' }, '[hi!]'],
    ['parenthesized and chained', '{{ (index .m "k").v }}', { m: { k: { v: 'deep' } } }, 'deep'],
    ['trim markers', 'a  {{- " b " -}}  c', {}, 'a b c'],
    ['comments', 'a{{/* hidden */}}b{{- /* x */ -}} c', {}, 'abc'],
    ['and / or short-circuit', '{{ and 1 0 2 }} {{ or 0 "" "z" }} {{ not false }}', {}, '0 z true'],
    [
      'len and index',
      '{{ len .l }} {{ index .l 1 }} {{ len "héllo" }}',
      { l: ['a', 'b'] },
      '2 b 6',
    ],
    [
      'comparisons',
      '{{ lt 1 2 }} {{ ge "b" "a" }} {{ eq "x" "y" "x" }} {{ ne 1 1 }}',
      {},
      'true true true false',
    ],
    ['missing key is empty', '[{{ .nope }}]', { a: 1 }, '[]'],
    [
      'define and template',
      '{{ define "x" }}<{{ . }}>{{ end }}{{ template "x" .v }}',
      { v: 'V' },
      '<V>',
    ],
    ['block', '{{ block "b" . }}default {{ .n }}{{ end }}', { n: 1 }, 'default 1'],
    ['methods with arguments', '{{ .Get "a" }}', { Get: (k: string) => `got ${k}` }, 'got a'],
    [
      'float printing like Go',
      '{{ .a }} {{ .b }} {{ .c }} {{ .d }} {{ .e }}',
      { a: 1e6, b: 123456, c: 0.00001, d: 1.5, e: 1234567.5 },
      '1e+06 123456 1e-05 1.5 1.2345675e+06',
    ],
    [
      'html and urlquery',
      '{{ html "<a href=\\"x\\">" }} {{ urlquery "a b&c" }}',
      {},
      '&lt;a href=&#34;x&#34;&gt; a+b%26c',
    ],
    ['print spacing', '{{ print 1 2 "a" "b" 3 }}', {}, '1 2ab3'],
    ['custom functions', '{{ upper .s }}', { s: 'x' }, 'X'],
  ];
  for (const [name, src, data, want] of cases) {
    it(name, () => {
      assert.equal(run(src, data, { upper: (s: unknown) => String(s).toUpperCase() }), want);
    });
  }

  it('reports parse errors with line and column', () => {
    assert.throws(
      () => new Template('t', 'a\n{{ if .x }}b'),
      (e: unknown) => e instanceof TemplateError && /t:2:\d+: unexpected EOF/.test(e.message),
    );
    assert.throws(
      () => new Template('t', '{{ nosuchfunc 1 }}'),
      /function "nosuchfunc" not defined/,
    );
    assert.throws(() => new Template('t', '{{ $undefined }}'), /undefined variable "\$undefined"/);
    assert.throws(() => new Template('t', '{{ break }}'), /outside \{\{range\}\}/);
  });

  it('reports execution errors', () => {
    assert.throws(
      () => run('{{ index .l 5 }}', { l: [] }),
      /error calling index: index out of range/,
    );
    assert.throws(() => run('{{ lt 1 "a" }}', {}), /incompatible types for comparison/);
  });
});

describe('sprintf', () => {
  const cases: [string, unknown[], string][] = [
    ['%.2f', [3.14159], '3.14'],
    ['%5.1f|%-6s|%05.1f', [2.25, 'ab', -1.5], '  2.2|ab    |-01.5'],
    ['%d items', [new GoInt(3)], '3 items'],
    ['%d', [3], '%!d(float64=3)'],
    ['%s and %v', ['x', 1e6], 'x and 1e+06'],
    ['%q', ['a"b'], '"a\\"b"'],
    ['%e %g %G', [1234.5678, 0.000012, 1e21], '1.234568e+03 1.2e-05 1E+21'],
    ['%x %X', [new GoInt(255), 'hi'], 'ff 6869'],
    ['%t %%', [true], 'true %'],
    ['%s %s', ['only'], 'only %!s(MISSING)'],
    ['%s', ['a', 'b'], 'a%!(EXTRA string=b)'],
    ['%+.1f', [2], '+2.0'],
  ];
  for (const [fmt, args, want] of cases) {
    it(`${fmt} ${JSON.stringify(args)}`, () => {
      assert.equal(sprintf(fmt, args), want);
    });
  }
});

describe('Go rounding of exact ties', () => {
  it('rounds half to even like Go', () => {
    assert.equal(sprintf('%.4g', [1.5625]), '1.562');
    assert.equal(sprintf('%.3g', [2.5]), '2.5');
    assert.equal(sprintf('%.1g', [2.5]), '2');
    assert.equal(sprintf('%.1e', [0.25]), '2.5e-01');
    assert.equal(sprintf('%.0e', [2.5]), '2e+00');
    assert.equal(sprintf('%.2f', [0.125]), '0.12');
    assert.equal(sprintf('%.4g', [1234.5]), '1234');
    assert.equal(sprintf('%.4g', [1235.5]), '1236');
  });
});
