/**
 * Per-series display settings of a panel: the merged field config, the shown name and the
 * colour (palette by order, fixed, or by thresholds), in the order of the panel's data. DOM-free.
 */
import { resolveColor, seriesColor } from './colors.js';
import { activeThreshold } from './display.js';
import { displayName, fieldConfigFor } from './fieldconfig.js';
import { reduce } from './reducers.js';
import type { FieldConfig, PanelModel, SeriesData } from './types.js';

/** One series with what a renderer needs to draw it. */
export interface PanelField {
  series: SeriesData;
  config: FieldConfig;
  name: string;
  color: string;
  /** Position among the panel's series (stable across legend toggles). */
  index: number;
}

/** `custom.hideFrom` flags of a field config. */
export function hiddenFrom(config: FieldConfig, where: 'legend' | 'tooltip' | 'viz'): boolean {
  const h = config.custom?.['hideFrom'];
  return typeof h === 'object' && h !== null && (h as Record<string, unknown>)[where] === true;
}

/** The colour of a field by its config: fixed, by thresholds (of the last value), or palette. */
export function fieldColor(config: FieldConfig, s: SeriesData | undefined, index: number): string {
  const mode = config.color?.mode;
  if (mode === 'fixed' || mode === 'shades')
    return resolveColor(config.color?.fixedColor, seriesColor(index));
  if (mode === 'thresholds' && s) {
    const last = reduce(s.values, s.timestamps, 'lastNotNull');
    const t =
      last === null
        ? null
        : activeThreshold(last, config.thresholds, config.min ?? 0, config.max ?? 100);
    if (t) return resolveColor(t.step.color);
  }
  return seriesColor(index);
}

/** The fields of a panel's data, hidden queries and `hideFrom.viz` series left out. */
export function panelFields(panel: PanelModel, series: readonly SeriesData[]): PanelField[] {
  const out: PanelField[] = [];
  series.forEach((s, index) => {
    const id = { name: s.name, refId: s.refId, labels: s.labels };
    const config = fieldConfigFor(panel.fieldConfig, id);
    if (hiddenFrom(config, 'viz')) return;
    out.push({
      series: s,
      config,
      name: displayName(config, id),
      color: fieldColor(config, s, index),
      index,
    });
  });
  return out;
}
