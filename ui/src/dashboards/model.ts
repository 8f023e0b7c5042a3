/**
 * The dashboard model: Grafana's dashboard JSON (current schema) with typed access to what
 * Kansoku reads, unknown fields kept as they are. `normalizeDashboard` checks untrusted JSON
 * once (from the API or a pasted file) and upgrades the pre-5.0 `rows` layout to `panels` with
 * `gridPos`. Pure functions, no DOM.
 */
import type { PanelModel } from '../panels/types.js';

/** One option of a variable. */
export interface VariableOption {
  text: string;
  value: string;
  selected?: boolean;
}

/** A variable's current selection as Grafana stores it. */
export interface VariableCurrent {
  text?: string | string[];
  value?: string | string[];
}

/** A template variable (`templating.list[]`). */
export interface VariableModel {
  type: string;
  name: string;
  label?: string;
  description?: string;
  /** 0 shown, 1 label hidden, 2 variable hidden. */
  hide?: number;
  /** The query: a string, or Grafana's newer `{ query, refId }` object. */
  query?: unknown;
  definition?: string;
  regex?: string;
  sort?: number;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string | null;
  current?: VariableCurrent;
  options?: VariableOption[];
  /** 0 never, 1 on dashboard load, 2 on time range change. */
  refresh?: number;
  auto?: boolean;
  auto_count?: number;
  auto_min?: string;
  [key: string]: unknown;
}

/** A dashboard in Grafana's JSON model. */
export interface DashboardModel {
  uid?: string;
  id?: number | null;
  title: string;
  description?: string;
  tags: string[];
  panels: PanelModel[];
  templating: { list: VariableModel[]; [key: string]: unknown };
  time: { from: string; to: string };
  refresh?: string | false;
  timezone?: string;
  version?: number;
  schemaVersion?: number;
  [key: string]: unknown;
}

