/**
 * How template values map between JavaScript and Go's semantics: truthiness, printing (`%v`),
 * field lookup and comparison. Numbers are float64 as in Prometheus' `$value`.
 */

/** A function callable from templates. Functions receive evaluated arguments. */
export type TemplateFunc = (...args: unknown[]) => unknown;

/** Marks a number as a Go integer (printed without exponent, like `len`'s result). */
export class GoInt {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
}

/** Marks a string as safe HTML (printed as is). */
export class SafeHTML {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Go's notion of truth: false, 0, nil, and empty strings, arrays and maps are false. */
export function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false) return false;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v) ? true : Number.isNaN(v);
  if (v instanceof GoInt) return v.value !== 0;
  if (typeof v === 'string') return v !== '';
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (typeof v === 'object')
    return Object.keys(v).length > 0 || v instanceof Date || v instanceof SafeHTML;
  return true;
}

/** Formats a float64 like Go's `%v` (strconv 'g' with the shortest representation). */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  // Shortest digits via JS, then Go's layout (strconv 'g' with precision -1): exponent form when
  // the decimal exponent is < -4 or >= 6, so 1000000 prints as 1e+06 as in Prometheus' `$value`.
  const e = v.toExponential();
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(e)!;
  const digits = m[2]! + (m[3] ?? '');
  const x = Number(m[4]);
  if (x < -4 || x >= 6) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ex = Math.abs(x) < 10 ? `0${Math.abs(x)}` : String(Math.abs(x));
    return `${m[1]}${mant}e${x < 0 ? '-' : '+'}${ex}`;
  }
  // Plain decimal: JS uses exponent notation from 1e21 only, which the branch above excludes.
  return String(v);
}

/** Prints a value like Go's `fmt.Sprint` of one operand (`%v`). */
export function printValue(v: unknown): string {
  if (v === undefined || v === null) return '<no value>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatFloat(v);
  if (v instanceof GoInt) return String(v.value);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof SafeHTML) return v.value;
  if (v instanceof Date) return goTime(v);
  if (Array.isArray(v)) return `[${v.map(printValue).join(' ')}]`;
  if (v instanceof Map) {
    const keys = [...v.keys()].map(String).sort();
    return `map[${keys.map((k) => `${k}:${printValue(v.get(k))}`).join(' ')}]`;
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Object.getPrototypeOf(o) !== Object.prototype && Object.getPrototypeOf(o) !== null) {
      // Class instances (durations, safe HTML, …) print through their own toString().
      return (o as { toString(): string }).toString();
    }
    const keys = Object.keys(o).sort();
    return `map[${keys.map((k) => `${k}:${printValue(o[k])}`).join(' ')}]`;
  }
  return typeof v === 'bigint' || typeof v === 'symbol' ? v.toString() : 'value';
}

/** Formats a time like Go's `time.Time.String()` in UTC. */
export function goTime(d: Date): string {
  const iso = d.toISOString(); // 2006-01-02T15:04:05.000Z
  const ms = d.getUTCMilliseconds();
  const frac = ms === 0 ? '' : `.${String(ms).padStart(3, '0').replace(/0+$/, '')}`;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac} +0000 UTC`;
}

/** Looks up `name` on a value: object properties, Map keys, and zero-argument methods. */
export function field(v: unknown, name: string): { found: boolean; value: unknown } {
  if (v === undefined || v === null) return { found: false, value: undefined };
  if (v instanceof Map) return { found: v.has(name), value: v.get(name) };
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (name in o) {
      const f = o[name];
      return { found: true, value: typeof f === 'function' ? (f as () => unknown).call(o) : f };
    }
    return { found: false, value: undefined };
  }
  return { found: false, value: undefined };
}

/** Converts a numeric-ish value to a number (GoInt, numeric strings are not converted). */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof GoInt) return v.value;
  return undefined;
}
