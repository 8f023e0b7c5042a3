/** Panel types as data: the ids we render, their names, and Grafana's legacy aliases. */
import type { PanelTypeInfo } from './types.js';

/** The panel types Kansoku renders, in the order the editor's type picker lists them. */
export const PANEL_TYPES: readonly PanelTypeInfo[] = [
  { type: 'timeseries', name: 'Time series' },
  { type: 'stat', name: 'Stat' },
  { type: 'gauge', name: 'Gauge' },
  { type: 'bargauge', name: 'Bar gauge' },
  { type: 'table', name: 'Table' },
  { type: 'heatmap', name: 'Heatmap' },
  { type: 'state-timeline', name: 'State timeline' },
  { type: 'piechart', name: 'Pie chart' },
  { type: 'text', name: 'Text' },
];

const ALIASES: Readonly<Record<string, string>> = {
  graph: 'timeseries',
  'graph-old': 'timeseries',
  singlestat: 'stat',
  'grafana-singlestat-panel': 'stat',
  'blackmirror1-singlestat-math-panel': 'stat',
  'table-old': 'table',
  'grafana-piechart-panel': 'piechart',
  'grafana-clock-panel': 'text',
  'heatmap-old': 'heatmap',
  'status-history': 'state-timeline',
  'flant-statusmap-panel': 'state-timeline',
  barchart: 'bargauge',
  'grafana-polystat-panel': 'stat',
  trend: 'timeseries',
  xychart: 'timeseries',
};

/**
 * The Kansoku panel type for a Grafana panel type: legacy types map to their successors
 * (graph → timeseries, singlestat → stat, table-old → table, grafana-piechart-panel → piechart);
 * known types and unknown ones are returned unchanged.
 */
export function normalizePanelType(type: string): string {
  return ALIASES[type] ?? type;
}

/** Whether Kansoku renders this (normalized) panel type; `row` is layout, not a panel. */
export function isKnownPanelType(type: string): boolean {
  return PANEL_TYPES.some((t) => t.type === type);
}
