/**
 * Per-panel time overrides as Grafana stores them: `timeFrom` (a relative range such as `2h`,
 * `now/d` or `+1h` that replaces a relative dashboard range), `timeShift` (moves the range back,
 * `1d` or `1d/d`) and `hideTimeOverride` (keeps the header label hidden). The label reads like
 * Grafana's: `Last 2 hours timeshift -1d`. Pure functions, no DOM.
 */
import { interpolate, type Scope } from './interpolate.js';
import {
  isRelative,
  parseTime,
  QUICK_RANGES,
  type ResolvedRange,
  type TimeZone,
} from './timerange.js';

/** A panel's own time range and the label its header shows (empty when none or hidden). */
export interface PanelTime {
  readonly range: ResolvedRange;
  readonly info: string;
  /** Whether the panel's range differs from the dashboard's. */
  readonly overridden: boolean;
}

const UNIT_NAMES: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  M: 'month',
  y: 'year',
};

/** A relative range text (`2h`, `+1h`, `now/d`) as from/to expressions and a label. */
export function describeTextRange(
  text: string,
): { from: string; to: string; display: string } | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (t.startsWith('now')) {
    const q = QUICK_RANGES.find((r) => r.from === t && r.to === 'now');
    return { from: t, to: 'now', display: q?.label ?? `${t} to now` };
  }
  const m = /^([+-]?)(\d+)([smhdwMy])$/.exec(t);
  if (!m) {
    const ok = /^[+-]?\d+[smhdwMy](\/[smhdwMy])?$/.test(t);
    return ok
      ? { from: `now-${t.replace(/^[+-]/, '')}`, to: 'now', display: `Last ${t}` }
      : undefined;
  }
  const n = Number(m[2]);
  const unit = `${UNIT_NAMES[m[3] ?? 's'] ?? 'second'}${n === 1 ? '' : 's'}`;
  if (m[1] === '+')
    return { from: 'now', to: `now+${n}${m[3] ?? ''}`, display: `Next ${n} ${unit}` };
  return { from: `now-${n}${m[3] ?? ''}`, to: 'now', display: `Last ${n} ${unit}` };
}

function text(panel: Readonly<Record<string, unknown>>, key: string, scope: Scope): string {
  const v = panel[key];
  return typeof v === 'string' ? interpolate(v, scope, 'text').trim() : '';
}

/**
 * The time range of one panel: the dashboard's, replaced by `timeFrom` (only while the
 * dashboard's start is relative, as in Grafana) and moved back by `timeShift`.
 */
export function panelTime(
  panel: Readonly<Record<string, unknown>>,
  dash: ResolvedRange,
  rawFrom: string,
  nowMs: number,
  tz: TimeZone,
  scope: Scope = new Map(),
): PanelTime {
  let range = dash;
  let info = '';
  const from = text(panel, 'timeFrom', scope);
  if (from !== '') {
    const r = describeTextRange(from);
    if (!r) return { range, info: 'invalid time override', overridden: false };
    if (isRelative(rawFrom)) {
      const f = parseTime(r.from, nowMs, tz, false);
      const t = parseTime(r.to, nowMs, tz, true);
      if (f === undefined || t === undefined)
        return { range, info: 'invalid time override', overridden: false };
      range = { from: f, to: t };
      info = r.display;
    }
  }
  const shift = text(panel, 'timeShift', scope).replace(/^[+-]/, '');
  if (shift !== '') {
    const f = parseTime(`now-${shift}`, range.from, tz, false);
    const t = parseTime(`now-${shift}`, range.to, tz, true);
    if (f === undefined || t === undefined || !/^\d/.test(shift))
      return { range, info: 'invalid timeshift', overridden: range !== dash };
    range = { from: f, to: t };
    info = `${info} timeshift -${shift}`.trim();
  }
  const overridden = range.from !== dash.from || range.to !== dash.to;
  return { range, info: panel['hideTimeOverride'] === true ? '' : info, overridden };
}
