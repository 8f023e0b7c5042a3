/** Loads template variables in dependency order and keeps their selection (React hook). */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { VariableValue } from './interpolate.js';
import type { VariableModel } from './model.js';
import type { ResolvedRange } from './timerange.js';
import { loadOptions } from './varload.js';
import { dependents, refreshOrder, selectValues, variableValue } from './variables.js';
import type { VariableState } from './VariablesBar.js';

/** What {@link useVariables} gives the dashboard. */
export interface Variables {
  readonly state: ReadonlyMap<string, VariableState>;
  /** Values for interpolation. */
  readonly scope: ReadonlyMap<string, VariableValue>;
  /** A text that changes whenever a value does (for effect dependencies). */
  readonly key: string;
  /** Whether every variable has loaded once. */
  readonly ready: boolean;
  readonly select: (name: string, values: string[]) => void;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function scopeOf(
  vars: readonly VariableModel[],
  state: ReadonlyMap<string, VariableState>,
  rangeMs: number,
): Map<string, VariableValue> {
  const scope = new Map<string, VariableValue>();
  for (const v of vars) {
    const s = state.get(v.name);
    if (s) scope.set(v.name, variableValue(v, s.options, s.selected, rangeMs));
  }
  return scope;
}

/**
 * Loads all variables on start and when the list or (for `refresh: 2`) the time range changes;
 * selecting a value reloads the variables that depend on it. `urlValues` seeds the selection.
 */
export function useVariables(
  vars: readonly VariableModel[],
  range: ResolvedRange,
  urlValues: Readonly<Record<string, readonly string[]>>,
): Variables {
  const [state, setState] = useState<ReadonlyMap<string, VariableState>>(new Map());
  const [ready, setReady] = useState(vars.length === 0);
  const stateRef = useRef(state);
  stateRef.current = state;
  const urlRef = useRef(urlValues);
  urlRef.current = urlValues;
  const rangeRef = useRef(range);
  rangeRef.current = range;
  const abortRef = useRef<AbortController | null>(null);
  const varsKey = JSON.stringify(vars);
  const timeDependent = vars.some((v) => v.type === 'query' && v.refresh === 2);
  const rangeKey = timeDependent ? `${range.from}-${range.to}` : '';

  /** Loads `which` in order; earlier results feed later ones. */
  const load = useCallback(
    async (
      which: readonly VariableModel[],
      base: ReadonlyMap<string, VariableState>,
      useUrl: boolean,
    ) => {
      abortRef.current?.abort();
      const ac = new AbortController();
      abortRef.current = ac;
      const next = new Map(base);
      const r = rangeRef.current;
      for (const v of which) {
        const prev = next.get(v.name);
        let options = prev?.options ?? [];
        let error: string | undefined;
        try {
          options = await loadOptions(v, scopeOf(vars, next, r.to - r.from), r, ac.signal);
        } catch (e) {
          if (ac.signal.aborted) return;
          error = message(e);
        }
        if (ac.signal.aborted) return;
        const want = useUrl ? urlRef.current[v.name] : prev?.selected;
        const base2 = prev ? { ...v, current: { value: [...prev.selected] } } : v;
        const selected = selectValues(base2, options, want);
        next.set(
          v.name,
          error !== undefined ? { options, selected, error } : { options, selected },
        );
        setState(new Map(next));
      }
      setState(new Map(next));
      setReady(true);
    },
    // `vars` is tracked through varsKey.
    [varsKey],
  );

  useEffect(() => {
    void load(refreshOrder(vars), stateRef.current, true);
    return () => {
      abortRef.current?.abort();
    };
  }, [varsKey, rangeKey, load]);

  // Values in the URL changed from outside (back/forward, a shared link): apply them.
  const urlKey = JSON.stringify(urlValues);
  useEffect(() => {
    const cur = stateRef.current;
    const differs = vars.some((v) => {
      const u = urlValues[v.name];
      const s = cur.get(v.name);
      return u !== undefined && s !== undefined && JSON.stringify(u) !== JSON.stringify(s.selected);
    });
    if (differs) void load(refreshOrder(vars), cur, true);
  }, [urlKey]);

  const select = useCallback(
    (name: string, values: string[]) => {
      const cur = new Map(stateRef.current);
      const s = cur.get(name);
      cur.set(name, { options: s?.options ?? [], selected: values });
      setState(cur);
      void load(dependents(vars, name), cur, false);
    },
    [load],
  );

  const scope = useMemo(() => scopeOf(vars, state, range.to - range.from), [state, varsKey, range]);
  const key = useMemo(
    () => JSON.stringify([...scope].map(([k, v]) => [k, v.values, v.isAll])),
    [scope],
  );
  return { state, scope, key, ready, select };
}
