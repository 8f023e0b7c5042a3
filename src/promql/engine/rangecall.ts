/** Calls of functions over range vectors: windows each series per step and runs a kernel. */
import type { Call } from '../parser/index.js';
import { QueryExecutionError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { goG } from './gofmt.js';
import { ANCHORED_SAFE, SMOOTHED_SAFE, extendedKernel } from './extended.js';
import { KEEPS_NAME, RANGE_KERNELS, RangeFunctionError, type WindowCtx } from './rangefns.js';
import { mergeSameLabels } from './context.js';
import { absentLabels } from './labelfns.js';
import type { CursorScratch } from './cursor.js';
import type { Labels } from '../../model/index.js';
import {
  countPoints,
  newStepSeries,
  sameMetadata,
  StepSlab,
  type StepSeries,
  type VectorValue,
} from './value.js';

const COUNTER_SUFFIXES = ['_total', '_sum', '_count', '_bucket'];

/** Evaluates `f(range, scalars…)` for a range function `f`. */
export async function evalRangeCall(ev: Evaluator, call: Call): Promise<VectorValue> {
  const name = call.func.name;
  const kernel = RANGE_KERNELS.get(name)!;
  const matrixIdx = call.args.findIndex(
    (_, i) => call.func.argTypes[Math.min(i, call.func.argTypes.length - 1)] === 'matrix',
  );
  const matrixArg = call.args[matrixIdx];
  if (!matrixArg) throw new QueryExecutionError(`BUG: ${name} has no range argument`);
  const sel = matrixArg.type === 'MatrixSelector' ? matrixArg.vectorSelector : undefined;
  const anchored = sel?.anchored === true;
  const smoothed = sel?.smoothed === true;
  if (anchored && !ANCHORED_SAFE.includes(name))
    throw new QueryExecutionError(
      `anchored modifier can only be used with: ${ANCHORED_SAFE.join(', ')} - not with ${name}`,
    );
  if (smoothed && !SMOOTHED_SAFE.includes(name))
    throw new QueryExecutionError(
      `smoothed modifier can only be used with: ${SMOOTHED_SAFE.join(', ')} - not with ${name}`,
    );
  const lookback = ev.ctx.opts.lookbackMs;
  const extLeft = anchored || smoothed ? lookback : 0;
  const extRight = smoothed ? lookback : 0;
  const scalars: Float64Array[] = [];
  for (let i = 0; i < call.args.length; i++)
    if (i !== matrixIdx) scalars.push(await ev.evalScalar(call.args[i]!));
  if (name === 'quantile_over_time') checkQuantile(ev, call, scalars[0]!);
  const src = await ev.rangeSource(matrixArg, name, extLeft, extRight);
  const n = ev.nSteps;
  const keepName = KEEPS_NAME.has(name);
  const out: StepSeries[] = [];
  let warnText = '';
  const ctx: WindowCtx = {
    evalT: 0,
    rangeStart: 0,
    rangeEnd: 0,
    rangeMs: src.rangeMs,
    lastReset: Infinity,
    args: new Array<number>(scalars.length).fill(0),
    warn: (t) => (warnText = t),
  };
  const absent = name === 'absent_over_time';
  const covered = absent ? new Uint8Array(n) : undefined;
  const scratch: CursorScratch = { ts: new Float64Array(64), vs: new Float64Array(64) };
  const slab = new StepSlab(n, src.series.length);
  // Series of one select have distinct label sets; dropping the metadata labels keeps them
  // distinct when every series has the same metadata values, and then nothing needs merging.
  let distinct = src.selector !== undefined;
  let meta: Labels | undefined;
  for (const s of src.series) {
    const drop = !keepName || s.dropName;
    if (distinct && drop) {
      if (meta === undefined) meta = s.labels;
      else if (!sameMetadata(meta, s.labels)) distinct = false;
    }
    const o = slab.take(
      drop ? ev.nameDropped(s.labels) : s.labels,
      drop && ev.ctx.opts.delayedNameRemoval,
    );
    let any = false;
    const cur = s.cursor(scratch);
    for (let i = 0; i < n; i++) {
      const t = ev.time(i);
      const end = (src.at ?? t) - src.offsetMs;
      const start = end - src.rangeMs;
      // With `@` every step has the same window: read it once.
      if (src.at === undefined || i === 0) cur.advance(start - extLeft, end + extRight);
      const { ts, vs, lo, hi } = cur;
      if (hi <= lo) continue;
      ctx.evalT = t;
      ctx.rangeStart = start;
      ctx.rangeEnd = end;
      ctx.lastReset = anchored || smoothed ? Infinity : cur.lastReset;
      for (let a = 0; a < scalars.length; a++) ctx.args[a] = scalars[a]![i]!;
      let r: number | undefined;
      try {
        r =
          anchored || smoothed
            ? extendedKernel(name, ts, vs, lo, hi, ctx, smoothed)
            : kernel(ts, vs, lo, hi, ctx);
      } catch (err) {
        if (err instanceof RangeFunctionError)
          throw new QueryExecutionError(err.message, { cause: err });
        throw err;
      }
      if (r === undefined) continue;
      o.vs[i] = r;
      o.has[i] = 1;
      if (covered) covered[i] = 1;
      any = true;
    }
    cur.check();
    ev.ctx.check();
    if (!any) continue;
    slab.keep();
    out.push(o);
    // Counted per series so a huge result fails before it is all allocated.
    ev.ctx.hold(countPoints([o]));
    if ((name === 'rate' || name === 'increase') && sel) {
      const metric = s.labels.get('__name__');
      if (metric !== '' && !COUNTER_SUFFIXES.some((x) => metric.endsWith(x)))
        ev.ctx.annotate(
          'info',
          `metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${JSON.stringify(metric)}`,
          matrixArg.posRange,
        );
    }
  }
  if (warnText !== '') ev.ctx.annotate('warning', warnText, call.posRange);
  if (covered) {
    const s = newStepSeries(absentLabels(matrixArg), n, false);
    for (let i = 0; i < n; i++)
      if (!covered[i]) {
        s.has[i] = 1;
        s.vs[i] = 1;
      }
    return { kind: 'vector', series: s.has.includes(1) ? [s] : [], ordered: false };
  }
  return {
    kind: 'vector',
    series: ev.ctx.opts.delayedNameRemoval || distinct ? out : mergeSameLabels(out),
    ordered: false,
  };
}

function checkQuantile(ev: Evaluator, call: Call, q: Float64Array): void {
  for (const v of q) {
    if (Number.isNaN(v) || v < 0 || v > 1) {
      ev.ctx.annotate(
        'warning',
        `quantile value should be between 0 and 1, got ${goG(v)}`,
        call.args[0]!.posRange,
      );
      return;
    }
  }
}
