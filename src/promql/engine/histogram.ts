/** `histogram_quantile` over classic histograms (`le` buckets). */
import { dropMetadata } from './value.js';
import type { Labels } from '../../model/index.js';
import type { Call, Expr } from '../parser/index.js';
import { QueryExecutionError } from './errors.js';
import { formatOpenMetricsFloat, goG } from './gofmt.js';
import { OutCollector } from './binary.js';
import type { Evaluator } from './evaluator.js';
import { almostEqual } from './mathutil.js';
import type { VectorValue } from './value.js';

/** Tolerance under which neighbouring bucket counts are treated as equal. */
const SMALL_DELTA_TOLERANCE = 1e-12;

/** Parses a float like Go's strconv.ParseFloat (accepts Inf/NaN spellings); NaN on failure flagged. */
export function parseGoFloat(s: string): number | undefined {
  const t = s.trim() === s ? s : '';
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  if (/^[+-]?0[xX][0-9a-fA-F]+(\.[0-9a-fA-F]*)?[pP][+-]?\d+$/.test(t)) return Number.NaN;
  return undefined;
}

/** The quantile of classic buckets (upper bound, cumulative count), sorted here. */
export function bucketQuantile(
  q: number,
  bounds: number[],
  counts: number[],
): { v: number; forced: boolean } {
  if (Number.isNaN(q)) return { v: NaN, forced: false };
  if (q < 0) return { v: -Infinity, forced: false };
  if (q > 1) return { v: Infinity, forced: false };
  const idx = bounds.map((_, i) => i).sort((a, b) => bounds[a]! - bounds[b]!);
  let ub = idx.map((i) => bounds[i]!);
  let c = idx.map((i) => counts[i]!);
  if (ub[ub.length - 1] !== Infinity) return { v: NaN, forced: false };
  // Coalesce equal bounds.
  const ub2: number[] = [];
  const c2: number[] = [];
  for (let i = 0; i < ub.length; i++) {
    if (ub2.length > 0 && ub2[ub2.length - 1] === ub[i]) c2[c2.length - 1]! += c[i]!;
    else {
      ub2.push(ub[i]!);
      c2.push(c[i]!);
    }
  }
  ub = ub2;
  c = c2;
  let forced = false;
  let prev = c[0]!;
  for (let i = 1; i < c.length; i++) {
    const cur = c[i]!;
    if (cur === prev) continue;
    if (almostEqual(prev, cur, SMALL_DELTA_TOLERANCE)) {
      c[i] = prev;
      continue;
    }
    if (cur < prev) {
      c[i] = prev;
      forced = true;
      continue;
    }
    prev = cur;
  }
  if (ub.length < 2) return { v: NaN, forced };
  const observations = c[c.length - 1]!;
  if (observations === 0) return { v: NaN, forced };
  let rank = q * observations;
  let b = 0;
  while (b < c.length - 1 && !(c[b]! >= rank)) b++;
  if (b === c.length - 1) return { v: ub[ub.length - 2]!, forced };
  if (b === 0 && ub[0]! <= 0) return { v: ub[0]!, forced };
  let start = 0;
  const end = ub[b]!;
  let count = c[b]!;
  if (b > 0) {
    start = ub[b - 1]!;
    count -= c[b - 1]!;
    rank -= c[b - 1]!;
  }
  return { v: start + (end - start) * (rank / count), forced };
}

/** Evaluates `histogram_quantile(q, v)` over classic buckets. */
export function evalHistogramQuantile(ev: Evaluator, call: Call): Promise<VectorValue> {
  return quantiles(ev, call.args[1]!, [call.args[0]!], undefined);
}

/** Evaluates `histogram_quantiles(v, "label", q1, q2, …)` over classic buckets. */
export function evalHistogramQuantiles(ev: Evaluator, call: Call): Promise<VectorValue> {
  const labelArg = call.args[1];
  if (labelArg?.type !== 'StringLiteral')
    throw new QueryExecutionError('BUG: histogram_quantiles needs a label');
  return quantiles(ev, call.args[0]!, call.args.slice(2), labelArg.value);
}

async function quantiles(
  ev: Evaluator,
  vecExpr: Expr,
  qExprs: readonly Expr[],
  qLabel: string | undefined,
): Promise<VectorValue> {
  const qs: Float64Array[] = [];
  for (const q of qExprs) qs.push(await ev.evalScalar(q));
  const v = await ev.evalVector(vecExpr);
  const n = ev.nSteps;
  const delayed = ev.ctx.opts.delayedNameRemoval;
  const sig: string[] = [];
  const groupLabels: Labels[] = [];
  const les: (number | undefined)[] = [];
  for (const s of v.series) {
    les.push(parseGoFloat(s.labels.get('le')));
    const gl = s.labels.without('le');
    sig.push(gl.flat.join('\xff'));
    groupLabels.push(gl);
  }
  const col = new OutCollector(n);
  const groups = new Map<string, { labels: Labels; b: number[]; c: number[] }>();
  const withQ = new Map<string, Labels>();
  for (let i = 0; i < n; i++) {
    qs.forEach((q, k) => {
      const x = q[i]!;
      if (Number.isNaN(x) || x < 0 || x > 1)
        ev.ctx.annotate(
          'warning',
          `quantile value should be between 0 and 1, got ${goG(x)}`,
          qExprs[k]!.posRange,
        );
    });
    groups.clear();
    for (let k = 0; k < v.series.length; k++) {
      const s = v.series[k]!;
      if (!s.has[i]) continue;
      const le = les[k];
      if (le === undefined) {
        const name = delayed ? s.labels.get('__name__') : '';
        ev.ctx.annotate(
          'warning',
          `bucket label "le" is missing or has a malformed value of ${JSON.stringify(s.labels.get('le'))}${name !== '' ? ` for metric name ${JSON.stringify(name)}` : ''}`,
          vecExpr.posRange,
        );
        continue;
      }
      let g = groups.get(sig[k]!);
      if (!g) {
        g = { labels: groupLabels[k]!, b: [], c: [] };
        groups.set(sig[k]!, g);
      }
      g.b.push(le);
      g.c.push(s.vs[i]!);
    }
    for (const q of qs) {
      for (const g of groups.values()) {
        const r = bucketQuantile(q[i]!, g.b, g.c);
        if (r.forced) {
          const name = delayed ? g.labels.get('__name__') : '';
          ev.ctx.annotate(
            'info',
            `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)${name !== '' ? ` for metric name ${JSON.stringify(name)}` : ''}`,
            vecExpr.posRange,
          );
        }
        let labels = delayed ? g.labels : dropMetadata(g.labels);
        if (qLabel !== undefined) {
          const qs = formatOpenMetricsFloat(q[i]!);
          const key = `${labels.flat.join('\xff')}\xfe${qs}`;
          let l = withQ.get(key);
          if (!l) {
            l = labels.with(qLabel, qs);
            withQ.set(key, l);
          }
          labels = l;
        }
        col.add(labels, delayed, i, r.v);
      }
    }
  }
  return { kind: 'vector', series: col.series, ordered: false };
}
