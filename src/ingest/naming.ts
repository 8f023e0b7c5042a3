/**
 * Name normalisation shared by the push paths that carry names from other ecosystems (InfluxDB
 * line protocol, CSV and JSON imports): characters PromQL cannot write without quoting become
 * `_`, so `heart rate` arrives as `heart_rate`. Prometheus-native paths (remote write, scrapes)
 * keep names as sent.
 */

/** Makes a metric name match `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
export function sanitizeMetricName(name: string): string {
  if (/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) return name;
  let out = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  if (/^[0-9]/.test(out)) out = `_${out}`;
  return out === '' ? '_' : out;
}

/** Makes a label name match `[a-zA-Z_][a-zA-Z0-9_]*`. */
export function sanitizeLabelName(name: string): string {
  if (/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) return name;
  let out = name.replace(/[^a-zA-Z0-9_]/g, '_');
  if (/^[0-9]/.test(out)) out = `_${out}`;
  return out === '' ? '_' : out;
}
