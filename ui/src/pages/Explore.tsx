/**
 * Explore: write a PromQL expression, run it, see a graph (range query) or a table (instant
 * query). The query, range, step and view live in the URL; past queries in localStorage.
 */
import { type ReactElement, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, queryInstant, queryRange } from '../api/client.js';
import type { QueryResult, RangeSeries } from '../api/types.js';
import { DataTable } from '../explore/DataTable.js';
import { Graph } from '../explore/Graph.js';
import { loadHistory, pushHistory } from '../explore/history.js';
import { QueryEditor } from '../explore/QueryEditor.js';
import {
  autoStep,
  type ExploreState,
  formatState,
  parseState,
  RANGES,
  rangeSeconds,
  type Tab,
} from '../explore/state.js';
import { navigate } from '../route.js';
import type { Theme } from '../theme.js';
import { ZoneSelect } from '../time/ZoneSelect.js';

/** Props of the page. */
export interface ExploreProps {
  /** The location's query string. */
  readonly search: string;
  readonly theme: Theme;
}

type Outcome =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading' }
  | { readonly kind: 'error'; readonly message: string }
  | {
      readonly kind: 'done';
      readonly result: QueryResult;
      readonly start: number;
      readonly end: number;
      readonly warnings: readonly string[];
      readonly ms: number;
    };

function errorText(e: unknown): string {
  if (e instanceof ApiError) return `${e.errorType}: ${e.message}`;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** The Explore page. */
export function Explore({ search, theme }: ExploreProps): ReactElement {
  const state = parseState(search);
  const [draft, setDraft] = useState(state.query);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const [history, setHistory] = useState<string[]>(loadHistory);
  const [runId, setRunId] = useState(0);
  const abort = useRef<AbortController | null>(null);

  const update = useCallback((next: ExploreState, replace = false) => {
    navigate(`/explore${formatState(next)}`, replace);
  }, []);

  // Follow the URL when it changes from outside (back/forward, history pick).
  useEffect(() => {
    setDraft(state.query);
  }, [state.query]);

  // Run whenever the URL's query, range, step or tab changes, or the user re-runs.
  useEffect(() => {
    abort.current?.abort();
    if (!state.query.trim()) {
      setOutcome({ kind: 'idle' });
      return;
    }
    const ac = new AbortController();
    abort.current = ac;
    setOutcome({ kind: 'loading' });
    const t0 = performance.now();
    const end = Date.now() / 1000;
    const range = rangeSeconds(state.range);
    const step = state.step > 0 ? state.step : autoStep(range);
    // A whole number of steps back from now, so the last point is evaluated at `end` itself
    // and fresh samples show at once.
    const start = end - Math.ceil(range / step) * step;
    const p =
      state.tab === 'graph'
        ? queryRange(state.query, start, end, step, ac.signal)
        : queryInstant(state.query, end, ac.signal);
    p.then(
      (r) => {
        if (!ac.signal.aborted) {
          setOutcome({
            kind: 'done',
            result: r.data,
            start,
            end,
            warnings: r.warnings,
            ms: performance.now() - t0,
          });
        }
      },
      (e: unknown) => {
        if (!ac.signal.aborted) setOutcome({ kind: 'error', message: errorText(e) });
      },
    );
    return () => {
      ac.abort();
    };
  }, [state.query, state.range, state.step, state.tab, runId]);

  const run = (q: string): void => {
    setHistory(pushHistory(q));
    if (q === state.query) setRunId((n) => n + 1);
    else update({ ...state, query: q });
  };
  const setTab = (tab: Tab): void => {
    update({ ...state, tab, query: draft });
  };

  return (
    <section className="explore" aria-labelledby="explore-title">
      <h1 id="explore-title" className="visually-hidden">
        Explore
      </h1>
      <div className="query-row">
        <QueryEditor value={draft} onChange={setDraft} onRun={run} />
        <button
          type="button"
          className="primary"
          onClick={() => {
            run(draft);
          }}
        >
          Run
        </button>
      </div>
      <div className="controls">
        <div role="tablist" aria-label="Result view" className="tabs">
          {(['graph', 'table'] as const).map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={state.tab === t}
              onClick={() => {
                setTab(t);
              }}
            >
              {t === 'graph' ? 'Graph' : 'Table'}
            </button>
          ))}
        </div>
        <label>
          Range{' '}
          <select
            value={state.range}
            onChange={(e) => {
              update({ ...state, query: draft, range: e.target.value });
            }}
          >
            {RANGES.map((r) => (
              <option key={r.label} value={r.label}>
                last {r.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Step (s){' '}
          <input
            type="number"
            min={0}
            className="step"
            placeholder={`auto (${autoStep(rangeSeconds(state.range))})`}
            value={state.step > 0 ? state.step : ''}
            onChange={(e) => {
              update({ ...state, query: draft, step: Number(e.target.value) || 0 }, true);
            }}
          />
        </label>
        <label>
          Time zone{' '}
          <ZoneSelect
            value={state.tz}
            onChange={(tz) => {
              update({ ...state, query: draft, tz }, true);
            }}
          />
        </label>
        <label>
          History{' '}
          <select
            value=""
            onChange={(e) => {
              if (e.target.value) run(e.target.value);
            }}
          >
            <option value="">{history.length ? 'pick a past query…' : 'no queries yet'}</option>
            {history.map((h) => (
              <option key={h} value={h}>
                {h.length > 80 ? `${h.slice(0, 80)}…` : h}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Result outcome={outcome} tab={state.tab} theme={theme} timeZone={state.tz} />
    </section>
  );
}

function Result({
  outcome,
  tab,
  theme,
  timeZone,
}: {
  outcome: Outcome;
  tab: Tab;
  theme: Theme;
  timeZone: string;
}): ReactElement {
  switch (outcome.kind) {
    case 'idle':
      return <p className="empty">Enter an expression and press Enter to run it.</p>;
    case 'loading':
      return (
        <p className="empty" aria-live="polite">
          Loading…
        </p>
      );
    case 'error':
      return (
        <p className="error" role="alert">
          {outcome.message}
        </p>
      );
    case 'done': {
      const r = outcome.result;
      return (
        <div className="result">
          <p className="meta" aria-live="polite">
            {resultSummary(r)} in {Math.round(outcome.ms)} ms
          </p>
          {outcome.warnings.map((w) => (
            <p key={w} className="warning">
              {w}
            </p>
          ))}
          {tab === 'graph' && r.kind === 'matrix' ? (
            <GraphOrEmpty
              series={r.series}
              start={outcome.start}
              end={outcome.end}
              theme={theme}
              timeZone={timeZone}
            />
          ) : (
            <DataTable result={r} />
          )}
        </div>
      );
    }
  }
}

function GraphOrEmpty({
  series,
  start,
  end,
  theme,
  timeZone,
}: {
  series: readonly RangeSeries[];
  start: number;
  end: number;
  theme: Theme;
  timeZone: string;
}): ReactElement {
  if (series.length === 0) return <p className="empty">Empty query result.</p>;
  return <Graph series={series} start={start} end={end} theme={theme} timeZone={timeZone} />;
}

function resultSummary(r: QueryResult): string {
  switch (r.kind) {
    case 'matrix':
      return `${r.series.length} series`;
    case 'vector':
      return `${r.samples.length} series`;
    case 'scalar':
    case 'string':
      return `a ${r.kind}`;
  }
}
