/**
 * Times shown in a dashboard's time zone (`browser`, `utc` or an IANA name): full date-times
 * for tooltips and tables, clock times, and the labels of time axes. `Intl.DateTimeFormat`
 * only; pure functions, no DOM.
 */
import { ianaZone, type TimeZone, wallTime } from './zone.js';

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** `YYYY-MM-DD HH:mm:ss` in the zone. */
export function formatDateTime(ms: number, tz?: TimeZone): string {
  const f = wallTime(ms, tz);
  return `${f.y}-${pad(f.M + 1)}-${pad(f.d)} ${pad(f.h)}:${pad(f.m)}:${pad(f.s)}`;
}

/** `HH:mm` in the zone. */
export function formatClock(ms: number, tz?: TimeZone): string {
  const f = wallTime(ms, tz);
  return `${pad(f.h)}:${pad(f.m)}`;
}

/**
 * Labels of time-axis ticks (`splits` in ms): `HH:mm:ss` when ticks are less than a minute
 * apart, `HH:mm` within a day (with `MM/DD` on the first tick of each new day when the axis
 * spans days), `MM/DD` for daily ticks and `YYYY-MM` for monthly ones.
 */
export function timeAxisLabels(splits: readonly number[], tz?: TimeZone): string[] {
  const gap = splits.length > 1 ? Math.abs((splits[1] ?? 0) - (splits[0] ?? 0)) : 3_600_000;
  const fields = splits.map((t) => wallTime(t, tz));
  const first = fields[0];
  const last = fields[fields.length - 1];
  const multiDay =
    first !== undefined &&
    last !== undefined &&
    (first.y !== last.y || first.M !== last.M || first.d !== last.d);
  let prevDay = '';
  return fields.map((f) => {
    const day = `${pad(f.M + 1)}/${pad(f.d)}`;
    if (gap >= 28 * 86_400_000) return `${f.y}-${pad(f.M + 1)}`;
    if (gap >= 86_400_000) return day;
    const clock = gap < 60_000 ? `${pad(f.h)}:${pad(f.m)}:${pad(f.s)}` : `${pad(f.h)}:${pad(f.m)}`;
    const newDay = multiDay && day !== prevDay;
    prevDay = day;
    return newDay ? `${day} ${clock}` : clock;
  });
}

/** Whether the zone is the browser's own (no conversion needed for `Date`'s local methods). */
export function isBrowserZone(tz?: TimeZone): boolean {
  return ianaZone(tz) === undefined;
}
