import type { Pos } from './ast.js';
import { TemplateError } from './errors.js';

/** Token kinds of the action lexer. */
export type TokKind =
  | 'text'
  | 'open'
  | 'close'
  | 'ident'
  | 'field'
  | 'variable'
  | 'string'
  | 'number'
  | 'char'
  | 'dot'
  | 'pipe'
  | 'lparen'
  | 'rparen'
  | 'declare'
  | 'assign'
  | 'comma'
  | 'eof';

/** A token with its source position. */
export interface Tok {
  readonly kind: TokKind;
  readonly value: string;
  readonly pos: Pos;
  /** Offsets of the token in the source: [start, end). */
  readonly start: number;
  readonly end: number;
}

/** Splits a template into text and action tokens, honouring `{{-`/`-}}` trim markers and comments. */
export function lex(name: string, src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const posAt = (k: number): Pos => {
    let line = 1;
    let col = 1;
    for (let j = 0; j < k; j++) {
      if (src[j] === '\n') {
        line++;
        col = 1;
      } else col++;
    }
    return { line, col };
  };
  const fail = (k: number, msg: string): never => {
    const p = posAt(k);
    throw new TemplateError(`template: ${name}:${p.line}:${p.col}: ${msg}`, p);
  };
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = open < 0 ? src.slice(i) : src.slice(i, open);
    if (open >= 0 && src.startsWith('{{- ', open)) text = text.replace(/[ \t\r\n]+$/, '');
    if (text !== '')
      out.push({ kind: 'text', value: text, pos: posAt(i), start: i, end: i + text.length });
    if (open < 0) break;
    let j = open + 2;
    if (src.startsWith('- ', j)) j += 2;
    // Comments: {{/* ... */}}
    const afterSpace = src.slice(j).match(/^[ \t\r\n]*/)![0].length;
    if (src.startsWith('/*', j + afterSpace)) {
      const end = src.indexOf('*/', j + afterSpace + 2);
      if (end < 0) fail(open, 'unclosed comment');
      let k = end + 2;
      k += src.slice(k).match(/^[ \t\r\n]*/)![0].length;
      let trim = false;
      if (src.startsWith('-}}', k)) {
        trim = true;
        k += 1;
      }
      if (!src.startsWith('}}', k)) fail(k, 'comment ends before closing delimiter');
      i = k + 2;
      if (trim) i += src.slice(i).match(/^[ \t\r\n]*/)![0].length;
      continue;
    }
    out.push({ kind: 'open', value: '{{', pos: posAt(open), start: open, end: j });
    i = lexAction(src, j, out, posAt, fail);
  }
  out.push({ kind: 'eof', value: '', pos: posAt(src.length), start: src.length, end: src.length });
  return out;
}

function lexAction(
  src: string,
  start: number,
  out: Tok[],
  posAt: (k: number) => Pos,
  fail: (k: number, msg: string) => never,
): number {
  let i = start;
  let depth = 0;
  const push = (kind: TokKind, value: string, from: number, to: number): void => {
    out.push({ kind, value, pos: posAt(from), start: from, end: to });
  };
  for (;;) {
    if (i >= src.length) fail(start, 'unclosed action');
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (src.startsWith(' -}}', i) || src.startsWith('\n-}}', i) || src.startsWith('\t-}}', i)) {
        push('close', '}}', i + 2, i + 4);
        i += 4;
        return i + src.slice(i).match(/^[ \t\r\n]*/)![0].length;
      }
      i++;
      continue;
    }
    if (src.startsWith('}}', i)) {
      if (depth > 0) fail(i, 'unclosed left paren');
      push('close', '}}', i, i + 2);
      return i + 2;
    }
    const from = i;
    let kind: TokKind;
    let value: string;
    if (c === '|' || c === '(' || c === ')' || c === ',') {
      kind = c === '|' ? 'pipe' : c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma';
      if (c === '(') depth++;
      if (c === ')' && --depth < 0) fail(i, 'unexpected right paren');
      value = c;
      i++;
    } else if (src.startsWith(':=', i)) {
      kind = 'declare';
      value = ':=';
      i += 2;
    } else if (c === '=') {
      kind = 'assign';
      value = '=';
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\') j++;
        if (src[j] === '\n') fail(i, 'unterminated quoted string');
        j++;
      }
      if (j >= src.length) fail(i, 'unterminated quoted string');
      kind = 'string';
      value = unquote(src.slice(i + 1, j), fail, i);
      i = j + 1;
    } else if (c === '`') {
      const j = src.indexOf('`', i + 1);
      if (j < 0) fail(i, 'unterminated raw quoted string');
      kind = 'string';
      value = src.slice(i + 1, j);
      i = j + 1;
    } else if (c === "'") {
      const m = /^'(\\.|[^\\'])'/.exec(src.slice(i));
      if (!m) fail(i, 'bad character constant');
      kind = 'number';
      value = String(unquote(m[1]!, fail, i).codePointAt(0) ?? 0);
      i += m[0].length;
    } else if (c === '$') {
      const m = /^\$[A-Za-z0-9_]*/.exec(src.slice(i))!;
      kind = 'variable';
      value = m[0];
      i += m[0].length;
    } else if (c === '.' && /^\.[A-Za-z_]/.test(src.slice(i))) {
      const m = /^\.[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      kind = 'field';
      value = m[0].slice(1);
      i += m[0].length;
    } else if (c === '.' && !/^\.[0-9]/.test(src.slice(i))) {
      kind = 'dot';
      value = '.';
      i++;
    } else if (/[0-9+.-]/.test(c)) {
      const m =
        /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*\.?[0-9_]*(?:[eE][+-]?[0-9]+)?|\.[0-9_]+(?:[eE][+-]?[0-9]+)?)/.exec(
          src.slice(i),
        );
      if (!m) fail(i, `bad number syntax: ${JSON.stringify(src.slice(i, i + 10))}`);
      kind = 'number';
      value = m[0];
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      kind = 'ident';
      value = m[0];
      i += m[0].length;
    } else {
      return fail(i, `unexpected ${JSON.stringify(c)} in command`);
    }
    push(kind, value, from, i);
  }
}

function unquote(s: string, fail: (k: number, msg: string) => never, at: number): string {
  return s.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g,
    (_m, e: string) => {
      switch (e[0]) {
        case 'n':
          return '\n';
        case 't':
          return '\t';
        case 'r':
          return '\r';
        case 'a':
          return '\x07';
        case 'b':
          return '\b';
        case 'f':
          return '\f';
        case 'v':
          return '\v';
        case '\\':
          return '\\';
        case '"':
          return '"';
        case "'":
          return "'";
        case 'x':
        case 'u':
        case 'U':
          return String.fromCodePoint(parseInt(e.slice(1), 16));
        default:
          if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(parseInt(e, 8));
          return fail(at, `invalid escape \\${e}`);
      }
    },
  );
}
