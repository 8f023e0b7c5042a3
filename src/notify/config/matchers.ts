import { Matcher, MatcherError, type MatchType } from '../../model/index.js';

/** A matcher text that neither the UTF-8 nor the classic matcher syntax accepts. */
export class MatcherParseError extends Error {
  override readonly name = 'MatcherParseError';
}

/** Which parser accepted a matcher text: `classic` texts deserve a warning to rewrite them. */
export type MatcherSyntax = 'utf8' | 'classic';

/**
 * Parses a matcher list as Alertmanager's default (fallback) mode does: first with the UTF-8
 * matcher syntax (`{a="b", c=~"d"}`, braces optional, a trailing comma allowed), and when that
 * fails with the classic syntax. Throws the classic parser's error when both fail.
 */
export function parseMatchers(input: string): { matchers: Matcher[]; syntax: MatcherSyntax } {
  try {
    return { matchers: parseUTF8Matchers(input), syntax: 'utf8' };
  } catch (utf8Err) {
    if (!(utf8Err instanceof MatcherParseError)) throw utf8Err;
    return { matchers: parseClassicMatchers(input), syntax: 'classic' };
  }
}

/** Parses one matcher (the list form must hold exactly one). */
export function parseMatcher(input: string): Matcher {
  const { matchers } = parseMatchers(input);
  if (matchers.length !== 1) {
    throw new MatcherParseError(`expected exactly one matcher, got ${matchers.length}: ${input}`);
  }
  return matchers[0] as Matcher;
}

function makeMatcher(type: MatchType, name: string, value: string): Matcher {
  try {
    return new Matcher(type, name, value);
  } catch (e) {
    if (e instanceof MatcherError) throw new MatcherParseError(e.message, { cause: e });
    throw e;
  }
}

// ---- UTF-8 syntax ----

const RESERVED = new Set(Array.from('{}!=~,\\"\'`'));

interface Tok {
  kind: 'open' | 'close' | 'comma' | 'op' | 'quoted' | 'unquoted';
  text: string;
  pos: number;
}

function isSpace(c: string): boolean {
  return /\s/u.test(c);
}

function lex(input: string): Tok[] {
  const toks: Tok[] = [];
  const cps = Array.from(input); // code points: positions count runes
  let i = 0;
  while (i < cps.length) {
    const c = cps[i] as string;
    const pos = i;
    if (isSpace(c)) {
      i++;
    } else if (c === '{' || c === '}' || c === ',') {
      toks.push({ kind: c === '{' ? 'open' : c === '}' ? 'close' : 'comma', text: c, pos });
      i++;
    } else if (c === '=' || c === '!') {
      const n = cps[i + 1];
      if (c === '!' && n !== '=' && n !== '~') {
        throw new MatcherParseError(`${pos}:${pos + 1}: ${c}: invalid input: expected one of '=~'`);
      }
      const two = n === '=' || n === '~' ? c + n : c;
      if (c === '=' && n === '=') {
        toks.push({ kind: 'op', text: '=', pos });
        i++;
        continue;
      }
      toks.push({ kind: 'op', text: two, pos });
      i += two.length;
    } else if (c === '"') {
      let j = i + 1;
      let raw = '"';
      let closed = false;
      while (j < cps.length) {
        const d = cps[j] as string;
        raw += d;
        j++;
        if (d === '\\' && j < cps.length) {
          raw += cps[j] as string;
          j++;
        } else if (d === '"') {
          closed = true;
          break;
        }
      }
      if (!closed) throw new MatcherParseError(`${pos}:${j}: ${raw}: missing end "`);
      toks.push({ kind: 'quoted', text: unquoteGo(raw, pos), pos });
      i = j;
    } else if (RESERVED.has(c)) {
      throw new MatcherParseError(`${pos}:${pos + 1}: ${c}: invalid input`);
    } else {
      let j = i;
      let s = '';
      while (j < cps.length && !isSpace(cps[j] as string) && !RESERVED.has(cps[j] as string)) {
        s += cps[j] as string;
        j++;
      }
      toks.push({ kind: 'unquoted', text: s, pos });
      i = j;
    }
  }
  return toks;
}

