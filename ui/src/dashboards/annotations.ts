/**
 * Dashboard annotations (Grafana's `annotations.list`): Prometheus-query annotations turned
 * into events as Grafana does it — every sample above zero is active, active samples at most
 * one `step` apart join into a region, titles and texts come from `{{label}}` formats, tags
 * from `tagKeys`, and `useValueForTime` reads the sample value as the event time in ms — and
 * the built-in "Annotations & Alerts" entry, which shows Kansoku's alert history. Pure
 * functions, no DOM.
 */
import { parseDurationMs } from './interval.js';
import { formatLegend } from './legend.js';

/** Default step of annotation queries (Grafana's 60s). */
export const ANNOTATION_STEP_MS = 60_000;

/** Most events one annotation shows; the rest are dropped (the oldest first). */
export const MAX_EVENTS = 1000;

/** One entry of `annotations.list`, as Kansoku reads it. */
export interface AnnotationDef {
  /** Position in `annotations.list`. */
  readonly index: number;
  readonly name: string;
  readonly kind: 'alerts' | 'prometheus' | 'unsupported';
  /** Whether the annotation is on when the dashboard opens. */
  readonly enable: boolean;
  /** Whether the dashboard header hides its toggle. */
  readonly hide: boolean;
  readonly color: string;
  readonly expr: string;
  readonly stepMs: number;
  readonly titleFormat: string;
  readonly textFormat: string;
  readonly tagKeys: readonly string[];
  readonly useValueForTime: boolean;
}

/** One annotation event: a point (`time === timeEnd`) or a region, in ms. */
export interface AnnotationEvent {
  /** The annotation's name (its source). */
  readonly source: string;
  readonly color: string;
  readonly time: number;
  readonly timeEnd: number;
  readonly title: string;
  readonly text: string;
  readonly tags: readonly string[];
}

type Obj = Readonly<Record<string, unknown>>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback;
}

function datasourceType(ds: unknown): string {
  if (typeof ds === 'string') return ds;
  if (isObj(ds)) return str(ds['type'], str(ds['uid']));
  return '';
}

/** Grafana's step: a duration (`30s`, `1m`) or a number of seconds. */
function stepOf(v: unknown): number {
  if (typeof v === 'number' && v > 0) return v * 1000;
  const ms = typeof v === 'string' ? parseDurationMs(v) : undefined;
  return ms !== undefined && ms > 0 ? ms : ANNOTATION_STEP_MS;
}

/** Reads `annotations.list` from a dashboard's `annotations` field; malformed entries are skipped. */
export function annotationDefs(annotations: unknown): AnnotationDef[] {
  const list = isObj(annotations) ? annotations['list'] : undefined;
  if (!Array.isArray(list)) return [];
  const out: AnnotationDef[] = [];
  (list as unknown[]).forEach((a, index) => {
    if (!isObj(a)) return;
    const builtIn = a['builtIn'] === 1 || a['builtIn'] === true;
    const ds = datasourceType(a['datasource']).toLowerCase();
    const expr = str(a['expr']);
    const kind: AnnotationDef['kind'] = builtIn
      ? 'alerts'
      : expr.trim() !== '' && !ds.includes('grafana')
        ? 'prometheus'
        : 'unsupported';
    out.push({
      index,
      name: str(a['name'], builtIn ? 'Annotations & Alerts' : `Annotation ${index + 1}`),
      kind,
      enable: a['enable'] !== false,
      hide: a['hide'] === true,
      color: str(a['iconColor'], builtIn ? 'rgba(0, 211, 255, 1)' : '#e02f44'),
      expr,
      stepMs: stepOf(a['step']),
      titleFormat: str(a['titleFormat']),
      textFormat: str(a['textFormat']),
      tagKeys: str(a['tagKeys'])
        .split(',')
        .map((k) => k.trim())
        .filter((k) => k !== ''),
      useValueForTime: a['useValueForTime'] === true,
    });
  });
  return out;
}

/** One series of an annotation query's range result (times in ms). */
export interface AnnotationSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly timestamps: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

