/**
 * Plans what a query reads: the time window each distinct selector needs, so every selector is
 * selected once per query (over the union of its uses), and the overall range one querier covers.
 */
import type { Matcher } from '../../model/index.js';
import type { AtModifier, Expr } from '../parser/index.js';
import { children } from '../parser/index.js';

/** Query-wide settings the windows depend on. */
export interface RangeParams {
  start: number;
  end: number;
  lookbackMs: number;
}

/** The inclusive window [mint, maxt] (ms) a selector reads. */
export type Window = [number, number];

/** A canonical key for a set of matchers (order-independent). */
export function selectorKey(matchers: readonly Matcher[]): string {
  return matchers
    .map((m) => m.toString())
    .sort()
    .join(',');
}

function at(a: AtModifier | undefined, p: RangeParams): number | undefined {
  if (!a) return undefined;
  return a.kind === 'timestamp' ? a.ms : a.kind === 'start' ? p.start : p.end;
}

/** The union window of every distinct selector of an expression evaluated over [start, end]. */
export function selectorWindows(e: Expr, p: RangeParams): Map<string, Window> {
  const out = new Map<string, Window>();
  const add = (matchers: readonly Matcher[], mint: number, maxt: number): void => {
    const key = selectorKey(matchers);
    const w = out.get(key);
    if (w) {
      w[0] = Math.min(w[0], mint);
      w[1] = Math.max(w[1], maxt);
    } else out.set(key, [mint, maxt]);
  };
  const walk = (x: Expr, s: number, t: number): void => {
    switch (x.type) {
      case 'VectorSelector': {
        const a = at(x.at, p);
        const right = x.smoothed ? p.lookbackMs : 0;
        add(x.matchers, (a ?? s) - x.offset - p.lookbackMs + 1, (a ?? t) - x.offset + right);
        return;
      }
      case 'MatrixSelector': {
        const v = x.vectorSelector;
        const a = at(v.at, p);
        const left = v.anchored || v.smoothed ? p.lookbackMs : 0;
        const right = v.smoothed ? p.lookbackMs : 0;
        add(v.matchers, (a ?? s) - v.offset - x.range - left + 1, (a ?? t) - v.offset + right);
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
  return out;
}

/** The overall [mint, maxt] (ms) covering every selector window, or [start, end] when none. */
export function queryTimeRange(windows: ReadonlyMap<string, Window>, p: RangeParams): Window {
  let mint = Infinity;
  let maxt = -Infinity;
  for (const [lo, hi] of windows.values()) {
    mint = Math.min(mint, lo);
    maxt = Math.max(maxt, hi);
  }
  return mint === Infinity ? [p.start, p.end] : [mint, maxt];
}
