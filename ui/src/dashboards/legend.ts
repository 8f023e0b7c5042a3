/** Series names for panels: Grafana's `legendFormat` with `{{label}}` placeholders. Pure, no DOM. */

/**
 * The name Grafana gives a series without a legend format: `metric{a="b", c="d"}`, labels in
 * their given order, `__name__` as the prefix (empty when absent).
 */
export function seriesLabelsName(labels: Readonly<Record<string, string>>): string {
  const name = labels['__name__'] ?? '';
  const parts = Object.entries(labels)
    .filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${k}="${v}"`);
  return `${name}{${parts.join(', ')}}`;
}

/**
 * Formats a legend: `{{label}}` (spaces allowed inside the braces) becomes the label's value,
 * or nothing when the series lacks it. An empty format or `__auto` gives the series' labels;
 * `__name__`-only series give just the metric name.
 */
export function formatLegend(
  format: string | undefined,
  labels: Readonly<Record<string, string>>,
): string {
  if (format === undefined || format.trim() === '' || format === '__auto') {
    const keys = Object.keys(labels);
    if (keys.length === 1 && keys[0] === '__name__') return labels['__name__'] ?? '';
    return seriesLabelsName(labels);
  }
  return format.replace(/\{\{\s*(.+?)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
}
