/**
 * The queries of a share link, derived on the server from the stored dashboard: every PromQL
 * target of the dashboard (or of the one panel) with the link's variables substituted. Only the
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

/** The title and queries a share link of `dashboard` (or one of its panels) may run. */
export async function sharedQueries(
  svc: DashboardService,
  uid: string,
  panelId: string | undefined,
  variables: Readonly<Record<string, string>>,
): Promise<{ title: string; queries: string[] }> {
  let d: Dashboard;
  try {
    d = (await svc.get(uid)).dashboard;
  } catch (e) {
    if (e instanceof Error && e.name === 'DashboardNotFoundError')
      throw new AuthError(404, `cannot create the share link: no dashboard ${uid}`);
    throw e;
  }
  let panels = d.panels;
  let title = d.title;
  if (panelId !== undefined) {
    const p = flatPanels(d.panels).find((x) => String(x.id) === panelId);
    if (!p) throw new AuthError(404, `cannot create the share link: no panel ${panelId} in ${uid}`);
    panels = [p];
    title = p.title ?? d.title;
  }
  const exprs = dashboardExprs({ ...d, panels, templating: { list: [] } });
  const value = (name: string): string | undefined =>
    Object.hasOwn(variables, name) ? variables[name] : currentValue(d, name);
  const queries = [...new Set(exprs.map((e) => substitute(e.expr, value)))];
  return { title, queries };
}
