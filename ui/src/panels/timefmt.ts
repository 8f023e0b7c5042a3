/**
 * Times shown by panels in the dashboard's time zone: IANA names ("Europe/Berlin"), "utc", or
 * "browser"/empty for the browser's zone. DOM-free (Intl only).
 */

/** The IANA zone for a dashboard `timezone` value, or undefined for the browser's zone. */
export function ianaZone(tz: string | undefined): string | undefined {
  if (tz === undefined || tz === '' || tz === 'browser') return undefined;
  if (tz.toLowerCase() === 'utc') return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    return undefined;
  }
}

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string | undefined, style: 'full' | 'time'): Intl.DateTimeFormat {
  const key = `${zone ?? ''}|${style}`;
  let f = cache.get(key);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      style === 'time'
        ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
        : {
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
            second: '2-digit',
            hourCycle: 'h23',
          };
    f = new Intl.DateTimeFormat('en-CA', zone ? { ...opts, timeZone: zone } : opts);
    cache.set(key, f);
  }
  return f;
}

/** `YYYY-MM-DD HH:mm:ss` in the zone. */
export function formatDateTime(ms: number, tz?: string): string {
  return formatter(ianaZone(tz), 'full').format(ms).replace(',', '');
}

/** `HH:mm` in the zone. */
export function formatClock(ms: number, tz?: string): string {
  return formatter(ianaZone(tz), 'time').format(ms);
}
