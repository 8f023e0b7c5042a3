/** Loads the events of a dashboard's enabled annotations for its time range (React hook). */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { fetchHistory } from '../alerts/api.js';
import { queryRange } from '../api/client.js';
import {
  annotationDefs,
  type AnnotationDef,
  type AnnotationEvent,
  alertAnnotationEvents,
  promAnnotationEvents,
} from './annotations.js';
import { interpolate, type Scope } from './interpolate.js';
import { builtinScope } from './queries.js';
import type { ResolvedRange } from './timerange.js';

/** What the annotations of a dashboard show, and their errors by name. */
export interface AnnotationState {
  readonly events: readonly AnnotationEvent[];
  readonly errors: ReadonlyMap<string, string>;
}

const EMPTY: AnnotationState = { events: [], errors: new Map() };

async function load(
  def: AnnotationDef,
  range: ResolvedRange,
  scope: Scope,
  signal: AbortSignal,
): Promise<AnnotationEvent[]> {
  if (def.kind === 'alerts') {
    const items = await fetchHistory(range.from / 1000, range.to / 1000, '', signal);
    return alertAnnotationEvents(def, items, range);
  }
  if (def.kind !== 'prometheus') return [];
  const stepS = Math.max(1, Math.round(def.stepMs / 1000));
  const s = builtinScope(scope, range, def.stepMs, Math.max(def.stepMs * 4, 60_000));
  const expr = interpolate(def.expr, s);
  const start = Math.floor(range.from / 1000 / stepS) * stepS;
  const end = Math.ceil(range.to / 1000 / stepS) * stepS;
  const r = await queryRange(expr, start, end, stepS, signal);
  if (r.data.kind !== 'matrix') return [];
  return promAnnotationEvents(
    def,
    r.data.series.map((x) => ({
      labels: x.metric,
      timestamps: Array.from(x.times, (t) => t * 1000),
      values: x.values,
    })),
  );
}

/**
 * The events of the annotations in `defs` whose index is in `enabled`, reloaded when the range,
 * the variables or `tick` change. Failing annotations report an error and show nothing.
 */
export function useAnnotations(
  defs: readonly AnnotationDef[],
  enabled: ReadonlySet<number>,
  range: ResolvedRange,
  scope: Scope,
  scopeKey: string,
  ready: boolean,
  tick: number,
): AnnotationState {
  const [state, setState] = useState<AnnotationState>(EMPTY);
  const active = defs.filter((d) => enabled.has(d.index) && d.kind !== 'unsupported');
  const key = active.map((d) => d.index).join(',');
  useEffect(() => {
    if (!ready || active.length === 0) {
      setState(EMPTY);
      return;
    }
    const ac = new AbortController();
    void Promise.allSettled(active.map((d) => load(d, range, scope, ac.signal))).then((rs) => {
      if (ac.signal.aborted) return;
      const events: AnnotationEvent[] = [];
      const errors = new Map<string, string>();
      rs.forEach((r, i) => {
        const d = active[i];
        if (!d) return;
        if (r.status === 'fulfilled') events.push(...r.value);
        else errors.set(d.name, r.reason instanceof Error ? r.reason.message : String(r.reason));
      });
      setState({ events, errors });
    });
    return () => {
      ac.abort();
    };
  }, [key, range.from, range.to, scopeKey, ready, tick]);
  return state;
}

/** The dashboard's annotations and which are switched on (starting as their `enable` says). */
export function useAnnotationToggles(annotations: unknown): {
  readonly defs: readonly AnnotationDef[];
  readonly enabled: ReadonlySet<number>;
  readonly toggle: (index: number, on: boolean) => void;
} {
  const defs = useMemo(() => annotationDefs(annotations), [annotations]);
  const initial = (): Set<number> => new Set(defs.filter((d) => d.enable).map((d) => d.index));
  const key = defs.map((d) => `${d.index}:${d.enable ? 1 : 0}`).join(',');
  const [enabled, setEnabled] = useState<ReadonlySet<number>>(initial);
  useEffect(() => {
    setEnabled(initial());
  }, [key]);
  const toggle = useCallback((index: number, on: boolean) => {
    setEnabled((prev) => {
      const next = new Set(prev);
      if (on) next.add(index);
      else next.delete(index);
      return next;
    });
  }, []);
  return { defs, enabled, toggle };
}
