/**
 * The queries of a share link, derived on the server from the stored dashboard: every PromQL
 * target of the dashboard (or of the one panel) and, for a dashboard, its Prometheus annotation
 * queries, with the link's variables substituted. Only the
 * built-in time variables stay, for the viewer's time range. The creator cannot widen what the
 * link reveals by sending other queries.
 */
import { AuthError } from '../../auth/index.js';
import {
  dashboardExprs,
  type Dashboard,
  type DashboardService,
  type Panel,
} from '../../dashboards/index.js';
import type { ShareTarget } from '../../auth/index.js';

/** Built-in variables that stay in the stored queries (they follow the viewer's time range). */
const TIME_VARS = new Set(['__interval', '__rate_interval', '__range']);

function flatPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...flatPanels(p.panels ?? [])]);
}

/** The current value of a dashboard variable as text, when it has a single one. */
function currentValue(d: Dashboard, name: string): string | undefined {
  const v = d.templating.list.find((x) => x.name === name);
  const cur = v?.['current'];
  if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
  const value = (cur as Record<string, unknown>)['value'];
  return typeof value === 'string' ? value : undefined;
}

/** Substitutes `$x`, `${x}`, `${x:fmt}` and `[[x]]` with the link's values. */
export function substitute(expr: string, value: (name: string) => string | undefined): string {
  const re =
    /\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\]|\$([A-Za-z0-9_]+)/g;
  return expr.replace(re, (whole, a?: string, b?: string, c?: string) => {
    const name = a ?? b ?? c ?? '';
    if (TIME_VARS.has(name)) return `$${name}`;
    const v = value(name);
    if (v === undefined)
      throw new AuthError(
        400,
        `cannot create the share link: give a value for the variable ${JSON.stringify(name)} (used as ${whole})`,
      );
    return v;
  });
}

async function load(svc: DashboardService, uid: string, verb: string): Promise<Dashboard> {
  try {
    return (await svc.get(uid)).dashboard;
  } catch (e) {
    if (e instanceof Error && e.name === 'DashboardNotFoundError')
      throw new AuthError(404, `cannot ${verb}: no dashboard ${uid}`);
    throw e;
  }
}

/** The title and queries a share link of `dashboard` (or one of its panels) may run. */
export async function sharedQueries(
  svc: DashboardService,
  uid: string,
  panelId: string | undefined,
  variables: Readonly<Record<string, string>>,
): Promise<{ title: string; queries: string[] }> {
  const d = await load(svc, uid, 'create the share link');
  let panels = d.panels;
  let title = d.title;
  if (panelId !== undefined) {
    const p = flatPanels(d.panels).find((x) => String(x.id) === panelId);
    if (!p) throw new AuthError(404, `cannot create the share link: no panel ${panelId} in ${uid}`);
    panels = [p];
    title = p.title ?? d.title;
  }
  // A dashboard link also runs the dashboard's annotation queries; a panel link only its panel.
  const exprs = dashboardExprs(
    {
      ...d,
      panels,
      templating: { list: [] },
      annotations: panelId === undefined ? d['annotations'] : {},
    },
    { annotations: true },
  );
  const value = (name: string): string | undefined =>
    Object.hasOwn(variables, name) ? variables[name] : currentValue(d, name);
  const queries = [...new Set(exprs.map((e) => substitute(e.expr, value)))];
  return { title, queries };
}

/** A variable a share link fixes, for the page's read-only variables bar. */
export interface SharedVariable {
  readonly name: string;
  readonly label: string;
  readonly value: string;
}

/** What the holder of a share link may read of the current dashboard. */
export interface SharedView {
  readonly kind: ShareTarget['kind'];
  readonly title: string;
  readonly time: { readonly from: string; readonly to: string };
  readonly timezone: string;
  readonly refresh: string;
  /** The shared panels (one for a panel link) with the link's variables substituted. */
  readonly panels: Panel[];
  /** The Prometheus annotation queries of a dashboard link (none for a panel link). */
  readonly annotations: { readonly list: Record<string, unknown>[] };
  readonly variables: readonly SharedVariable[];
  /** Queries left out because the link may not run them (added to the dashboard later). */
  readonly withheld: number;
}

/** Annotation fields a public page needs to draw Prometheus annotations. */
const ANNOTATION_KEYS = [
  'name',
  'enable',
  'hide',
  'iconColor',
  'expr',
  'step',
  'titleFormat',
  'textFormat',
  'tagKeys',
  'useValueForTime',
  'datasource',
] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function normalize(q: string): string {
  return q.trim().replace(/\s+/g, ' ');
}

/**
 * The current version of a share link's dashboard as its holder may see it: the shared panels
 * (or the one panel, placed full width) and, for a dashboard link, its Prometheus annotations,
 * with the link's variables substituted; besides that only the title and time settings. No
 * variable queries, folder, versions or other metadata. A query the link may not run (the
 * dashboard was edited after the link was made) is left out and counted in `withheld`.
 */
export async function sharedView(svc: DashboardService, t: ShareTarget): Promise<SharedView> {
  const d = await load(svc, t.dashboard, 'read the shared dashboard');
  const allowed = new Set(t.queries.map(normalize));
  let withheld = 0;
  const value = (name: string): string | undefined =>
    Object.hasOwn(t.variables, name) ? t.variables[name] : (currentValue(d, name) ?? `$${name}`);
  const expr = (e: string): string | undefined => {
    const s = substitute(e, value);
    if (allowed.has(normalize(s))) return s;
    withheld++;
    return undefined;
  };
  const panel = (p: Panel): Panel => {
    const out: Panel = { ...p };
    if (p.targets)
      out.targets = p.targets.flatMap((x) => {
        if (typeof x.expr !== 'string' || x.expr.trim() === '') return [x];
        const e = expr(x.expr);
        return e === undefined ? [] : [{ ...x, expr: e }];
      });
    if (p.panels) out.panels = p.panels.map(panel);
    return out;
  };
  let panels: Panel[];
  let title = d.title;
  const annotations: Record<string, unknown>[] = [];
  if (t.kind === 'panel') {
    const p = flatPanels(d.panels).find((x) => String(x.id) === t.panel);
    if (!p) throw new AuthError(404, `cannot read the shared panel: no panel ${t.panel ?? ''}`);
    const one: Panel = { ...p, gridPos: { x: 0, y: 0, w: 24, h: 14 } };
    delete one.panels;
    panels = [panel(one)];
    title = p.title ?? d.title;
  } else {
    panels = d.panels.map(panel);
    const list: unknown = d['annotations'];
    const items = isRecord(list) ? list['list'] : undefined;
    for (const a of Array.isArray(items) ? items : []) {
      if (!isRecord(a)) continue;
      if (typeof a['expr'] !== 'string' || a['builtIn'] === 1) continue;
      const e = expr(a['expr']);
      if (e === undefined) continue;
      const out: Record<string, unknown> = {};
      for (const k of ANNOTATION_KEYS) if (a[k] !== undefined) out[k] = a[k];
      annotations.push({ ...out, expr: e });
    }
  }
  const variables = Object.entries(t.variables).map(([name, v]) => {
    const label = d.templating.list.find((x) => x.name === name)?.['label'];
    return { name, label: typeof label === 'string' && label !== '' ? label : name, value: v };
  });
  return {
    kind: t.kind,
    title,
    time: { from: d.time.from, to: d.time.to },
    timezone: d.timezone,
    refresh: typeof d.refresh === 'string' ? d.refresh : '',
    panels,
    annotations: { list: annotations },
    variables,
    withheld,
  };
}
