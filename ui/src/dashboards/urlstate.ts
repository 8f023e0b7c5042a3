/**
 * A dashboard's view state in Grafana-compatible URL parameters: `from`, `to`, `timezone`,
 * `refresh`, `var-<name>` (repeated for several values), `viewPanel` and `editPanel`.
 * Pure functions, no DOM.
 */

/** The state a dashboard URL carries; absent fields keep the dashboard's defaults. */
export interface UrlState {
  readonly from?: string;
  readonly to?: string;
  readonly timezone?: string;
  readonly refresh?: string;
  /** Values by variable name. */
  readonly vars: Readonly<Record<string, readonly string[]>>;
  readonly viewPanel?: number;
  readonly editPanel?: number;
  /** Whether the dashboard is in edit mode (`editview` or `edit`). */
  readonly edit?: boolean;
}

function positiveInt(v: string | null): number | undefined {
  if (v === null || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

/** Reads the state from a query string (with or without `?`). */
export function parseUrlState(search: string): UrlState {
  const p = new URLSearchParams(search);
  const vars: Record<string, string[]> = {};
  for (const [k, v] of p) {
    if (!k.startsWith('var-')) continue;
    const name = k.slice(4);
    (vars[name] ??= []).push(v);
  }
  const out: {
    from?: string;
    to?: string;
    timezone?: string;
    refresh?: string;
    vars: Record<string, string[]>;
    viewPanel?: number;
    editPanel?: number;
    edit?: boolean;
  } = { vars };
  const from = p.get('from');
  const to = p.get('to');
  if (from !== null && from !== '') out.from = from;
  if (to !== null && to !== '') out.to = to;
  const tz = p.get('timezone');
  if (tz !== null && tz !== '') out.timezone = tz;
  const refresh = p.get('refresh');
  if (refresh !== null) out.refresh = refresh;
  const view = positiveInt(p.get('viewPanel'));
  if (view !== undefined) out.viewPanel = view;
  const editPanel = positiveInt(p.get('editPanel'));
  if (editPanel !== undefined) out.editPanel = editPanel;
  if (p.has('edit') || p.has('editview')) out.edit = true;
  return out;
}

/** Writes the state as a query string with the leading `?` (empty when nothing is set). */
export function formatUrlState(s: UrlState): string {
  const p = new URLSearchParams();
  if (s.from !== undefined) p.set('from', s.from);
  if (s.to !== undefined) p.set('to', s.to);
  if (s.timezone !== undefined) p.set('timezone', s.timezone);
  for (const [name, values] of Object.entries(s.vars)) {
    for (const v of values) p.append(`var-${name}`, v);
  }
  if (s.refresh !== undefined && s.refresh !== '') p.set('refresh', s.refresh);
  if (s.viewPanel !== undefined) p.set('viewPanel', String(s.viewPanel));
  if (s.editPanel !== undefined) p.set('editPanel', String(s.editPanel));
  if (s.edit === true) p.set('edit', '');
  const q = p.toString().replace(/edit=(&|$)/, 'edit$1');
  return q === '' ? '' : `?${q}`;
}
