/** A time zone picker: browser time, UTC, or any IANA zone the browser knows. */
import { type ReactElement, useMemo } from 'react';
import { knownZones, normalizeZone, zoneLabel } from './zone.js';

/** Props of {@link ZoneSelect}. */
export interface ZoneSelectProps {
  /** The stored zone: `browser`, `utc` or an IANA name. */
  readonly value: string;
  readonly onChange: (tz: string) => void;
  readonly label?: string;
}

/** A `<select>` of time zones; the value is what dashboards store (`browser`, `utc`, a name). */
export function ZoneSelect(props: ZoneSelectProps): ReactElement {
  const value = normalizeZone(props.value);
  const zones = useMemo(() => knownZones().filter((z) => z !== 'UTC'), []);
  const extra = value !== 'browser' && value !== 'utc' && !zones.includes(value);
  return (
    <select
      aria-label={props.label ?? 'Time zone'}
      value={value}
      onChange={(e) => {
        props.onChange(e.target.value);
      }}
    >
      <option value="browser">{zoneLabel('browser')}</option>
      <option value="utc">UTC</option>
      {extra && <option value={value}>{value}</option>}
      {zones.map((z) => (
        <option key={z} value={z}>
          {z}
        </option>
      ))}
    </select>
  );
}
