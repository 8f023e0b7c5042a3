import { GoInt, SafeHTML, formatFloat, printValue } from './value.js';

/**
 * A subset of Go's `fmt.Sprintf`: verbs v s q d f F e E g G x X o b t c %, flags `-+# 0`, width and
 * precision. Plain JavaScript numbers are float64 (as Prometheus' `$value`), `GoInt` is an int.
 * Mismatched verbs print Go's `%!verb(type=value)` markers.
 */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let ai = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const m = /^([-+# 0]*)(\d+)?(?:\.(\d*))?([a-zA-Z%])/.exec(format.slice(i + 1));
    if (!m) {
      out += '%!(NOVERB)';
      break;
    }
    i += m[0].length;
    const flags = m[1]!;
    const width = m[2] !== undefined ? Number(m[2]) : undefined;
    const prec = m[3] !== undefined ? (m[3] === '' ? 0 : Number(m[3])) : undefined;
    const verb = m[4]!;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (ai >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const s = formatOne(verb, flags, prec, args[ai++]);
    out += pad(s, width, flags);
  }
  if (ai < args.length) {
    out += `%!(EXTRA ${args
      .slice(ai)
      .map((a) => `${goType(a)}=${printValue(a)}`)
      .join(', ')})`;
  }
  return out;
}

function pad(s: string, width: number | undefined, flags: string): string {
  if (width === undefined || s.length >= width) return s;
  if (flags.includes('-')) return s.padEnd(width);
  if (flags.includes('0') && /^[+-]?[0-9.]/.test(s)) {
    const sign = /^[+-]/.test(s) ? s[0]! : '';
    return sign + s.slice(sign.length).padStart(width - sign.length, '0');
  }
  return s.padStart(width);
}

/** The Go type name a JavaScript value stands for, for error markers. */
function goType(v: unknown): string {
  if (typeof v === 'string' || v instanceof SafeHTML) return 'string';
  if (typeof v === 'number') return 'float64';
  if (v instanceof GoInt) return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (v === undefined || v === null) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

function bad(verb: string, v: unknown): string {
  return `%!${verb}(${goType(v)}=${printValue(v)})`;
}

function withSign(s: string, n: number, flags: string): string {
  if (n >= 0 && !s.startsWith('-')) {
    if (flags.includes('+')) return `+${s}`;
    if (flags.includes(' ')) return ` ${s}`;
  }
  return s;
}

function formatOne(verb: string, flags: string, prec: number | undefined, v: unknown): string {
  switch (verb) {
    case 'v':
      return printValue(v);
    case 's':
      if (typeof v === 'string' || v instanceof SafeHTML) {
        const s = String(v);
        return prec !== undefined ? Array.from(s).slice(0, prec).join('') : s;
      }
      if (typeof v === 'number' || v instanceof GoInt || typeof v === 'boolean') return bad('s', v);
      return printValue(v);
    case 'q':
      if (typeof v === 'string')
        return flags.includes('#') && !v.includes('`') ? `\`${v}\`` : JSON.stringify(v);
      if (v instanceof GoInt) return `'${String.fromCodePoint(v.value)}'`;
      return bad('q', v);
    case 't':
      return typeof v === 'boolean' ? String(v) : bad('t', v);
    case 'd':
    case 'x':
    case 'X':
    case 'o':
    case 'b':
    case 'c': {
      if (v instanceof GoInt) {
        const n = v.value;
        if (verb === 'c') return String.fromCodePoint(n);
        const base = verb === 'd' ? 10 : verb === 'o' ? 8 : verb === 'b' ? 2 : 16;
        let s = Math.abs(n).toString(base);
        if (verb === 'X') s = s.toUpperCase();
        if (flags.includes('#') && (verb === 'x' || verb === 'X')) s = `0${verb}${s}`;
        if (prec !== undefined) s = s.padStart(prec, '0');
        return withSign(n < 0 ? `-${s}` : s, n, flags);
      }
      if ((verb === 'x' || verb === 'X') && typeof v === 'string') {
        const hex = Buffer.from(v, 'utf8').toString('hex');
        return verb === 'X' ? hex.toUpperCase() : hex;
      }
      if ((verb === 'x' || verb === 'X' || verb === 'b') && typeof v === 'number') {
        return bad(verb, v);
      }
      return bad(verb, v);
    }
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G': {
      const n = typeof v === 'number' ? v : v instanceof GoInt ? undefined : undefined;
      if (n === undefined) return bad(verb, v);
      return withSign(formatFloatVerb(n, verb, prec, flags), n, flags);
    }
    default:
      return `%!${verb}(${goType(v)}=${printValue(v)})`;
  }
}

function formatFloatVerb(n: number, verb: string, prec: number | undefined, flags: string): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? (flags.includes('+') ? '+Inf' : '+Inf') : '-Inf';
  switch (verb) {
    case 'f':
    case 'F':
      return toFixedEven(n, prec ?? 6);
    case 'e':
    case 'E': {
      const s = goExp(toExponentialEven(n, prec ?? 6));
      return verb === 'E' ? s.toUpperCase() : s;
    }
    default: {
      if (prec === undefined) {
        const s = formatFloat(n);
        return verb === 'G' ? s.toUpperCase() : s;
      }
      const p = prec === 0 ? 1 : prec;
      const e = toExponentialEven(n, p - 1);
      const exp = Number(e.slice(e.indexOf('e') + 1));
      let s: string;
      if (exp < -4 || exp >= p) s = goExp(e).replace(/\.?0+e/, 'e');
      else
        s = toFixedEven(n, Math.max(0, p - 1 - exp))
          .replace(/(\.\d*?)0+$/, '$1')
          .replace(/\.$/, '');
      return verb === 'G' ? s.toUpperCase() : s;
    }
  }
}

/** JavaScript's `1.5e+3` → Go's `1.5e+03` (at least two exponent digits). */
function goExp(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/**
 * `toFixed` with Go's rounding: an exact tie (the binary value ends in 5 right after the last
 * kept digit) rounds to even, where JavaScript rounds up.
 */
function toFixedEven(n: number, prec: number): string {
  const plain = n.toFixed(prec);
  if (prec >= 80) return plain;
  const long = Math.abs(n).toFixed(Math.min(100, prec + 20));
  const cut = long.indexOf('.') + prec + (prec === 0 ? 0 : 1);
  const rest = long.slice(cut).replace('.', '');
  if (!/^50*$/.test(rest)) return plain;
  const kept = long.slice(0, cut).replace(/\.$/, '');
  const lastDigit = Number(kept[kept.length - 1]);
  if (lastDigit % 2 === 1) return plain; // odd: JavaScript's round-up already gives the even digit
  return (n < 0 ? '-' : '') + kept;
}

/** `toExponential` with Go's round-half-even on exact ties. */
function toExponentialEven(n: number, digits: number): string {
  const plain = n.toExponential(digits);
  if (digits >= 80 || !Number.isFinite(n)) return plain;
  const long = Math.abs(n).toExponential(Math.min(100, digits + 25));
  const mant = long.slice(0, long.indexOf('e')).replace('.', '');
  const rest = mant.slice(digits + 1);
  if (!/^50*$/.test(rest)) return plain;
  const lastKept = Number(mant[digits]);
  if (lastKept % 2 === 1) return plain;
  const kept = mant.slice(0, digits + 1);
  const body = kept.length > 1 ? `${kept[0]}.${kept.slice(1)}` : kept;
  return `${n < 0 ? '-' : ''}${body}${long.slice(long.indexOf('e'))}`;
}
