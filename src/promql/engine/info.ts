/**
 * `info(v, {data_label_matchers})`: enriches series with the data labels of matching info
 * metrics (by default `target_info`), joined on the identifying labels `instance` and `job`.
 */
import { LabelsBuilder, Matcher, type Labels } from '../../model/index.js';
import {
  children,
  type Call,
  type Expr,
  type SubqueryExpr,
  type VectorSelector,
} from '../parser/index.js';
import { OutCollector, promLabelString } from './binary.js';
import { QueryExecutionError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { LookbackCursor } from './cursor.js';
import type { StepSeries, VectorValue } from './value.js';

const TARGET_INFO = 'target_info';
const IDENTIFYING = ['instance', 'job'];

function effectiveNameMatchers(ms: Matcher[]): Matcher[] {
  if (ms.some((m) => m.type === '=' || m.type === '=~')) return ms;
  if (ms.length > 0) return [new Matcher('=~', '__name__', '.+_info'), ...ms];
  return [new Matcher('=', '__name__', TARGET_INFO)];
}

/** The `@` time and offset of the first selector in the expression (subquery offsets added). */
function timestampAndOffset(ev: Evaluator, e: Expr): { at: number | undefined; offset: number } {
  const path: Expr[] = [];
  let found: { at: number | undefined; offset: number } | undefined;
  const walk = (x: Expr): void => {
    if (found) return;
    if (x.type === 'VectorSelector') {
      let at = x.at ? ev.ctx.atTime(x.at) : undefined;
      let offset = x.offset;
      for (let i = path.length - 1; at === undefined && i >= 0; i--) {
        const p = path[i]!;
        if (p.type === 'SubqueryExpr') {
          const sq: SubqueryExpr = p;
          offset += sq.offset;
          at = sq.at ? ev.ctx.atTime(sq.at) : undefined;
        }
      }
      found = { at, offset };
      return;
    }
    path.push(x);
    for (const c of children(x)) walk(c);
    path.pop();
  };
  walk(e);
  return found ?? { at: undefined, offset: 0 };
}

function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** Evaluates `info()`. */
export async function evalInfo(ev: Evaluator, call: Call): Promise<VectorValue> {
  const baseExpr = call.args[0]!;
  const { at, offset } = timestampAndOffset(ev, baseExpr);
  const base = await ev.evalVector(baseExpr);
  const dataMatchers = new Map<string, Matcher[]>();
  let infoNameMatchers: Matcher[] = [];
  const sel = call.args[1] as VectorSelector | undefined;
  if (sel) {
    for (const m of sel.matchers) {
      dataMatchers.set(m.name, [...(dataMatchers.get(m.name) ?? []), m]);
      if (m.name === '__name__') infoNameMatchers.push(m);
    }
  } else infoNameMatchers = [new Matcher('=', '__name__', TARGET_INFO)];
  const effective = effectiveNameMatchers(infoNameMatchers);
  const ignored = new Set<StepSeries>();
  for (const s of base.series) {
    const name = s.labels.get('__name__');
    if (effective.every((m) => m.matches(name))) ignored.add(s);
  }
  const nameFromData = dataMatchers.get('__name__') ?? [];
  dataMatchers.delete('__name__');

  const idValues = new Map<string, Set<string>>();
  for (const s of base.series) {
    if (ignored.has(s)) continue;
    for (const l of IDENTIFYING) {
      const v = s.labels.get(l);
      if (v === '') continue;
      let set = idValues.get(l);
      if (!set) idValues.set(l, (set = new Set()));
      set.add(v);
    }
  }
  const info: StepSeries[] = [];
  const origT: Float64Array[] = [];
  if (idValues.size > 0) {
    const matchers: Matcher[] = [];
    for (const [name, vals] of idValues)
      matchers.push(new Matcher('=~', name, [...vals].map(quoteMeta).join('|')));
    for (const ms of dataMatchers.values()) matchers.push(...ms);
    matchers.push(...effectiveNameMatchers(nameFromData));
    const lookback = ev.ctx.opts.lookbackMs;
    const mint = (at ?? ev.start) - lookback + 1 - offset;
    const maxt = (at ?? ev.end) - offset;
    const vs: VectorSelector = {
      type: 'VectorSelector',
      name: '',
      matchers,
      offset,
      posRange: call.posRange,
    };
    const selected = await ev.ctx.select(vs, mint, maxt, {
      start: mint,
      end: maxt,
      step: ev.interval,
      func: 'info',
    });
    for (const series of selected) {
      const s: StepSeries = {
        labels: series.labels,
        vs: new Float64Array(ev.nSteps),
        has: new Uint8Array(ev.nSteps),
        dropName: false,
      };
      const ot = new Float64Array(ev.nSteps);
      const cur = new LookbackCursor(series.iterator(), ev.ctx);
      let any = false;
      for (let i = 0; i < ev.nSteps; i++) {
        if (!cur.at((at ?? ev.time(i)) - offset, lookback)) continue;
        s.has[i] = 1;
        ot[i] = cur.t;
        any = true;
      }
      cur.check();
      if (any) {
        info.push(s);
        origT.push(ot);
      }
    }
  }
  return combine(ev, base.series, info, origT, ignored, dataMatchers);
}

function combine(
  ev: Evaluator,
  base: StepSeries[],
  info: StepSeries[],
  origT: Float64Array[],
  ignored: Set<StepSeries>,
  dataMatchers: Map<string, Matcher[]>,
): VectorValue {
  const sigOf = (name: string, l: Labels): string =>
    [name, ...IDENTIFYING.map((n) => `${n}\xff${l.get(n)}`)].join('\xfe');
  const infoNames = [...new Set(info.map((s) => s.labels.get('__name__')))];
  const infoSig = info.map((s) => sigOf(s.labels.get('__name__'), s.labels));
  const baseSigs = base.map((s) => infoNames.map((n) => sigOf(n, s.labels)));
  const allMatchEmpty = [...dataMatchers.values()].every((ms) => ms.every((m) => m.matchesEmpty()));
  const col = new OutCollector(ev.nSteps);
  const right = new Map<string, number>();
  const lb = new LabelsBuilder();
  for (let i = 0; i < ev.nSteps; i++) {
    right.clear();
    for (let k = 0; k < info.length; k++) {
      if (!info[k]!.has[i]) continue;
      const sig = infoSig[k]!;
      const prev = right.get(sig);
      if (prev === undefined) right.set(sig, k);
      else {
        const pt = origT[prev]![i]!;
        const nt = origT[k]![i]!;
        if (pt < nt) right.set(sig, k);
        else if (pt === nt)
          throw new QueryExecutionError(
            `found duplicate series for info metric: existing ${promLabelString(info[prev]!.labels)} @ ${pt}, new ${promLabelString(info[k]!.labels)} @ ${nt}`,
          );
      }
    }
    for (let b = 0; b < base.length; b++) {
      const bs = base[b]!;
      if (!bs.has[i]) continue;
      if (ignored.has(bs)) {
        col.add(bs.labels, bs.dropName, i, bs.vs[i]!);
        continue;
      }
      lb.reset();
      let seen = 0;
      for (let n = 0; n < infoNames.length; n++) {
        const k = right.get(baseSigs[b]![n]!);
        if (k === undefined) continue;
        info[k]!.labels.forEach((name, value) => {
          if (name === '__name__') return;
          if (dataMatchers.size > 0 && !dataMatchers.has(name)) return;
          const cur = lb.get(name);
          if (cur !== '' && cur !== value)
            throw new QueryExecutionError(`conflicting label: ${name}`);
          if (bs.labels.has(name)) return;
          lb.set(name, value);
        });
        seen++;
      }
      const extra = lb.labels();
      if (seen === 0 && !allMatchEmpty) continue;
      lb.reset(bs.labels);
      extra.forEach((name, value) => lb.set(name, value));
      col.add(lb.labels(), bs.dropName, i, bs.vs[i]!);
    }
  }
  return { kind: 'vector', series: col.series, ordered: false };
}