/** JSON that is not a dashboard. */
export class DashboardFormatError extends Error {
  constructor(message: string) {
    super(`cannot read dashboard: ${message}`);
    this.name = 'DashboardFormatError';
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v : fallback;
}

/** Height of one grid unit plus its margin, in pixels (Grafana's 30 px rows with 8 px gaps). */
const UNIT_PX = 38;

function panel(v: unknown, i: number, path: string): PanelModel {
  if (!isObj(v)) throw new DashboardFormatError(`${path}[${i}] should be an object`);
  const p: PanelModel = { ...v, type: str(v['type'], 'unknown') };
  const g = v['gridPos'];
  if (isObj(g)) {
    const n = (k: string, d: number): number => {
      const x = g[k];
      return typeof x === 'number' && Number.isFinite(x) ? x : d;
    };
    p.gridPos = { x: n('x', 0), y: n('y', 0), w: n('w', 12), h: n('h', 8) };
  }
  if (Array.isArray(v['targets'])) {
    p.targets = (v['targets'] as unknown[]).filter(isObj).map((t) => ({ ...t }));
  } else {
    delete p.targets;
  }
  if (Array.isArray(v['panels'])) {
    p.panels = (v['panels'] as unknown[]).map((x, j) => panel(x, j, `${path}[${i}].panels`));
  } else {
    delete p.panels;
  }
  return p;
}

/** Converts the pre-5.0 `rows` layout (12-column spans, pixel heights) to panels with gridPos. */
function panelsFromRows(rows: unknown[]): PanelModel[] {
  const out: PanelModel[] = [];
  let y = 0;
  const showRows = rows.length > 1;
  for (const r of rows) {
    if (!isObj(r)) continue;
    const hRaw = r['height'];
    const heightPx =
      typeof hRaw === 'number' ? hRaw : typeof hRaw === 'string' ? parseInt(hRaw, 10) : 250;
    const h = Math.max(2, Math.ceil((Number.isFinite(heightPx) ? heightPx : 250) / UNIT_PX));
    const collapsed = r['collapse'] === true;
    const rowPanel: PanelModel | undefined =
      showRows || r['showTitle'] === true
        ? {
            type: 'row',
            title: str(r['title'], ''),
            collapsed,
            gridPos: { x: 0, y, w: 24, h: 1 },
            panels: [],
          }
        : undefined;
    if (rowPanel) {
      out.push(rowPanel);
      y++;
    }
    let x = 0;
    let rowY = y;
    for (const [i, raw] of (Array.isArray(r['panels']) ? r['panels'] : []).entries()) {
      const p = panel(raw, i, 'rows[].panels');
      const span =
        typeof raw === 'object' && raw !== null
          ? Number((raw as Record<string, unknown>)['span'] ?? 12)
          : 12;
      const w = Math.max(1, Math.min(24, Math.round((Number.isFinite(span) ? span : 12) * 2)));
      if (x + w > 24) {
        x = 0;
        rowY += h;
      }
      p.gridPos = { x, y: rowY, w, h };
      delete p['span'];
      x += w;
      if (rowPanel && collapsed) rowPanel.panels?.push(p);
      else out.push(p);
    }
    if (!collapsed) y = rowY + h;
  }
  return out;
}

/** Gives every panel (and row child) a unique numeric id, keeping the existing unique ones. */
export function assignPanelIds(panels: PanelModel[]): void {
  const seen = new Set<number>();
  const all: PanelModel[] = [];
  for (const p of panels) {
    all.push(p);
    for (const c of p.panels ?? []) all.push(c);
  }
  let next = 1;
  for (const p of all) if (typeof p.id === 'number') next = Math.max(next, p.id + 1);
  for (const p of all) {
    if (typeof p.id !== 'number' || seen.has(p.id)) p.id = next++;
    seen.add(p.id);
  }
}

/** Checks and completes untrusted dashboard JSON; throws {@link DashboardFormatError}. */
export function normalizeDashboard(v: unknown): DashboardModel {
  if (!isObj(v)) throw new DashboardFormatError('the JSON should be an object');
  const src = isObj(v['dashboard']) && !('panels' in v) && !('rows' in v) ? v['dashboard'] : v;
  const panels = Array.isArray(src['panels'])
    ? (src['panels'] as unknown[]).map((x, i) => panel(x, i, 'panels'))
    : Array.isArray(src['rows'])
      ? panelsFromRows(src['rows'] as unknown[])
      : [];
  assignPanelIds(panels);
  const tpl = isObj(src['templating']) ? src['templating'] : {};
  const list = Array.isArray(tpl['list']) ? (tpl['list'] as unknown[]) : [];
  const variables: VariableModel[] = list
    .filter(isObj)
    .map((x) => ({ ...x, type: str(x['type'], 'custom'), name: str(x['name'], '') }))
    .filter((x) => x.name !== '');
  const time = isObj(src['time']) ? src['time'] : {};
  const tags = Array.isArray(src['tags'])
    ? (src['tags'] as unknown[]).filter((t): t is string => typeof t === 'string')
    : [];
  const out: DashboardModel = {
    ...src,
    title: str(src['title'], 'New dashboard'),
    tags,
    panels,
    templating: { ...tpl, list: variables },
    time: { from: str(time['from'], 'now-6h'), to: str(time['to'], 'now') },
  };
  delete out['rows'];
  const refresh = src['refresh'];
  if (typeof refresh === 'string' || refresh === false) out.refresh = refresh;
  else delete out.refresh;
  return out;
}

/** A new empty dashboard. */
export function emptyDashboard(title = 'New dashboard'): DashboardModel {
  return {
    title,
    tags: [],
    panels: [],
    templating: { list: [] },
    time: { from: 'now-6h', to: 'now' },
    refresh: '',
    timezone: 'browser',
    schemaVersion: 39,
  };
}

/** The query text of a variable (a string, or the `query` field of Grafana's object form). */
export function variableQueryText(v: VariableModel): string {
  const q = v.query;
  if (typeof q === 'string') return q;
  if (isObj(q) && typeof q['query'] === 'string') return q['query'];
  return typeof v.definition === 'string' ? v.definition : '';
}

/** Every panel including those inside collapsed rows, in order. */
export function allPanels(panels: readonly PanelModel[]): PanelModel[] {
  const out: PanelModel[] = [];
  for (const p of panels) {
    out.push(p);
    for (const c of p.panels ?? []) out.push(c);
  }
  return out;
}