/** The events of a Prometheus annotation from its query's series. */
export function promAnnotationEvents(
  def: AnnotationDef,
  series: readonly AnnotationSeries[],
): AnnotationEvent[] {
  const out: AnnotationEvent[] = [];
  for (const s of series) {
    const title = def.titleFormat === '' ? '' : formatLegend(def.titleFormat, s.labels);
    const text = def.textFormat === '' ? '' : formatLegend(def.textFormat, s.labels);
    const tags = def.tagKeys
      .map((k) => s.labels[k])
      .filter((v): v is string => v !== undefined && v !== '');
    const active: number[] = [];
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i] ?? NaN;
      const t = s.timestamps[i] ?? NaN;
      if (def.useValueForTime) {
        if (Number.isFinite(v)) active.push(Math.floor(v));
      } else if (v > 0) {
        active.push(Math.floor(t));
      }
    }
    if (def.useValueForTime) active.sort((a, b) => a - b);
    let open: { time: number; timeEnd: number } | undefined;
    const close = (): void => {
      if (!open) return;
      out.push({ source: def.name, color: def.color, ...open, title, text, tags });
    };
    for (const t of active) {
      if (open && open.timeEnd + def.stepMs >= t) {
        open.timeEnd = t;
        continue;
      }
      close();
      open = { time: t, timeEnd: t };
    }
    close();
  }
  out.sort((a, b) => a.time - b.time);
  return out.length > MAX_EVENTS ? out.slice(out.length - MAX_EVENTS) : out;
}

/** One entry of the alert history (`/api/kansoku/alerts/history`), times in Unix seconds. */
export interface AlertHistoryEntry {
  readonly timestamp: number;
  readonly event: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly fingerprint: string;
}

/** Colours of alert events, as Grafana paints alert state changes. */
export const ALERT_COLORS = {
  firing: '#e02f44',
  pending: '#ff9830',
  resolved: '#56a64b',
} as const;

function alertText(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .filter(([k]) => k !== 'alertname')
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/**
 * Events of the alert history over `range` (ms): a firing alert is a region up to its
 * resolution (or the range end while it still fires), a pending alert a point, and a
 * resolution without a firing start in the range a point.
 */
export function alertAnnotationEvents(
  def: AnnotationDef,
  entries: readonly AlertHistoryEntry[],
  range: { readonly from: number; readonly to: number },
): AnnotationEvent[] {
  const sorted = [...entries].sort((a, b) => a.timestamp - b.timestamp);
  const open = new Map<string, AlertHistoryEntry>();
  const out: AnnotationEvent[] = [];
  const push = (e: AlertHistoryEntry, state: keyof typeof ALERT_COLORS, end: number): void => {
    const name = e.labels['alertname'] ?? 'alert';
    out.push({
      source: def.name,
      color: ALERT_COLORS[state],
      time: Math.round(e.timestamp * 1000),
      timeEnd: Math.round(end),
      title: `${name} ${state}`,
      text: alertText(e.labels),
      tags: [state],
    });
  };
  for (const e of sorted) {
    const ms = e.timestamp * 1000;
    switch (e.event) {
      case 'pending':
        push(e, 'pending', ms);
        break;
      case 'firing':
        if (!open.has(e.fingerprint)) open.set(e.fingerprint, e);
        break;
      case 'resolved':
      case 'inactive': {
        const start = open.get(e.fingerprint);
        if (start) {
          open.delete(e.fingerprint);
          push(start, 'firing', ms);
        } else if (e.event === 'resolved') {
          push(e, 'resolved', ms);
        }
        break;
      }
      default:
        break;
    }
  }
  for (const start of open.values()) push(start, 'firing', range.to);
  out.sort((a, b) => a.time - b.time);
  return out.length > MAX_EVENTS ? out.slice(out.length - MAX_EVENTS) : out;
}

/** The events inside a time range (regions that overlap it count). */
export function eventsInRange(
  events: readonly AnnotationEvent[],
  range: { readonly from: number; readonly to: number },
): AnnotationEvent[] {
  return events.filter((e) => e.timeEnd >= range.from && e.time <= range.to);
}
