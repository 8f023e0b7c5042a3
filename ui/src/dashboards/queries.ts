/**
 * A panel's queries without I/O: interpolates variables and the built-ins (`$__interval`,
 * `$__rate_interval`, `$__range`, …) per target, picks the step from the panel width, and turns
 * results into the panels' {@link SeriesData} with formatted legends; plus the concurrency
 * limit the runner shares. Pure, no DOM.
 */
import type { QueryResult } from '../api/types.js';
import type { PanelModel, PanelTarget, SeriesData } from '../panels/types.js';
import { formatDuration, alignRange, queryResolution } from './interval.js';
import { interpolate, single, type Scope, type VariableValue } from './interpolate.js';
import { formatLegend } from './legend.js';
import type { ResolvedRange } from './timerange.js';

/** Runs at most `max` tasks at a time; the rest wait in order. Aborted waiters leave the queue. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  /** Runs `task` when a slot is free. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.active >= this.max) {
      await new Promise<void>((resolve, reject) => {
        const go = (): void => {
          signal?.removeEventListener('abort', abort);
          resolve();
        };
        const abort = (): void => {
          const i = this.waiting.indexOf(go);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(new DOMException('aborted', 'AbortError'));
        };
        signal?.addEventListener('abort', abort, { once: true });
        this.waiting.push(go);
      });
    }
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** The built-in variables of one target's query. */
export function builtinScope(
  base: Scope,
  range: ResolvedRange,
  intervalMs: number,
  rateIntervalMs: number,
): Map<string, VariableValue> {
  const scope = new Map(base);
  const rangeMs = range.to - range.from;
  const rangeS = Math.round(rangeMs / 1000);
  scope.set('__interval', single(formatDuration(intervalMs)));
  scope.set('__interval_ms', single(String(intervalMs)));
  scope.set('__rate_interval', single(formatDuration(rateIntervalMs)));
  scope.set('__rate_interval_ms', single(String(rateIntervalMs)));
  scope.set('__range', single(`${rangeS}s`));
  scope.set('__range_s', single(String(rangeS)));
  scope.set('__range_ms', single(String(rangeMs)));
  scope.set('__from', single(String(range.from)));
  scope.set('__to', single(String(range.to)));
  return scope;
}

/** What one target will run (for the panel editor's inspector and the tests). */
export interface PreparedQuery {
  readonly refId: string;
  readonly expr: string;
  readonly instant: boolean;
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly legendFormat: string;
}

/** Interpolates and sizes the visible targets of a panel. */
export function prepareQueries(
  panel: PanelModel,
  widthPx: number,
  range: ResolvedRange,
  scope: Scope,
): PreparedQuery[] {
  const out: PreparedQuery[] = [];
  const mdp = panel['maxDataPoints'];
  const resolution = typeof mdp === 'number' && mdp > 0 ? mdp : Math.max(100, Math.round(widthPx));
  const panelInterval = typeof panel['interval'] === 'string' ? panel['interval'] : undefined;
  (panel.targets ?? []).forEach((t: PanelTarget, i) => {
    if (t.hide === true || typeof t.expr !== 'string' || t.expr.trim() === '') return;
    const res = queryResolution({
      rangeMs: range.to - range.from,
      resolution,
      panelInterval: panelInterval !== undefined ? interpolate(panelInterval, scope) : undefined,
      targetInterval: t.interval !== undefined ? interpolate(t.interval, scope) : undefined,
      intervalFactor: t.intervalFactor,
    });
    const s = builtinScope(scope, range, res.intervalMs, res.rateIntervalMs);
    const { start, end } = alignRange(range.from, range.to, res.stepSec);
    const instant = t.instant === true && t.range !== true;
    out.push({
      refId: t.refId ?? String.fromCharCode(65 + (i % 26)),
      expr: interpolate(t.expr, s),
      instant,
      start,
      end: instant ? range.to / 1000 : end,
      step: res.stepSec,
      legendFormat: interpolate(t.legendFormat ?? '', s),
    });
  });
  return out;
}

/** Converts a query result to series, with legends. */
export function toSeries(q: PreparedQuery, r: QueryResult): SeriesData[] {
  switch (r.kind) {
    case 'matrix':
      return r.series.map((s) => {
        const ts = new Float64Array(s.times.length);
        for (let i = 0; i < ts.length; i++) ts[i] = (s.times[i] ?? 0) * 1000;
        return {
          refId: q.refId,
          labels: { ...s.metric },
          name: formatLegend(q.legendFormat, s.metric),
          timestamps: ts,
          values: s.values,
        };
      });
    case 'vector':
      return r.samples.map((s) => ({
        refId: q.refId,
        labels: { ...s.metric },
        name: formatLegend(q.legendFormat, s.metric),
        timestamps: Float64Array.of(s.time * 1000),
        values: Float64Array.of(Number(s.value)),
      }));
    case 'scalar':
    case 'string':
      return [
        {
          refId: q.refId,
          labels: {},
          name: q.legendFormat.trim() !== '' ? q.legendFormat : q.expr,
          timestamps: Float64Array.of(r.time * 1000),
          values: Float64Array.of(Number(r.value)),
        },
      ];
  }
}
