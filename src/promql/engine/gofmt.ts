/** Go's float formatting where Prometheus' messages and labels depend on it. */

function exponentForm(v: number): string {
  const [m, x] = v.toExponential().split('e') as [string, string];
  const d = x.replace(/^[+-]/, '');
  return `${m}e${x.startsWith('-') ? '-' : '+'}${d.length < 2 ? '0' + d : d}`;
}

/** Go's `strconv.FormatFloat(v, 'g', -1, 64)` (also `%g`): exponent form below 1e-4 and from 1e6. */
export function goG(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const e = Number(v.toExponential().split('e')[1]);
  return e < -4 || e >= 6 ? exponentForm(v) : String(v);
}

/** Prometheus' `FormatOpenMetricsFloat`: like `goG`, with `.0` added to whole numbers. */
export function formatOpenMetricsFloat(v: number): string {
  const s = goG(v);
  if (Number.isNaN(v) || !Number.isFinite(v) || /[e.]/.test(s)) return s;
  return `${s}.0`;
}

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`: never an exponent. */
export function goF(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  if (!s.includes('e')) return Object.is(v, -0) ? '-0' : s;
  const [m, x] = s.split('e') as [string, string];
  const exp = Number(x);
  const neg = m.startsWith('-');
  const digits = m.replace('-', '').replace('.', '');
  const point = (m.replace('-', '').indexOf('.') + 1 || m.replace('-', '').length + 1) - 1 + exp;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return neg ? `-${out}` : out;
}
