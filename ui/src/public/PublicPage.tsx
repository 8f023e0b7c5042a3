/**
 * A public share link, `/public/<token>`: the shared dashboard (or one panel) drawn with the
 * dashboard components, read-only, with the link's variables, its Prometheus annotations and a
 * time picker, for visitors who are not signed in. The layout is the dashboard's current version,
 * read from `/api/kansoku/share/dashboard`, so the page follows edits of the dashboard. Only when
 * that fails (an older server) does the page fall back to a layout in the link's `#l=` fragment,
 * and without either to one graph per allowed query with the latest values. Every API request
 * of the page carries the link's token; the server lets it run only the link's queries.
 */
import { type ReactElement, useEffect, useMemo, useState } from 'react';
import { resolveShare, type ShareTarget } from '../auth/session.js';
import { DashboardGrid, layoutBoxes } from '../dashboards/DashboardGrid.js';
import { parseDurationMs } from '../dashboards/interval.js';
import { toggleRow } from '../dashboards/layout.js';
import { fallbackPanels, publicPanels, shareScope } from '../dashboards/publicview.js';
import { decodeLayout, type SharedLayout } from '../dashboards/shareurl.js';
import { type PanelTime, panelTime } from '../dashboards/timeoverride.js';
import { type RawTimeRange, resolveRange } from '../dashboards/timerange.js';
import { TimePicker } from '../dashboards/TimePicker.js';
import { formatUrlState, parseUrlState } from '../dashboards/urlstate.js';
import { usePanelData } from '../dashboards/usePanelData.js';
import { useWidth } from '../dashboards/useWidth.js';
import { AnnotationToggles } from '../dashboards/AnnotationToggles.js';
import { useAnnotations, useAnnotationToggles } from '../dashboards/useAnnotations.js';
import type { PanelModel } from '../panels/types.js';
import { navigate } from '../route.js';
import type { Theme } from '../theme.js';
import { LatestValues } from './LatestValues.js';
import { installShareFetch } from './sharefetch.js';
import { fetchSharedView, type PublicLayout } from './sharedview.js';
import '../dashboards/dashboards.css';

type Load =
  | { kind: 'loading' }
  | { kind: 'error' }
  | { kind: 'ready'; target: ShareTarget; layout: SharedLayout | PublicLayout | undefined };

/** The current layout from the server; a legacy `#l=` fragment only when the server has none. */
function loadLayout(secret: string): Promise<SharedLayout | PublicLayout | undefined> {
  return fetchSharedView(secret).catch(() => decodeLayout(window.location.hash));
}

/** The public share page. */
export function PublicPage(props: {
  pathname: string;
  search: string;
  theme: Theme;
}): ReactElement {
  const secret = decodeURIComponent(props.pathname.replace(/^\/public\/?/, ''));
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  useEffect(() => {
    installShareFetch(secret);
    const state = { live: true };
    Promise.all([resolveShare(secret), loadLayout(secret)]).then(
      ([target, layout]) => {
        if (state.live) setLoad({ kind: 'ready', target, layout });
      },
      () => {
        if (state.live) setLoad({ kind: 'error' });
      },
    );
    return () => {
      state.live = false;
    };
  }, [secret]);
  if (load.kind === 'error')
    return (
      <section className="auth-card">
        <h1>Shared view</h1>
        <p className="error-text">This link is invalid, expired or revoked.</p>
      </section>
    );
  if (load.kind === 'loading') return <p className="empty">Loading…</p>;
  return (
    <Shared
      target={load.target}
      layout={load.layout}
      pathname={props.pathname}
      search={props.search}
      theme={props.theme}
    />
  );
}

