/**
 * The Explore page's state as it travels in the URL (`?q=…&range=1h&step=15&tab=graph`, plus
 * `tz=Europe/Berlin` or `tz=utc` when not browser time), so a view can be shared by copying the
 * address.
 */
import { normalizeZone } from '../time/zone.js';

/** Which result view is shown. */
export type Tab = 'graph' | 'table';

/** Selectable relative ranges, ending now; seconds by label. */
export const RANGES: readonly { readonly label: string; readonly seconds: number }[] = [
  { label: '5m', seconds: 300 },
  { label: '15m', seconds: 900 },
  { label: '30m', seconds: 1800 },
  { label: '1h', seconds: 3600 },
  { label: '3h', seconds: 3 * 3600 },
  { label: '6h', seconds: 6 * 3600 },
  { label: '12h', seconds: 12 * 3600 },
  { label: '1d', seconds: 86400 },
  { label: '2d', seconds: 2 * 86400 },
  { label: '7d', seconds: 7 * 86400 },
];

/** The state of an Explore view. */
export interface ExploreState {
  readonly query: string;
  /** A label from `RANGES`. */
  readonly range: string;
  /** Step in seconds; 0 picks one from the range. */
  readonly step: number;
  readonly tab: Tab;
  /** The time zone of axes and tooltips: `browser`, `utc` or an IANA name. */
  readonly tz: string;
}

/** The state for an empty page. */
export const DEFAULT_STATE: ExploreState = {
  query: '',
  range: '1h',
  step: 0,
  tab: 'graph',
  tz: 'browser',
};

/** Reads the state from a query string, falling back to defaults for missing or bad values. */
export function parseState(search: string): ExploreState {
  const p = new URLSearchParams(search);
  const range = p.get('range') ?? DEFAULT_STATE.range;
  const step = Number(p.get('step') ?? '0');
  return {
    query: p.get('q') ?? '',
    range: RANGES.some((r) => r.label === range) ? range : DEFAULT_STATE.range,
    step: Number.isFinite(step) && step > 0 ? step : 0,
    tab: p.get('tab') === 'table' ? 'table' : 'graph',
    tz: normalizeZone(p.get('tz') ?? undefined),
  };
}

/** Writes the state as a query string (with the leading `?`). */
export function formatState(s: ExploreState): string {
  const p = new URLSearchParams();
  if (s.query) p.set('q', s.query);
  p.set('range', s.range);
  if (s.step > 0) p.set('step', String(s.step));
  p.set('tab', s.tab);
  if (normalizeZone(s.tz) !== 'browser') p.set('tz', normalizeZone(s.tz));
  return `?${p.toString()}`;
}

/** The range in seconds for a label. */
export function rangeSeconds(label: string): number {
  return RANGES.find((r) => r.label === label)?.seconds ?? 3600;
}

/** A step giving about 250 points over the range, at least 1 s, rounded to whole seconds. */
export function autoStep(rangeSec: number): number {
  return Math.max(1, Math.round(rangeSec / 250));
}
