/**
 * Times shown by panels in the dashboard's time zone: IANA names ("Europe/Berlin"), "utc", or
 * "browser"/empty for the browser's zone. DOM-free (Intl only); the logic lives in `../time/`.
 */
export { ianaZone } from '../time/zone.js';
export { formatClock, formatDateTime, timeAxisLabels } from '../time/format.js';
