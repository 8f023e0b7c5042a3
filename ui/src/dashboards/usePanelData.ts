/** Runs the queries of the visible panels and keeps their data (React hook). */
import { useEffect, useRef, useState } from 'react';
import type { PanelData, PanelModel } from '../panels/types.js';
import type { Scope } from './interpolate.js';
import { Limiter, prepareQueries, runPanelQueries } from './runner.js';
import type { ResolvedRange } from './timerange.js';

/** Queries in flight at once across the dashboard. */
const MAX_CONCURRENT = 6;

interface Entry {
  key: string;
  ac: AbortController;
}

/**
 * The data of each panel by id, over the panel's own range when it has one (time overrides).
 * A panel is queried again only when its interpolated queries, its width bucket or `tick`
 * change; a superseded query is aborted.
 */
export function usePanelData(
  panels: readonly { panel: PanelModel; width: number; scope?: Scope; range?: ResolvedRange }[],
  range: ResolvedRange,
  scope: Scope,
  enabled: boolean,
  tick: number,
): ReadonlyMap<number, PanelData> {
  const [data, setData] = useState<ReadonlyMap<number, PanelData>>(new Map());
  const entries = useRef(new Map<number, Entry>());
  const limiter = useRef(new Limiter(MAX_CONCURRENT));

  useEffect(() => {
    if (!enabled) return;
    const seen = new Set<number>();
    const updates = new Map<number, PanelData>();
    for (const { panel, width, scope: own, range: ownRange } of panels) {
      const id = panel.id ?? -1;
      seen.add(id);
      const queries = prepareQueries(panel, width, ownRange ?? range, own ?? scope);
      const key = `${tick}|${JSON.stringify(queries)}`;
      const old = entries.current.get(id);
      if (old && old.key === key) continue;
      old?.ac.abort();
      const ac = new AbortController();
      entries.current.set(id, { key, ac });
      if (queries.length === 0) {
        updates.set(id, { state: 'done', series: [] });
        continue;
      }
      updates.set(id, { state: 'loading', series: [] });
      runPanelQueries(queries, limiter.current, ac.signal).then(
        (d) => {
          if (ac.signal.aborted) return;
          setData((m) => new Map(m).set(id, d));
        },
        (e: unknown) => {
          if (ac.signal.aborted) return;
          const error = e instanceof Error ? e.message : String(e);
          setData((m) => new Map(m).set(id, { state: 'error', series: [], error }));
        },
      );
    }
    for (const [id, e] of entries.current) {
      if (!seen.has(id)) {
        e.ac.abort();
        entries.current.delete(id);
      }
    }
    if (updates.size > 0) {
      setData((m) => {
        const n = new Map(m);
        for (const [id, d] of updates) {
          const prev = n.get(id);
          // Keep showing the old series while the new ones load.
          n.set(id, d.state === 'loading' && prev ? { ...prev, state: 'loading' } : d);
        }
        return n;
      });
    }
  });

  useEffect(
    () => () => {
      for (const e of entries.current.values()) e.ac.abort();
      entries.current.clear();
    },
    [],
  );
  return data;
}
