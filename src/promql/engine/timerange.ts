/** Finds the time range a query reads, so one querier covers every selector. */
import type { AtModifier, Expr } from '../parser/index.js';
import { children } from '../parser/index.js';

/** Query-wide settings the range depends on. */
export interface RangeParams {
  start: number;
  end: number;
  lookbackMs: number;
  defaultSubqueryStepMs: number;
}

function at(a: AtModifier | undefined, p: RangeParams): number | undefined {
  if (!a) return undefined;
  return a.kind === 'timestamp' ? a.ms : a.kind === 'start' ? p.start : p.end;
}

/** The [mint, maxt] (ms) an expression evaluated over [start, end] reads from storage. */
export function queryTimeRange(e: Expr, p: RangeParams): [number, number] {
  let mint = Infinity;
  let maxt = -Infinity;
  const walk = (x: Expr, s: number, t: number): void => {
    switch (x.type) {
      case 'VectorSelector': {
        const a = at(x.at, p);
        mint = Math.min(mint, (a ?? s) - x.offset - p.lookbackMs);
        maxt = Math.max(maxt, (a ?? t) - x.offset + (x.smoothed ? p.lookbackMs : 0));
        return;
      }
      case 'MatrixSelector': {
        const v = x.vectorSelector;
        const a = at(v.at, p);
        const ext = v.anchored || v.smoothed ? p.lookbackMs : 0;
        mint = Math.min(mint, (a ?? s) - v.offset - x.range - ext);
        maxt = Math.max(maxt, (a ?? t) - v.offset + (v.smoothed ? p.lookbackMs : 0));
        return;
      }
      case 'SubqueryExpr': {
        const a = at(x.at, p);
        walk(x.expr, (a ?? s) - x.offset - x.range, (a ?? t) - x.offset);
        return;
      }
      default:
        for (const c of children(x)) walk(c, s, t);
    }
  };
  walk(e, p.start, p.end);
  if (mint === Infinity) return [p.start, p.end];
  return [mint, maxt];
}
