/**
 * Share links of a dashboard: a link to the dashboard (time range, time zone and variables in
 * Grafana's URL parameters, optionally with the range locked to absolute times), to one panel
 * (`viewPanel`), and the layout a public share link carries in its `#fragment` (compressed, never
 * sent to the server) so that the public page can draw the panels. The link's token limits what
 * it may query; the fragment only says how to draw it. No DOM (the Compression Streams API is
 * in browsers and Node alike).
 */
import { formatValue, type Scope } from './interpolate.js';
import type { DashboardModel, VariableModel } from './model.js';
import type { PanelModel } from '../panels/types.js';
import { isRelative, type RawTimeRange, type ResolvedRange } from './timerange.js';
import { formatUrlState } from './urlstate.js';

/** What a dashboard link carries. */
export interface LinkState {
  readonly raw: RawTimeRange;
  readonly resolved: ResolvedRange;
  readonly timezone: string;
  readonly vars: Readonly<Record<string, readonly string[]>>;
  /** Replace a relative range by the absolute times it has now. */
  readonly lockTime: boolean;
  readonly viewPanel?: number;
}

/** The URL of a dashboard (or of one panel with `viewPanel`) on `origin`. */
export function dashboardLink(origin: string, uid: string, s: LinkState): string {
  const from = s.lockTime && isRelative(s.raw.from) ? String(s.resolved.from) : s.raw.from;
  const to = s.lockTime && isRelative(s.raw.to) ? String(s.resolved.to) : s.raw.to;
  const tz = s.timezone === '' || s.timezone === 'browser' ? undefined : s.timezone;
  const q = formatUrlState({
    from,
    to,
    ...(tz === undefined ? {} : { timezone: tz }),
    vars: s.vars,
    ...(s.viewPanel === undefined ? {} : { viewPanel: s.viewPanel }),
  });
  return `${origin}/dashboards/d/${encodeURIComponent(uid)}${q}`;
}

/**
 * The variable values a share link fixes, as the server substitutes them into the stored
 * queries: a single value as it is, several values (or All) as the regex alternation the
 * dashboard's queries get. Constants and built-ins are left out.
 */
export function shareVariables(
  vars: readonly VariableModel[],
  scope: Scope,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of vars) {
    const value = scope.get(v.name);
    if (!value || v.type === 'constant') continue;
    out[v.name] =
      value.multi === true || value.isAll === true || value.values.length !== 1
        ? formatValue(value, undefined, v.name)
        : (value.values[0] ?? '');
  }
  return out;
}

/** What the public page needs to draw a shared dashboard or panel (no secrets, no queries run). */
export interface SharedLayout {
  readonly title: string;
  readonly panels: PanelModel[];
  readonly time: RawTimeRange;
  readonly timezone: string;
  /** Variable labels by name, for the read-only variables bar. */
  readonly labels: Record<string, string>;
}

const PANEL_KEYS = [
  'id',
  'type',
  'title',
  'description',
  'gridPos',
  'targets',
  'fieldConfig',
  'options',
  'transparent',
  'collapsed',
  'panels',
  'maxDataPoints',
  'interval',
  'timeFrom',
  'timeShift',
  'hideTimeOverride',
  'pluginVersion',
] as const;

function slimPanel(p: PanelModel): PanelModel {
  const out: Record<string, unknown> = { type: p.type };
  for (const k of PANEL_KEYS) if (p[k] !== undefined) out[k] = p[k];
  const slim = out as PanelModel;
  if (p.panels) slim.panels = p.panels.map(slimPanel);
  return slim;
}

function flat(panels: readonly PanelModel[]): PanelModel[] {
  return panels.flatMap((p) => [p, ...flat(p.panels ?? [])]);
}

/** The layout of a dashboard, or of its one panel (placed full width). */
export function sharedLayout(dash: DashboardModel, panelId?: number): SharedLayout {
  const labels: Record<string, string> = {};
  for (const v of dash.templating.list)
    if (v.type !== 'constant') labels[v.name] = v.label ?? v.name;
  let panels = dash.panels.map(slimPanel);
  let title = dash.title;
  if (panelId !== undefined) {
    const p = flat(dash.panels).find((x) => x.id === panelId);
    panels = p ? [{ ...slimPanel(p), gridPos: { x: 0, y: 0, w: 24, h: 14 } }] : [];
    title = p?.title ?? dash.title;
  }
  return {
    title,
    panels,
    time: dash.time,
    timezone: dash.timezone ?? 'browser',
    labels,
  };
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function pipe(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
): Promise<Uint8Array> {
  const buf = await new Response(
    new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream),
  ).arrayBuffer();
  return new Uint8Array(buf);
}

/** Encodes a layout for a link fragment (`l=` + deflated JSON in base64url). */
export async function encodeLayout(layout: SharedLayout): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(layout));
  return `l=${toBase64Url(await pipe(json, new CompressionStream('deflate-raw')))}`;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Decodes a link fragment (with or without `#`); undefined when it holds no readable layout. */
export async function decodeLayout(fragment: string): Promise<SharedLayout | undefined> {
  const m = /^#?l=([A-Za-z0-9_-]+)$/.exec(fragment.trim());
  if (!m) return undefined;
  try {
    const bytes = await pipe(fromBase64Url(m[1] ?? ''), new DecompressionStream('deflate-raw'));
    const v: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (!isObj(v) || !Array.isArray(v['panels']) || !isObj(v['time'])) return undefined;
    const time = v['time'];
    const labels = isObj(v['labels']) ? v['labels'] : {};
    return {
      title: typeof v['title'] === 'string' ? v['title'] : '',
      panels: (v['panels'] as unknown[]).filter(isObj).map((p) => ({
        ...p,
        type: typeof p['type'] === 'string' ? p['type'] : 'unknown',
      })),
      time: {
        from: typeof time['from'] === 'string' ? time['from'] : 'now-6h',
        to: typeof time['to'] === 'string' ? time['to'] : 'now',
      },
      timezone: typeof v['timezone'] === 'string' ? v['timezone'] : 'browser',
      labels: Object.fromEntries(
        Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string'),
      ),
    };
  } catch {
    return undefined;
  }
}

/** The full public URL of a share link path (`/public/<token>`) with its layout fragment. */
export function publicLink(origin: string, path: string, fragment: string): string {
  return `${origin}${path}${fragment === '' ? '' : `#${fragment}`}`;
}

/** Expiry choices of a share link (duration texts the server reads; empty = never). */
export const SHARE_EXPIRIES: readonly { readonly value: string; readonly label: string }[] = [
  { value: '', label: 'Never' },
  { value: '1h', label: '1 hour' },
  { value: '1d', label: '1 day' },
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
];
