/**
 * The shared dashboard (or panel) as the server gives it to a share link's holder
 * (`GET /api/kansoku/share/dashboard`): always the dashboard's current version, with the link's
 * variables already substituted. No React or DOM, so node tests can import it.
 */
import type { SharedLayout } from '../dashboards/shareurl.js';
import type { PanelModel } from '../panels/types.js';

/** A layout to draw on the public page, with the dashboard's annotation list. */
export interface PublicLayout extends SharedLayout {
  /** `annotations` of the dashboard JSON (Prometheus queries only; empty for a panel link). */
  readonly annotations: unknown;
  /** Queries the server left out because the link may not run them. */
  readonly withheld: number;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v : fallback;
}

/** Reads the endpoint's `data`; throws when it is not a shared view. */
export function parseSharedView(data: unknown): PublicLayout {
  if (!isObj(data) || !Array.isArray(data['panels']))
    throw new Error('cannot read the shared dashboard: unexpected answer');
  const time = isObj(data['time']) ? data['time'] : {};
  const labels: Record<string, string> = {};
  for (const v of Array.isArray(data['variables']) ? data['variables'] : [])
    if (isObj(v) && typeof v['name'] === 'string') labels[v['name']] = text(v['label'], v['name']);
  return {
    title: text(data['title'], ''),
    panels: data['panels']
      .filter(isObj)
      .map((p): PanelModel => ({ ...p, type: text(p['type'], 'unknown') })),
    time: { from: text(time['from'], 'now-6h'), to: text(time['to'], 'now') },
    timezone: text(data['timezone'], 'browser') || 'browser',
    labels,
    annotations: data['annotations'] ?? { list: [] },
    withheld: typeof data['withheld'] === 'number' ? data['withheld'] : 0,
  };
}

/** Fetches the current shared dashboard with the link's secret. */
export async function fetchSharedView(secret: string): Promise<PublicLayout> {
  const res = await fetch('/api/kansoku/share/dashboard', {
    headers: { Authorization: `Bearer ${secret}` },
  });
  const body: unknown = await res.json();
  if (!res.ok || !isObj(body) || body['status'] !== 'success')
    throw new Error(`cannot read the shared dashboard: HTTP ${res.status}`);
  return parseSharedView(body['data']);
}
