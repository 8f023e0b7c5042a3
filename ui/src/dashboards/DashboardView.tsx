/**
 * One dashboard at `/dashboards/d/<uid>` (or a new one at `/dashboards/new`): toolbar with
 * time picker and auto refresh, variables bar, the panel grid, full-screen panel view, and edit
 * mode (add/remove panels and rows, drag and resize, panel editor, settings, save, versions).
 * The time range, variables, refresh and viewed panel live in Grafana-compatible URL params.
 */
import {
  lazy,
  type ReactElement,
  Suspense,
  useCallback,
  useEffect,
  useMemo,
  useState,
} from 'react';
import { navigate } from '../route.js';
import type { Theme } from '../theme.js';
import type { PanelModel, TimeRangeMs } from '../panels/types.js';
import { ApiError } from '../api/client.js';
import { type DashboardMeta, takeEarlyDashboard } from './api.js';
import { SaveDialog } from './SaveDialog.js';
import { DashboardActions } from './DashboardActions.js';
import { DashboardGrid, layoutBoxes } from './DashboardGrid.js';
import { parseDurationMs } from './interval.js';
import { addPanel, duplicatePanel, nextPanelId, removePanel, toggleRow } from './layout.js';
import type { Scope } from './interpolate.js';
import { expandRepeats, panelScope, sourceId } from './repeat.js';
import { type DashboardModel, emptyDashboard } from './model.js';
import { PanelFrame } from './PanelFrame.js';
import { type RawTimeRange, type ResolvedRange, resolveRange } from './timerange.js';
import { TimePicker } from './TimePicker.js';
import { formatUrlState, parseUrlState, type UrlState } from './urlstate.js';
import { usePanelData } from './usePanelData.js';
import { useVariables } from './useVariables.js';
import { VariablesBar } from './VariablesBar.js';
import { VersionsDialog } from './VersionsDialog.js';
import { useWidth } from './useWidth.js';
import { AnnotationToggles } from './AnnotationToggles.js';
import { ShareDialog } from './ShareDialog.js';
import { type PanelTime, panelTime } from './timeoverride.js';
import { useAnnotations, useAnnotationToggles } from './useAnnotations.js';

// The editors (and the query editor's codemirror) load on first use, not with the dashboard.
const PanelEditor = lazy(() =>
  import('./PanelEditor.js').then((m) => ({ default: m.PanelEditor })),
);
const SettingsEditor = lazy(() =>
  import('./SettingsEditor.js').then((m) => ({ default: m.SettingsEditor })),
);

/** Props of {@link DashboardView}. */
export interface DashboardViewProps {
  /** The dashboard's uid, or undefined for a new unsaved dashboard. */
  readonly uid: string | undefined;
  readonly search: string;
  readonly theme: Theme;
}

/** A change to the URL state; `undefined` removes a parameter. */
type UrlPatch = { [K in keyof UrlState]?: UrlState[K] | undefined };

type Load =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; meta: DashboardMeta | undefined };

