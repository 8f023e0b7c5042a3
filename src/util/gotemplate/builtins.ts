import { sprintf } from './fmt.js';
import { GoInt, SafeHTML, printValue, toNumber, truthy, type TemplateFunc } from './value.js';

/** Builtins evaluated lazily by the executor (short-circuit). */
export const LAZY_BUILTINS = ['and', 'or'] as const;

function basicKind(v: unknown): string {
  if (typeof v === 'string' || v instanceof SafeHTML) return 'string';
  if (typeof v === 'number' || v instanceof GoInt) return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'other';
}

function cmpValues(a: unknown, b: unknown, op: string): number {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka !== kb || ka === 'other' || (ka === 'bool' && op !== 'eq')) {
    if (op === 'eq' && ka === 'other' && kb === 'other') return a === b ? 0 : 1;
    throw new Error(`incompatible types for comparison`);
  }
  const x = ka === 'number' ? toNumber(a)! : ka === 'string' ? String(a) : a;
  const y = kb === 'number' ? toNumber(b)! : kb === 'string' ? String(b) : b;
  if (x === y) return 0;
  return (x as number | string) < (y as number | string) ? -1 : 1;
}

/** Sprint semantics: spaces between operands when neither side is a string. */
function sprint(args: readonly unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += printValue(a);
  });
  return out;
}

/** The predefined functions of Go's text/template (except the lazy `and`/`or`). */
export function builtins(): Record<string, TemplateFunc> {
  return {
    not: (a) => !truthy(a),
    len: (a) => {
      if (typeof a === 'string') return new GoInt(Buffer.byteLength(a));
      if (Array.isArray(a)) return new GoInt(a.length);
      if (a instanceof Map) return new GoInt(a.size);
      if (a !== null && typeof a === 'object') return new GoInt(Object.keys(a).length);
      throw new Error(`len of ${printValue(a)}`);
    },
    index: (item, ...keys) => {
      let v = item;
      for (const k of keys) {
        if (Array.isArray(v) || typeof v === 'string') {
          const i = toNumber(k);
          if (i === undefined || !Number.isInteger(i) || i < 0 || i >= v.length) {
            throw new Error(`index out of range: ${printValue(k)}`);
          }
          v = typeof v === 'string' ? new GoInt(Buffer.from(v)[i]!) : v[i];
        } else if (v instanceof Map) v = v.get(k);
        else if (v !== null && typeof v === 'object') v = (v as Record<string, unknown>)[String(k)];
        else if (v === undefined || v === null) throw new Error('index of untyped nil');
        else throw new Error(`can't index item of type ${typeof v}`);
      }
      return v;
    },
    slice: (item, ...idx) => {
      const n = idx.map((x) => toNumber(x) ?? 0);
      if (typeof item === 'string' || Array.isArray(item)) return item.slice(n[0] ?? 0, n[1]);
      throw new Error(`can't slice item of type ${typeof item}`);
    },
    print: (...a) => sprint(a),
    println: (...a) => a.map(printValue).join(' ') + '\n',
    printf: (format, ...a) => sprintf(String(format), a),
    eq: (a, ...bs) => {
      if (bs.length === 0) throw new Error('missing argument for comparison');
      return bs.some((b) => cmpValues(a, b, 'eq') === 0);
    },
    ne: (a, b) => cmpValues(a, b, 'eq') !== 0,
    lt: (a, b) => cmpValues(a, b, 'lt') < 0,
    le: (a, b) => cmpValues(a, b, 'le') <= 0,
    gt: (a, b) => cmpValues(a, b, 'gt') > 0,
    ge: (a, b) => cmpValues(a, b, 'ge') >= 0,
    html: (...a) =>
      sprint(a)
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&#34;')
        .replace(/'/g, '&#39;')
        .replace(/\0/g, '\uFFFD'),
    js: (...a) =>
      sprint(a).replace(/[\\'"<>&=\n\r\t]/g, (c) => {
        const map: Record<string, string> = {
          '\\': '\\\\',
          "'": "\\'",
          '"': '\\"',
          '<': '\\u003C',
          '>': '\\u003E',
          '&': '\\u0026',
          '=': '\\u003D',
          '\n': '\\n',
          '\r': '\\r',
          '\t': '\\t',
        };
        return map[c] ?? c;
      }),
    urlquery: (...a) => encodeURIComponent(sprint(a)).replace(/%20/g, '+'),
    call: (fn, ...a) => {
      if (typeof fn !== 'function') throw new Error('non-function of type ' + typeof fn);
      return (fn as TemplateFunc)(...a);
    },
  };
}
