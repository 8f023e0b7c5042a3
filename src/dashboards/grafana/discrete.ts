/**
 * The `natel-discrete-panel` plugin (states over time) becomes the built-in `state-timeline`:
 * value and range maps with their colours, the unit and the legend.
 */
import {
  asArray,
  asBool,
  asNumber,
  asString,
  isObject,
  omit,
  textOf,
  type JsonObject,
} from '../json.js';
import type { MigrationContext } from './context.js';
import { fieldDefaults, panelOptions, unitOf } from './panels.js';

/** Plugin fields this migration consumes; the rest are cosmetic and have no equivalent. */
const DISCRETE_FIELDS = [
  'valueMaps',
  'rangeMaps',
  'colorMaps',
  'mappingType',
  'mappingTypes',
  'units',
  'decimals',
  'showLegend',
  'showLegendNames',
  'showLegendValues',
  'showLegendPercent',
  'showLegendCounts',
  'showLegendTime',
  'showDistinctCount',
  'showTransitionCount',
  'showTimeAxis',
  'legendSortBy',
  'backgroundColor',
  'crosshairColor',
  'lineColor',
  'metricNameColor',
  'timeTextColor',
  'highlightOnMouseover',
  'textSize',
  'textSizeTime',
  'rowHeight',
  'display',
  'timeOptions',
  'timePrecision',
  'useTimePrecision',
  'expandFromQueryS',
  'extendLastValue',
  'writeAllValues',
  'writeLastValue',
  'writeMetricNames',
];

/** Migrates a `natel-discrete-panel` to `state-timeline`. */
export function migrateDiscrete(src: JsonObject, at: string, ctx: MigrationContext): JsonObject {
  const p: JsonObject = { ...omit(src, DISCRETE_FIELDS), type: 'state-timeline' };
  const defaults = fieldDefaults(p);
  const options = panelOptions(p);
  const colors = new Map<string, string>();
  for (const c of asArray(src['colorMaps']).filter(isObject)) {
    const text = asString(c['text']);
    const color = asString(c['color']);
    if (text !== undefined && color !== undefined) colors.set(text, color);
  }
  const result = (text: string, index: number): JsonObject => {
    const color = colors.get(text);
    return color === undefined ? { text, index } : { text, color, index };
  };
  const mappings: JsonObject[] = [];
  const values: JsonObject = {};
  asArray(src['valueMaps'])
    .filter(isObject)
    .forEach((m, i) => {
      const text = asString(m['text']) ?? '';
      if (m['value'] === 'null' || m['value'] === null)
        mappings.push({ type: 'special', options: { match: 'null', result: result(text, i) } });
      else values[textOf(m['value'])] = result(text, i);
    });
  if (Object.keys(values).length > 0) mappings.unshift({ type: 'value', options: values });
  asArray(src['rangeMaps'])
    .filter(isObject)
    .filter((m) => !(m['from'] === 'null' && m['to'] === 'null'))
    .forEach((m, i) => {
      const text = asString(m['text']) ?? '';
      mappings.push({
        type: 'range',
        options: {
          from: asNumber(m['from']) ?? null,
          to: asNumber(m['to']) ?? null,
          result: result(text, i),
        },
      });
    });
  defaults['mappings'] = mappings;
  defaults['color'] = { mode: 'thresholds' };
  const unit = unitOf(src['units']);
  if (unit !== undefined) defaults['unit'] = unit;
  const decimals = asNumber(src['decimals']);
  if (decimals !== undefined) defaults['decimals'] = decimals;
  options['showValue'] = asBool(src['writeAllValues']) === true ? 'always' : 'auto';
  options['mergeValues'] = true;
  options['rowHeight'] = 0.9;
  options['legend'] = {
    showLegend: asBool(src['showLegend']) !== false,
    displayMode: 'list',
    placement: 'bottom',
  };
  const unmapped = [...colors.keys()].filter(
    (t) => !mappings.some((m) => JSON.stringify(m).includes(`"text":${JSON.stringify(t)}`)),
  );
  if (unmapped.length > 0)
    ctx.warn(
      `${at}.colorMaps`,
      `colours for texts without a value map (${unmapped.join(', ')}) are not kept`,
      src,
    );
  return p;
}
