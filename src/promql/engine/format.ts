import type { QueryValue } from './types.js';

/**
 * Formats a sample value exactly as Prometheus writes it in JSON: Go's shortest `'f'` form,
 * switching to `'e'` form (two-digit exponent) below 1e-6 and from 1e21 in magnitude;
 * `NaN`, `+Inf`, `-Inf` for the special values and `-0` for negative zero.
 */
export function formatPromFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const abs = Math.abs(v);
  if (abs < 1e-6 || abs >= 1e21) {
    const [mant, exp] = v.toExponential().split('e') as [string, string];
    const sign = exp.startsWith('-') ? '-' : '+';
    const digits = exp.replace(/^[+-]/, '');
    return `${mant}e${sign}${digits.length < 2 ? '0' + digits : digits}`;
  }
  return String(v);
}

/** Formats a timestamp in ms as Prometheus' JSON number of seconds. */
function ts(t: number): number {
  return t / 1000;
}

/** The `data` object of `/api/v1/query` and `/api/v1/query_range`, shaped as Prometheus does. */
export function resultToPromJSON(value: QueryValue): unknown {
  switch (value.type) {
    case 'scalar':
      return { resultType: 'scalar', result: [ts(value.t), formatPromFloat(value.v)] };
    case 'string':
      return { resultType: 'string', result: [ts(value.t), value.v] };
    case 'vector':
      return {
        resultType: 'vector',
        result: value.series.map((s) => ({
          metric: s.labels.toRecord(),
          value: [ts(s.t), formatPromFloat(s.v)],
        })),
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: value.series.map((s) => {
          const values: [number, string][] = [];
          for (let i = 0; i < s.ts.length; i++)
            values.push([ts(s.ts[i]!), formatPromFloat(s.vs[i]!)]);
          return { metric: s.labels.toRecord(), values };
        }),
      };
  }
}