function message(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

/** A dashboard page. */
export function DashboardView({ uid, search, theme }: DashboardViewProps): ReactElement {
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [dash, setDash] = useState<DashboardModel>(() => emptyDashboard());
  const [savedJson, setSavedJson] = useState('');
  const [reloadCount, setReloadCount] = useState(0);
  const url = useMemo(() => parseUrlState(search), [search]);

  useEffect(() => {
    if (uid === undefined) {
      const d = emptyDashboard();
      setDash(d);
      setSavedJson('');
      setLoad({ kind: 'ready', meta: undefined });
      return;
    }
    const ac = new AbortController();
    setLoad({ kind: 'loading' });
    takeEarlyDashboard(uid, ac.signal).then(
      (r) => {
        setDash(r.dashboard);
        setSavedJson(JSON.stringify(r.dashboard));
        setLoad({ kind: 'ready', meta: r.meta });
      },
      (e: unknown) => {
        if (!ac.signal.aborted) setLoad({ kind: 'error', message: message(e) });
      },
    );
    return () => {
      ac.abort();
    };
  }, [uid, reloadCount]);

  if (load.kind === 'loading') return <p className="meta">Loading dashboard…</p>;
  if (load.kind === 'error') {
    return (
      <section>
        <h1>Dashboard</h1>
        <p className="error" role="alert">
          cannot load dashboard {uid}: {load.message}
        </p>
        <a href="/dashboards">Back to dashboards</a>
      </section>
    );
  }
  return (
    <Loaded
      key={`${uid ?? 'new'}-${reloadCount}`}
      uid={uid}
      dash={dash}
      setDash={setDash}
      meta={load.meta}
      dirty={JSON.stringify(dash) !== savedJson}
      onSaved={(d, meta) => {
        setDash(d);
        setSavedJson(JSON.stringify(d));
        setLoad({ kind: 'ready', meta });
      }}
      onReload={() => {
        setReloadCount((n) => n + 1);
      }}
      url={url}
      theme={theme}
    />
  );
}

interface LoadedProps {
  uid: string | undefined;
  dash: DashboardModel;
  setDash: (d: DashboardModel) => void;
  meta: DashboardMeta | undefined;
  dirty: boolean;
  onSaved: (d: DashboardModel, meta: DashboardMeta) => void;
  onReload: () => void;
  url: UrlState;
  theme: Theme;
}

function Loaded(props: LoadedProps): ReactElement {
  const { dash, setDash, url, uid } = props;
  const tz =
    url.timezone ??
    (dash.timezone !== undefined && dash.timezone !== '' ? dash.timezone : 'browser');
  const raw: RawTimeRange = { from: url.from ?? dash.time.from, to: url.to ?? dash.time.to };
  const refresh = url.refresh ?? (typeof dash.refresh === 'string' ? dash.refresh : '');
  const [now, setNow] = useState(() => Date.now());
  const [tick, setTick] = useState(0);
  const range = useMemo(() => resolveRange(raw, now, tz), [raw.from, raw.to, now, tz]);
  const editing = url.edit === true || uid === undefined;
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [versionsOpen, setVersionsOpen] = useState(false);
  const [saveOpen, setSaveOpen] = useState(false);
  const [folder, setFolder] = useState(props.meta?.folder ?? '');
  const vars = useVariables(dash.templating.list, range, url.vars);
  const [gridRef, width] = useWidth();
  const [shareOpen, setShareOpen] = useState(false);
  const toggles = useAnnotationToggles(dash['annotations']);
  const notes = useAnnotations(
    toggles.defs,
    toggles.enabled,
    range,
    vars.scope,
    vars.key,
    vars.ready && !editing,
    tick,
  );

  /** Writes URL state (push for time changes, replace for the rest). */
  const go = useCallback(
    (patch: UrlPatch, replace = false) => {
      const next: UrlPatch = { ...url, ...patch };
      const clean = Object.fromEntries(
        Object.entries(next).filter(([, v]) => v !== undefined),
      ) as unknown as UrlState;
      const path =
        uid === undefined ? '/dashboards/new' : `/dashboards/d/${encodeURIComponent(uid)}`;
      navigate(`${path}${formatUrlState(clean)}`, replace);
    },
    [url, uid],
  );

  // Keep the selected variable values in the URL.
  useEffect(() => {
    if (!vars.ready) return;
    const v: Record<string, string[]> = {};
    for (const [name, s] of vars.state) {
      const model = dash.templating.list.find((x) => x.name === name);
      if (model && model.type !== 'constant') v[name] = [...s.selected];
    }
    if (JSON.stringify(v) !== JSON.stringify(url.vars)) go({ vars: v }, true);
  }, [vars.key, vars.ready]);

  // Auto refresh.
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

  const onRefresh = (): void => {
    setNow(Date.now());
    setTick((n) => n + 1);
  };

  // Repeated panels are expanded in the view; edit mode shows (and edits) the source panels.
  const laid = useMemo(
    () =>
      editing ? dash.panels.map((panel) => ({ panel })) : expandRepeats(dash.panels, vars.scope),
    [dash.panels, vars.key, editing],
  );
  const scopes = useMemo(
    () => new Map(laid.map((l) => [l.panel.id ?? -1, panelScope(vars.scope, l)])),
    [laid, vars.scope],
  );
  const laidPanels = useMemo(() => laid.map((l) => l.panel), [laid]);
  const viewed =
    url.viewPanel !== undefined ? laidPanels.find((p) => p.id === url.viewPanel) : undefined;
  const editedPanel =
    url.editPanel !== undefined ? dash.panels.find((p) => p.id === url.editPanel) : undefined;
  const boxes = layoutBoxes(laidPanels, width);
  const panelTimes = useMemo(() => {
    const m = new Map<number, PanelTime>();
    for (const p of laidPanels) {
      if (p['timeFrom'] === undefined && p['timeShift'] === undefined) continue;
      const own = scopes.get(p.id ?? -1) ?? vars.scope;
      m.set(p.id ?? -1, panelTime(p, range, raw.from, now, tz, own));
    }
    return m;
  }, [laidPanels, range, raw.from, now, tz, scopes]);
  const visible = useMemo(() => {
    const item = (
      p: PanelModel,
      w: number,
    ): { panel: PanelModel; width: number; scope: Scope; range?: ResolvedRange } => {
      const own = panelTimes.get(p.id ?? -1);
      return {
        panel: p,
        width: Math.round(w / 50) * 50 || 1000,
        scope: scopes.get(p.id ?? -1) ?? vars.scope,
        ...(own?.overridden === true ? { range: own.range } : {}),
      };
    };
    if (viewed) return [item(viewed, width)];
    return laidPanels
      .filter((p) => p.type !== 'row')
      .map((p) => item(p, boxes.get(p.id ?? -1)?.width ?? 600));
  }, [laidPanels, width, viewed, scopes, panelTimes]);
  const data = usePanelData(
    visible,
    range,
    vars.scope,
    vars.ready && width > 0 && !editedPanel,
    tick,
  );

  const share = (): void => {
    setShareOpen(true);
  };
  const onZoom = (r: TimeRangeMs): void => {
    go({ from: String(Math.round(r.from)), to: String(Math.round(r.to)) });
  };
  const setPanels = (panels: PanelModel[]): void => {
    setDash({ ...dash, panels });
  };
  const setEditing = (on: boolean): void => {
    const patch: UrlPatch = { edit: on };
    go(on ? patch : { ...patch, editPanel: undefined }, true);
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape' && url.viewPanel !== undefined) go({ viewPanel: undefined });
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [url.viewPanel, go]);

  const provisioned = props.meta?.provisioned === true;
  const fullHeight = Math.max(300, window.innerHeight - 180);
  return (
    <section className="dashboard" aria-labelledby="dashboard-title">
      <div className="db-toolbar">
        <h1 id="dashboard-title">
          <a
            href="/dashboards"
            onClick={(e) => {
              e.preventDefault();
              navigate('/dashboards');
            }}
          >
            Dashboards
          </a>{' '}
          / {folder ? `${folder} / ` : ''}
          {dash.title}
          {props.dirty && <span className="meta"> (unsaved)</span>}
        </h1>
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
            go({ timezone: t }, true);
          }}
          onRefreshInterval={(r) => {
            go({ refresh: r }, true);
          }}
          onRefresh={onRefresh}
        />
        <DashboardActions
          editing={editing}
          saved={uid !== undefined}
          onShare={share}
          onEdit={() => {
            setEditing(true);
          }}
          onAddPanel={() => {
            const id = nextPanelId(dash.panels);
            setPanels(
              addPanel(dash.panels, {
                id,
                type: 'timeseries',
                title: 'New panel',
                gridPos: { x: 0, y: 0, w: 12, h: 8 },
                targets: [{ refId: 'A', expr: '' }],
              }),
            );
            go({ editPanel: id }, false);
          }}
          onAddRow={() => {
            setPanels(
              addPanel(dash.panels, {
                id: nextPanelId(dash.panels),
                type: 'row',
                title: 'Row title',
                collapsed: false,
                panels: [],
                gridPos: { x: 0, y: 0, w: 24, h: 1 },
              }),
            );
          }}
          onSettings={() => {
            setSettingsOpen(true);
          }}
          onVersions={() => {
            setVersionsOpen(true);
          }}
          onSave={() => {
            setSaveOpen(true);
          }}
          onExit={() => {
            if (props.dirty && !window.confirm('Discard unsaved changes?')) return;
            setEditing(false);
            if (props.dirty) props.onReload();
          }}
        />
      </div>
      {provisioned && editing && (
        <p className="warning">
          This dashboard is provisioned from {props.meta?.file ?? 'a file'}; saving writes back only
          when the server allows it.
        </p>
      )}
      <VariablesBar variables={dash.templating.list} state={vars.state} onChange={vars.select} />
      <AnnotationToggles
        defs={toggles.defs}
        enabled={toggles.enabled}
        errors={notes.errors}
        onToggle={toggles.toggle}
      />
      <div ref={gridRef} className="db-canvas">
        {viewed ? (
          <div className="db-fullscreen">
            <button
              type="button"
              onClick={() => {
                go({ viewPanel: undefined });
              }}
            >
              ← Back to dashboard
            </button>
            <PanelFrame
              panel={viewed}
              data={data.get(viewed.id ?? -1)}
              width={width}
              height={fullHeight}
              timeRange={panelTimes.get(viewed.id ?? -1)?.range ?? range}
              timeInfo={panelTimes.get(viewed.id ?? -1)?.info ?? ''}
              timeZone={tz}
              annotations={notes.events}
              theme={props.theme}
              scope={scopes.get(viewed.id ?? -1) ?? vars.scope}
              editing={false}
              onTimeRangeChange={onZoom}
              onView={() => {
                go({ viewPanel: undefined });
              }}
              onEdit={() => {
                go({ editPanel: sourceId(viewed.id ?? -1), edit: true, viewPanel: undefined });
              }}
              onDuplicate={() => undefined}
              onRemove={() => undefined}
            />
          </div>
        ) : dash.panels.length === 0 ? (
          <p className="empty">
            This dashboard has no panels yet.{' '}
            {editing ? 'Use “Add panel”.' : 'Click Edit to add some.'}
          </p>
        ) : (
          width > 0 && (
            <DashboardGrid
              panels={laidPanels}
              scopes={scopes}
              width={width}
              data={data}
              timeRange={range}
              panelTimes={panelTimes}
              timeZone={tz}
              annotations={notes.events}
              theme={props.theme}
              scope={vars.scope}
              editing={editing}
              onPanels={setPanels}
              onToggleRow={(id) => {
                setPanels(toggleRow(dash.panels, id));
              }}
              onTimeRangeChange={onZoom}
              onView={(id) => {
                go({ viewPanel: id });
              }}
              onEdit={(id) => {
                go({ editPanel: sourceId(id), edit: true });
              }}
              onDuplicate={(id) => {
                setPanels(duplicatePanel(dash.panels, id));
              }}
              onRemove={(id) => {
                setPanels(removePanel(dash.panels, id));
              }}
            />
          )
        )}
      </div>
      {editedPanel && (
        <Suspense fallback={null}>
          <PanelEditor
            panel={editedPanel}
            range={range}
            scope={vars.scope}
            timeZone={tz}
            theme={props.theme}
            onApply={(p) => {
              setPanels(dash.panels.map((x) => (x.id === p.id ? p : x)));
              go({ editPanel: undefined });
            }}
            onCancel={() => {
              go({ editPanel: undefined });
            }}
          />
        </Suspense>
      )}
      {settingsOpen && (
        <Suspense fallback={null}>
          <SettingsEditor
            dashboard={dash}
            folder={folder}
            onApply={(d, f) => {
              setDash(d);
              setFolder(f);
              setSettingsOpen(false);
            }}
            onCancel={() => {
              setSettingsOpen(false);
            }}
          />
        </Suspense>
      )}
      {shareOpen && uid !== undefined && (
        <ShareDialog
          uid={uid}
          dash={dash}
          raw={raw}
          range={range}
          timezone={tz}
          scope={vars.scope}
          urlVars={url.vars}
          viewPanel={url.viewPanel}
          onClose={() => {
            setShareOpen(false);
          }}
        />
      )}
      {versionsOpen && uid !== undefined && (
        <VersionsDialog
          uid={uid}
          onClose={() => {
            setVersionsOpen(false);
          }}
          onRestored={() => {
            setVersionsOpen(false);
            props.onReload();
          }}
        />
      )}
      {saveOpen && (
        <SaveDialog
          uid={uid}
          dash={dash}
          folder={folder}
          version={props.meta?.version}
          onSaved={(d, meta, newUid) => {
            setSaveOpen(false);
            props.onSaved(d, meta);
            if (newUid !== uid) navigate(`/dashboards/d/${encodeURIComponent(newUid)}?edit`);
          }}
          onReload={() => {
            setSaveOpen(false);
            props.onReload();
          }}
          onCancel={() => {
            setSaveOpen(false);
          }}
        />
      )}
    </section>
  );
}
