import type { Labels } from '../../model/index.js';
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

/**
 * The `data` object of `/api/v1/query` and `/api/v1/query_range`, shaped as Prometheus does.
 * With `'open-text'` it returns that object already written as JSON text but without its closing
 * brace, so a caller can append fields (such as `stats`) before closing it: much faster for large
 * answers, as no object per sample is built.
 */
export function resultToPromJSON(value: QueryValue): unknown;
export function resultToPromJSON(value: QueryValue, form: 'open-text'): string;
export function resultToPromJSON(value: QueryValue, form?: 'open-text'): unknown {
  if (form === 'open-text') return resultToPromJSONOpen(value);
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

/** JSON of label sets already written, so repeated answers reuse them. */
const labelJSON = new WeakMap<Labels, string>();

/** The JSON object of a label set (`{"name":"value",…}` in label order), cached per set. */
function labelsToJSON(labels: Labels): string {
  let s = labelJSON.get(labels);
  if (s !== undefined) return s;
  const flat = labels.flat;
  s = '{';
  for (let i = 0; i + 1 < flat.length; i += 2) {
    if (i > 0) s += ',';
    s += JSON.stringify(flat[i]) + ':' + JSON.stringify(flat[i + 1]);
  }
  s += '}';
  labelJSON.set(labels, s);
  return s;
}

/** See `resultToPromJSON(value, 'open-text')`. */
function resultToPromJSONOpen(value: QueryValue): string {
  switch (value.type) {
    case 'scalar':
      return `{"resultType":"scalar","result":[${ts(value.t)},"${formatPromFloat(value.v)}"]`;
    case 'string':
      return `{"resultType":"string","result":[${ts(value.t)},${JSON.stringify(value.v)}]`;
    case 'vector': {
      let s = '{"resultType":"vector","result":[';
      const series = value.series;
      for (let i = 0; i < series.length; i++) {
        const x = series[i]!;
        if (i > 0) s += ',';
        s += `{"metric":${labelsToJSON(x.labels)},"value":[${ts(x.t)},"${formatPromFloat(x.v)}"]}`;
      }
      return s + ']';
    }
    case 'matrix': {
      const series = value.series;
      // Series of a range query share their step timestamps: format each once.
      const tcache = new Map<number, string>();
      const parts: string[] = [];
      for (let i = 0; i < series.length; i++) {
        const x = series[i]!;
        const tss = x.ts;
        const vs = x.vs;
        const points: string[] = [];
        for (let j = 0; j < tss.length; j++) {
          const t = tss[j]!;
          let tj = tcache.get(t);
          if (tj === undefined) {
            tj = String(ts(t));
            tcache.set(t, tj);
          }
          points.push(`[${tj},"${formatPromFloat(vs[j]!)}"]`);
        }
        parts.push(`{"metric":${labelsToJSON(x.labels)},"values":[${points.join(',')}]}`);
      }
      return `{"resultType":"matrix","result":[${parts.join(',')}]`;
    }
  }
}
