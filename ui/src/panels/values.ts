/**
 * The reduced values of a stat, gauge, bar gauge or pie chart panel: one value per series and
 * reducer, with its display (mapped text, unit, colour, position in min..max). Min and max come
 * from the field config, else from the data (like Grafana's global range). DOM-free.
 */
import { getDisplayValue, type DisplayValue } from './display.js';
import { optBool, optObject, optNumber, panelCalcs } from './fieldconfig.js';
import { panelFields, type PanelField } from './fields.js';
import { normalizeReducerId, reduce, reducerName } from './reducers.js';
import type { PanelModel, SeriesData } from './types.js';

/** One value a panel shows. */
export interface ReducedValue {
  field: PanelField;
  calc: string;
  value: number | null;
  display: DisplayValue;
  /** The field name, with the reducer's name when the panel shows several reducers. */
  name: string;
  /** The range used for `display.percent`. */
  min: number;
  max: number;
}

function dataRange(series: readonly SeriesData[]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return [min, max];
}

/** The min..max of a field: configured, else the data's range starting at zero or below. */
export function fieldRange(field: PanelField, dataMin: number, dataMax: number): [number, number] {
  const unit = field.config.unit;
  let min = field.config.min ?? (Number.isFinite(dataMin) ? Math.min(0, dataMin) : 0);
  let max = field.config.max ?? (unit === 'percent' ? 100 : unit === 'percentunit' ? 1 : dataMax);
  if (!Number.isFinite(max) || max <= min)
    max = field.config.max ?? min + (Number.isFinite(dataMax) ? Math.abs(dataMax) || 1 : 100);
  if (max <= min) min = max - 1;
  return [min, max];
}

/** The values of a panel, in series order then reducer order. */
export function reducedValues(panel: PanelModel, series: readonly SeriesData[]): ReducedValue[] {
  const fields = panelFields(panel, series);
  const reduceOptions = optObject(panel.options, 'reduceOptions');
  const calcs = panelCalcs(panel).map(normalizeReducerId);
  const [dataMin, dataMax] = dataRange(series);
  const out: ReducedValue[] = [];
  const allValues = optBool(reduceOptions, 'values', false);
  const limit = optNumber(reduceOptions, 'limit', 50);
  for (const field of fields) {
    const [min, max] = fieldRange(field, dataMin, dataMax);
    if (allValues) {
      const { values } = field.series;
      for (let i = Math.max(0, values.length - limit); i < values.length; i++) {
        const v = Number.isNaN(values[i]!) ? null : values[i]!;
        out.push({
          field,
          calc: 'value',
          value: v,
          display: getDisplayValue(v, field.config, { min, max }),
          name: field.name,
          min,
          max,
        });
      }
      continue;
    }
    for (const calc of calcs) {
      const v = reduce(field.series.values, field.series.timestamps, calc);
      const name = calcs.length > 1 ? `${field.name} ${reducerName(calc)}` : field.name;
      out.push({
        field,
        calc,
        value: v,
        display: getDisplayValue(v, field.config, { min, max }),
        name,
        min,
        max,
      });
    }
  }
  return out;
}

/** How a set of cells is laid out: side by side or stacked. */
export function layoutDirection(
  orientation: string,
  width: number,
  height: number,
): 'row' | 'column' {
  if (orientation === 'horizontal') return 'column';
  if (orientation === 'vertical') return 'row';
  return width >= height ? 'row' : 'column';
}

/** A font size (px) so that `chars` characters fit into a box, within 10..`maxSize`. */
export function fitFontSize(chars: number, width: number, height: number, maxSize = 120): number {
  const byWidth = width / (Math.max(1, chars) * 0.6);
  return Math.max(10, Math.min(maxSize, byWidth, height * 0.8));
}