/** Decodes a Go double-quoted string literal, including `\xNN` byte escapes forming UTF-8. */
export function unquoteGo(raw: string, pos = 0): string {
  const body = raw.slice(1, -1);
  const bytes: number[] = [];
  const enc = new TextEncoder();
  const pushStr = (s: string): void => {
    for (const b of enc.encode(s)) bytes.push(b);
  };
  const bad = (): MatcherParseError =>
    new MatcherParseError(`${pos}:${pos + raw.length}: ${raw}: invalid input`);
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '\n') throw bad();
    if (c !== '\\') {
      const cp = body.codePointAt(i) ?? 0;
      const ch = String.fromCodePoint(cp);
      pushStr(ch);
      i += ch.length - 1;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
      '\\': '\\',
      '"': '"',
    };
    if (e !== undefined && e in simple) {
      pushStr(simple[e] ?? '');
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw bad();
      const v = parseInt(hex, 16);
      if (e === 'x') bytes.push(v);
      else if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) throw bad();
      else pushStr(String.fromCodePoint(v));
      i += len;
    } else if (e !== undefined && /[0-7]/.test(e)) {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) throw bad();
      const v = parseInt(oct, 8);
      if (v > 255) throw bad();
      bytes.push(v);
      i += 2;
    } else {
      throw bad();
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    throw new MatcherParseError(
      `${pos}:${pos + raw.length}: ${raw}: invalid input: not valid UTF-8`,
    );
  }
}

/** Parses the UTF-8 matcher syntax. */
export function parseUTF8Matchers(input: string): Matcher[] {
  const toks = lex(input);
  let i = 0;
  const out: Matcher[] = [];
  if (toks.length === 0) return out;
  const braces = toks[0]?.kind === 'open';
  if (braces) i++;
  const end = (what: string): MatcherParseError =>
    new MatcherParseError(`end of input: expected ${what}`);
  for (;;) {
    const t = toks[i];
    if (t === undefined) {
      if (braces) throw end('close brace');
      break;
    }
    if (t.kind === 'close') {
      if (!braces) throw new MatcherParseError(`${t.pos}:${t.pos + 1}: }: unexpected }`);
      i++;
      break;
    }
    if (t.kind !== 'quoted' && t.kind !== 'unquoted') {
      throw new MatcherParseError(`${t.pos}:${t.pos + 1}: ${t.text}: expected label name`);
    }
    const op = toks[i + 1];
    if (op === undefined) throw end("an operator such as '=', '!=', '=~' or '!~'");
    if (op.kind !== 'op') {
      throw new MatcherParseError(
        `${op.pos}:${op.pos + op.text.length}: ${op.text}: expected an operator`,
      );
    }
    const val = toks[i + 2];
    if (val === undefined) throw end('label value');
    if (val.kind !== 'quoted' && val.kind !== 'unquoted') {
      throw new MatcherParseError(`${val.pos}:${val.pos + 1}: ${val.text}: expected label value`);
    }
    if (t.text === '') throw new MatcherParseError(`${t.pos}: label name cannot be empty`);
    out.push(makeMatcher(op.text as MatchType, t.text, val.text));
    i += 3;
    const sep = toks[i];
    if (sep === undefined) {
      if (braces) throw end('close brace');
      break;
    }
    if (sep.kind === 'comma') {
      i++;
      continue;
    }
    if (sep.kind === 'close') continue;
    throw new MatcherParseError(
      `${sep.pos}:${sep.pos + sep.text.length}: ${sep.text}: expected a comma or close brace`,
    );
  }
  if (i < toks.length) {
    const t = toks[i] as Tok;
    throw new MatcherParseError(
      `${t.pos}:${t.pos + t.text.length}: ${t.text}: expected end of input`,
    );
  }
  return out;
}

// ---- classic syntax ----

const CLASSIC_RE = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

/** Parses the classic matcher syntax (Alertmanager 0.26 and older). */
export function parseClassicMatchers(input: string): Matcher[] {
  let s = input.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  const parts: string[] = [];
  let cur = '';
  let inQuote = false;
  let escaped = false;
  for (const c of s) {
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === '"') inQuote = !inQuote;
    else if (c === ',' && !inQuote) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim() !== '' || parts.length > 0) parts.push(cur);
  const out: Matcher[] = [];
  for (const p of parts) {
    if (p.trim() === '') continue;
    out.push(parseClassicMatcher(p));
  }
  return out;
}

function parseClassicMatcher(s: string): Matcher {
  const m = CLASSIC_RE.exec(s);
  if (!m) throw new MatcherParseError(`bad matcher format: ${s}`);
  let raw = m[3] ?? '';
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1);
  let value = '';
  let esc = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (esc) {
      esc = false;
      if (c === 'n') value += '\n';
      else if (c === '\\' || c === '"') value += c;
      else value += '\\' + c;
    } else if (c === '\\') {
      esc = true;
    } else if (c === '"') {
      throw new MatcherParseError(`matcher value contains unescaped double quote: ${raw}`);
    } else {
      value += c;
    }
  }
  if (esc) value += '\\';
  return makeMatcher(m[2] as MatchType, m[1] ?? '', value);
}

/** Formats a matcher like Alertmanager prints it (`name="value"`, names quoted when needed). */
export function formatMatcher(m: Matcher): string {
  const n = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(m.name) ? m.name : JSON.stringify(m.name);
  return `${n}${m.type}${JSON.stringify(m.value)}`;
}
