/** The dashboard's time controls: range picker (quick, relative, absolute), time zone, shift, zoom, auto refresh. */
import { type ReactElement, useEffect, useState } from 'react';
import { ZoneSelect } from '../time/ZoneSelect.js';
import { zoneSuffix } from '../time/zone.js';
import {
  describeRange,
  formatDateTime,
  isRelative,
  parseTime,
  QUICK_RANGES,
  type RawTimeRange,
  type ResolvedRange,
  shiftRange,
} from './timerange.js';

/** Auto refresh intervals offered (empty = off). */
export const REFRESH_INTERVALS = [
  '',
  '5s',
  '10s',
  '30s',
  '1m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '1d',
];

/** Props of {@link TimePicker}. */
export interface TimePickerProps {
  readonly raw: RawTimeRange;
  readonly resolved: ResolvedRange;
  readonly timezone: string;
  readonly refresh: string;
  readonly onChange: (r: RawTimeRange) => void;
  readonly onTimezone: (tz: string) => void;
  readonly onRefreshInterval: (r: string) => void;
  readonly onRefresh: () => void;
}

function shown(expr: string, tz: string): string {
  return isRelative(expr) || !/^\d+$/.test(expr) ? expr : formatDateTime(Number(expr), tz);
}

/** The time range picker with its popover. */
export function TimePicker(props: TimePickerProps): ReactElement {
  const { raw, timezone } = props;
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState(shown(raw.from, timezone));
  const [to, setTo] = useState(shown(raw.to, timezone));
  const [error, setError] = useState('');
  useEffect(() => {
    setFrom(shown(raw.from, timezone));
    setTo(shown(raw.to, timezone));
  }, [raw.from, raw.to, timezone]);

  const apply = (): void => {
    const now = Date.now();
    const f = parseTime(from, now, timezone);
    const t = parseTime(to, now, timezone, true);
    if (f === undefined || t === undefined) {
      setError(
        'Use now, now-6h, now/d or a date like 2024-01-02 15:04:05 (read in the chosen time zone).',
      );
      return;
    }
    if (f > t) {
      setError('The start is after the end.');
      return;
    }
    setError('');
    props.onChange({
      from: isRelative(from) ? from.trim() : String(f),
      to: isRelative(to) ? to.trim() : String(t),
    });
    setOpen(false);
  };
  const absolute = (r: ResolvedRange): void => {
    props.onChange({ from: String(r.from), to: String(r.to) });
  };

  return (
    <div className="db-timepicker">
      <button
        type="button"
        aria-label="Move time range back"
        onClick={() => {
          absolute(shiftRange(props.resolved, -0.5));
        }}
      >
        ◀
      </button>
      <button
        type="button"
        className="db-range-button"
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => {
          setOpen(!open);
        }}
      >
        {describeRange(raw, timezone)}
        {zoneSuffix(timezone, props.resolved.to) !== '' && (
          <span className="db-zone"> {zoneSuffix(timezone, props.resolved.to)}</span>
        )}
      </button>
      <button
        type="button"
        aria-label="Move time range forward"
        onClick={() => {
          absolute(shiftRange(props.resolved, 0.5));
        }}
      >
        ▶
      </button>
      <button
        type="button"
        aria-label="Zoom out time range"
        onClick={() => {
          absolute(shiftRange(props.resolved, 0, 2));
        }}
      >
        ⊖
      </button>
      <button type="button" aria-label="Refresh dashboard" onClick={props.onRefresh}>
        ⟳
      </button>
      <select
        aria-label="Auto refresh"
        value={props.refresh}
        onChange={(e) => {
          props.onRefreshInterval(e.target.value);
        }}
      >
        {REFRESH_INTERVALS.map((r) => (
          <option key={r} value={r}>
            {r === '' ? 'Off' : r}
          </option>
        ))}
      </select>
      {open && (
        <div className="db-popover" role="dialog" aria-label="Time range">
          <form
            className="db-abs"
            onSubmit={(e) => {
              e.preventDefault();
              apply();
            }}
          >
            <label>
              From{' '}
              <input
                value={from}
                onChange={(e) => {
                  setFrom(e.target.value);
                }}
              />
            </label>
            <label>
              To{' '}
              <input
                value={to}
                onChange={(e) => {
                  setTo(e.target.value);
                }}
              />
            </label>
            <label>
              Time zone <ZoneSelect value={timezone} onChange={props.onTimezone} />
            </label>
            {error && <p className="error-text">{error}</p>}
            <button type="submit">Apply time range</button>
          </form>
          <ul className="db-quick">
            {QUICK_RANGES.map((q) => (
              <li key={q.label}>
                <button
                  type="button"
                  onClick={() => {
                    props.onChange({ from: q.from, to: q.to });
                    setOpen(false);
                  }}
                >
                  {q.label}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
