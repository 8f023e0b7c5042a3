import { Labels, STALE_NAN } from '../../model/index.js';
import { parseMetricSelector } from '../../promql/parser/index.js';

/** An input series: labels and the values at each step (NaN-boxed stale markers kept). */
export interface InputSeries {
  readonly labels: Labels;
  /** Step index of each value (gaps from `_` are skipped). */
  readonly steps: Int32Array;
  readonly values: Float64Array;
}

/** A malformed `series` or `values` string. */
export class SeriesNotationError extends Error {
  override readonly name = 'SeriesNotationError';
}

const NUM =
  '[-+]?(?:(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)|0[xX][0-9a-fA-F]+|[iI][nN][fF]|[nN][aA][nN])';
const EXPAND = new RegExp(`^(${NUM})(?:([-+])(${NUM}))?x([0-9]+)$`);

function num(s: string): number {
  const l = s.toLowerCase().replace(/^\+/, '');
  if (l === 'inf') return Infinity;
  if (l === '-inf') return -Infinity;
  if (l === 'nan' || l === '-nan') return NaN;
  const v = /^-?0x/.test(l) ? Number.parseInt(l, 16) : Number(l);
  if (Number.isNaN(v)) throw new SeriesNotationError(`invalid number ${JSON.stringify(s)}`);
  return v;
}

/** Parses a label set written as a series selector with only `=` matchers (`up{job="a"}`). */
export function parseSeriesLabels(s: string): Labels {
  if (s.trim() === '' || s.trim() === '{}') return Labels.EMPTY;
  let ms;
  try {
    ms = parseMetricSelector(s);
  } catch (e) {
    throw new SeriesNotationError(
      `cannot parse series ${JSON.stringify(s)}: ${(e as Error).message}`,
    );
  }
  const flat: string[] = [];
  for (const m of ms) {
    if (m.type !== '=')
      throw new SeriesNotationError(
        `cannot parse series ${JSON.stringify(s)}: only = matchers allowed`,
      );
    flat.push(m.name, m.value);
  }
  return Labels.fromFlatUnsorted(flat);
}

/**
 * Expands a `values` string in the notation of rule unit tests: numbers, `a+bxn`, `a-bxn`, `axn`,
 * `_` (missing), `_xn` (n missing) and `stale`.
 */
export function expandValues(text: string): { steps: Int32Array; values: Float64Array } {
  const steps: number[] = [];
  const values = new Float64Array(64);
  let buf = values;
  let n = 0;
  let step = 0;
  const push = (v: number): void => {
    if (n === buf.length) {
      const nb = new Float64Array(buf.length * 2);
      nb.set(buf);
      buf = nb;
    }
    buf[n++] = v;
    steps.push(step++);
  };
  if (text.includes('{{')) {
    throw new SeriesNotationError(
      `native histogram samples are not supported: ${JSON.stringify(text)}`,
    );
  }
  for (const tok of text.trim().split(/\s+/)) {
    if (tok === '') continue;
    if (tok === '_') {
      step++;
      continue;
    }
    if (tok === 'stale') {
      push(STALE_NAN);
      continue;
    }
    const miss = /^_x([0-9]+)$/.exec(tok);
    if (miss) {
      step += Number(miss[1]);
      continue;
    }
    const m = EXPAND.exec(tok);
    if (m) {
      const start = num(m[1] ?? '');
      const sign = m[2] === '-' ? -1 : 1;
      const inc = m[3] === undefined ? 0 : sign * num(m[3]);
      const times = Number(m[4]);
      let k = start;
      push(k);
      for (let i = 0; i < times; i++) {
        k += inc;
        push(k);
      }
      continue;
    }
    if (!new RegExp(`^${NUM}$`).test(tok)) {
      throw new SeriesNotationError(
        `invalid value ${JSON.stringify(tok)} in ${JSON.stringify(text)}`,
      );
    }
    push(num(tok));
  }
  return { steps: Int32Array.from(steps), values: buf.slice(0, n) };
}

/** Parses one input series. */
export function parseInputSeries(series: string, values: string): InputSeries {
  return { labels: parseSeriesLabels(series), ...expandValues(values) };
}