function Shared(props: {
  target: ShareTarget;
  layout: SharedLayout | PublicLayout | undefined;
  pathname: string;
  search: string;
  theme: Theme;
}): ReactElement {
  const { target, layout } = props;
  const url = useMemo(() => parseUrlState(props.search), [props.search]);
  const tz = url.timezone ?? layout?.timezone ?? 'browser';
  const raw: RawTimeRange = {
    from: url.from ?? layout?.time.from ?? 'now-6h',
    to: url.to ?? layout?.time.to ?? 'now',
  };
  const refresh = url.refresh ?? '';
  const [now, setNow] = useState(() => Date.now());
  const [tick, setTick] = useState(0);
  const range = useMemo(() => resolveRange(raw, now, tz), [raw.from, raw.to, now, tz]);
  const scope = useMemo(() => shareScope(target.variables), [target]);
  const [panels, setPanels] = useState<PanelModel[]>(() =>
    layout ? publicPanels(layout.panels, target.variables) : fallbackPanels(target.queries),
  );
  const [gridRef, width] = useWidth();

  const go = (patch: { from?: string; to?: string; timezone?: string; refresh?: string }): void => {
    const q = formatUrlState({ ...url, ...patch, vars: {} });
    navigate(`${props.pathname}${q}${window.location.hash}`);
  };
  useEffect(() => {
    const ms = parseDurationMs(refresh);
    if (ms === undefined || ms < 1000) return;
    const t = setInterval(() => {
      setNow(Date.now());
    }, ms);
    return () => {
      clearInterval(t);
    };
  }, [refresh]);

  const boxes = layoutBoxes(panels, width);
  const panelTimes = useMemo(() => {
    const m = new Map<number, PanelTime>();
    for (const p of panels)
      if (p['timeFrom'] !== undefined || p['timeShift'] !== undefined)
        m.set(p.id ?? -1, panelTime(p, range, raw.from, now, tz, scope));
    return m;
  }, [panels, range, raw.from, now, tz, scope]);
  const visible = useMemo(
    () =>
      panels
        .filter((p) => p.type !== 'row')
        .map((p) => {
          const own = panelTimes.get(p.id ?? -1);
          return {
            panel: p,
            width: Math.round((boxes.get(p.id ?? -1)?.width ?? 600) / 50) * 50 || 1000,
            ...(own?.overridden === true ? { range: own.range } : {}),
          };
        }),
    [panels, width, panelTimes],
  );
  const data = usePanelData(visible, range, scope, width > 0, tick);
  const toggles = useAnnotationToggles(
    layout && 'annotations' in layout ? layout.annotations : undefined,
  );
  // Only Prometheus annotations: alert history is not open to share links.
  const defs = useMemo(() => toggles.defs.filter((d) => d.kind === 'prometheus'), [toggles.defs]);
  const notes = useAnnotations(defs, toggles.enabled, range, scope, '', width > 0, tick);
  const vars = Object.entries(target.variables);

  return (
    <section className={`dashboard shared shared-${props.theme}`} aria-labelledby="shared-title">
      <div className="db-toolbar">
        <h1 id="shared-title">
          {layout?.title !== undefined && layout.title !== '' ? layout.title : target.title}
        </h1>
        <span className="meta">Read-only {target.kind === 'panel' ? 'panel' : 'dashboard'}</span>
        <TimePicker
          raw={raw}
          resolved={range}
          timezone={tz}
          refresh={refresh}
          onChange={(r) => {
            setNow(Date.now());
            go({ from: r.from, to: r.to });
          }}
          onTimezone={(t) => {
            go({ timezone: t });
          }}
          onRefreshInterval={(r) => {
            go({ refresh: r });
          }}
          onRefresh={() => {
            setNow(Date.now());
            setTick((n) => n + 1);
          }}
        />
      </div>
      {vars.length > 0 && (
        <div className="db-vars" aria-label="Variables (fixed by the link)">
          {vars.map(([k, v]) => (
            <span key={k} className="db-var-fixed">
              <span className="meta">{layout?.labels[k] ?? k}</span> <b>{v}</b>
            </span>
          ))}
        </div>
      )}
      <AnnotationToggles
        defs={defs}
        enabled={toggles.enabled}
        errors={notes.errors}
        onToggle={toggles.toggle}
      />
      <div ref={gridRef} className="db-canvas">
        {width > 0 && (
          <DashboardGrid
            panels={panels}
            width={width}
            data={data}
            timeRange={range}
            panelTimes={panelTimes}
            timeZone={tz}
            theme={props.theme}
            annotations={notes.events}
            scope={scope}
            editing={false}
            readOnly
            onPanels={setPanels}
            onToggleRow={(id) => {
              setPanels(toggleRow(panels, id));
            }}
            onTimeRangeChange={(r) => {
              go({ from: String(Math.round(r.from)), to: String(Math.round(r.to)) });
            }}
            onView={() => undefined}
            onEdit={() => undefined}
            onDuplicate={() => undefined}
            onRemove={() => undefined}
          />
        )}
      </div>
      {!layout && <LatestValues queries={target.queries} />}
    </section>
  );
}
