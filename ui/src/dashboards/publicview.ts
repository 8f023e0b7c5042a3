/**
 * What a public share page draws: the panels of the link's layout with the link's variable
 * values written into their queries (as the server substituted them into the queries the link
 * may run), or — for links without a layout — one time series panel per allowed query.
 * Pure functions, no DOM.
 */
import type { PanelModel } from '../panels/types.js';
import { interpolate, type Scope, single } from './interpolate.js';

/** The link's variables as an interpolation scope (one fixed value each). */
export function shareScope(variables: Readonly<Record<string, string>>): Scope {
  return new Map(Object.entries(variables).map(([k, v]) => [k, single(v)]));
}

function substitute(p: PanelModel, scope: Scope): PanelModel {
  const out: PanelModel = { ...p };
  if (p.targets)
    out.targets = p.targets.map((t) =>
      typeof t.expr === 'string' ? { ...t, expr: interpolate(t.expr, scope, 'raw') } : t,
    );
  if (p.panels) out.panels = p.panels.map((x) => substitute(x, scope));
  return out;
}

/**
 * The layout's panels with the link's values substituted as plain text (built-ins such as
 * `$__rate_interval` stay for the runner). Rows are expanded, since a share page has no editing.
 */
export function publicPanels(
  panels: readonly PanelModel[],
  variables: Readonly<Record<string, string>>,
): PanelModel[] {
  const scope = shareScope(variables);
  const out: PanelModel[] = [];
  for (const p of panels) {
    if (p.type === 'row' && p.collapsed === true) {
      const { panels: inner, ...row } = p;
      out.push(substitute({ ...row, collapsed: false, panels: [] }, scope));
      for (const x of inner ?? []) out.push(substitute(x, scope));
    } else {
      out.push(substitute(p, scope));
    }
  }
  return out;
}

/** One time series panel per query, two per grid row (for links that carry no layout). */
export function fallbackPanels(queries: readonly string[]): PanelModel[] {
  return queries.map((expr, i) => ({
    id: i + 1,
    type: 'timeseries',
    title: expr,
    gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
    targets: [{ refId: 'A', expr }],
  }));
}
