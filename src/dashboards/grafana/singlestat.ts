/**
 * The old `singlestat` panel becomes `stat` (or `gauge` when it showed a gauge): the reducer,
 * unit, decimals, prefix and postfix, thresholds with their colours, value and range maps and the
 * sparkline.
 */
import {
  asArray,
  asBool,
  asNumber,
  asObject,
  asString,
  isObject,
  omit,
  textOf,
  type JsonObject,
} from '../json.js';
import type { MigrationContext } from './context.js';
import { fieldDefaults, panelOptions, unitOf } from './panels.js';

/** Old `valueName` values and today's reducer ids. */
const REDUCERS: Readonly<Record<string, string>> = {
  avg: 'mean',
  current: 'lastNotNull',
  min: 'min',
  max: 'max',
  total: 'sum',
  first: 'firstNotNull',
  delta: 'delta',
  diff: 'diff',
  range: 'range',
  last_time: 'lastNotNull',
};

/** Old singlestat colours when none are given (green, orange, red). */
const DEFAULT_COLORS = ['#299c46', 'rgba(237, 129, 40, 0.89)', '#d44a3a'];

/** Fields of the old panel this migration consumes (cosmetic ones have no equivalent). */
const SINGLESTAT_FIELDS = [
  'valueName',
  'format',
  'decimals',
  'prefix',
  'postfix',
  'thresholds',
  'colors',
  'colorBackground',
  'colorValue',
  'colorPrefix',
  'colorPostfix',
  'valueMaps',
  'rangeMaps',
  'mappingType',
  'mappingTypes',
  'sparkline',
  'gauge',
  'nullText',
  'nullPointMode',
  'tableColumn',
  'prefixFontSize',
  'valueFontSize',
  'postfixFontSize',
];

/** Migrates a `singlestat` panel to `stat` or `gauge`. */
export function migrateSinglestat(src: JsonObject, at: string, ctx: MigrationContext): JsonObject {
  const gauge = asObject(src['gauge']);
  const isGauge = asBool(gauge?.['show']) === true;
  const p: JsonObject = { ...omit(src, SINGLESTAT_FIELDS), type: isGauge ? 'gauge' : 'stat' };
  const defaults = fieldDefaults(p);
  const options = panelOptions(p);
  const valueName = asString(src['valueName']) ?? 'avg';
  const reducer = REDUCERS[valueName];
  if (reducer === undefined)
    ctx.warn(`${at}.valueName`, `value "${valueName}" is not supported; showing the mean`, src);
  options['reduceOptions'] = { calcs: [reducer ?? 'mean'], fields: '', values: false };
  const tableColumn = asString(src['tableColumn']);
  const tableQuery = asArray(src['targets']).some((t) => asObject(t)?.['format'] === 'table');
  if (tableColumn !== undefined && tableColumn !== '' && tableQuery)
    options['reduceOptions'] = {
      ...(options['reduceOptions'] as JsonObject),
      fields: `/^${escapeRegex(tableColumn)}$/`,
    };
  migrateUnit(src, defaults, at, ctx);
  const decimals = asNumber(src['decimals']);
  if (decimals !== undefined) defaults['decimals'] = decimals;
  const nullText = asString(src['nullText']);
  if (nullText !== undefined && nullText !== '') defaults['noValue'] = nullText;
  defaults['thresholds'] = thresholds(src);
  defaults['mappings'] = mappings(src, at, ctx);
  defaults['color'] = { mode: 'thresholds' };
  if (isGauge) {
    const min = asNumber(gauge?.['minValue']);
    const max = asNumber(gauge?.['maxValue']);
    defaults['min'] = min ?? 0;
    defaults['max'] = max ?? 100;
    options['showThresholdMarkers'] = asBool(gauge?.['thresholdMarkers']) !== false;
    options['showThresholdLabels'] = asBool(gauge?.['thresholdLabels']) === true;
  } else {
    const spark = asObject(src['sparkline']);
    options['graphMode'] = asBool(spark?.['show']) === true ? 'area' : 'none';
    options['colorMode'] =
      asBool(src['colorBackground']) === true
        ? 'background'
        : asBool(src['colorValue']) === true
          ? 'value'
          : 'none';
    options['justifyMode'] = 'auto';
    options['textMode'] = 'auto';
    options['orientation'] = 'horizontal';
  }
  return p;
}

function migrateUnit(
  src: JsonObject,
  defaults: JsonObject,
  at: string,
  ctx: MigrationContext,
): void {
  const unit = unitOf(src['format']);
  const prefix = asString(src['prefix']) ?? '';
  const postfix = asString(src['postfix']) ?? '';
  if (prefix === '' && postfix === '') {
    if (unit !== undefined) defaults['unit'] = unit;
    return;
  }
  const plain = unit === undefined || unit === 'none' || unit === 'short';
  if (plain && prefix !== '' && postfix === '') defaults['unit'] = `prefix:${prefix}`;
  else if (plain && postfix !== '' && prefix === '') defaults['unit'] = `suffix:${postfix}`;
  else {
    if (unit !== undefined) defaults['unit'] = unit;
    ctx.warn(
      `${at}.${postfix !== '' ? 'postfix' : 'prefix'}`,
      `prefix "${prefix}" / postfix "${postfix}" cannot be combined with unit "${unit ?? 'none'}"; ${unit === undefined ? 'dropped' : 'the unit is kept'}`,
      src,
    );
  }
}

function thresholds(src: JsonObject): JsonObject {
  const colors = asArray(src['colors']).map((c) => asString(c) ?? '');
  const color = (i: number): string => colors[i] || DEFAULT_COLORS[i] || 'green';
  const text =
    asString(src['thresholds']) ??
    (typeof src['thresholds'] === 'number' ? String(src['thresholds']) : '');
  const values = text
    .split(',')
    .map((s) => asNumber(s.trim()))
    .filter((n): n is number => n !== undefined);
  const steps: JsonObject[] = [{ color: color(0), value: null }];
  values.slice(0, 2).forEach((v, i) => steps.push({ color: color(i + 1), value: v }));
  return { mode: 'absolute', steps };
}

function mappings(src: JsonObject, at: string, ctx: MigrationContext): JsonObject[] {
  const out: JsonObject[] = [];
  const type = asNumber(src['mappingType']) ?? 1;
  const valueMaps = asArray(src['valueMaps']).filter(isObject);
  // A range map from null to null is the old editor's default entry; it maps nothing.
  const rangeMaps = asArray(src['rangeMaps'])
    .filter(isObject)
    .filter((m) => !(type === 1 && m['from'] === 'null' && m['to'] === 'null'));
  const useValues = type === 1 || rangeMaps.length === 0;
  if (useValues) {
    const options: JsonObject = {};
    valueMaps.forEach((m, i) => {
      const value = m['value'];
      const text = asString(m['text']) ?? '';
      if (m['op'] !== undefined && m['op'] !== '=')
        ctx.warn(`${at}.valueMaps[${i}].op`, `operator "${textOf(m['op'])}" is not supported`, src);
      if (value === 'null' || value === null)
        out.push({ type: 'special', options: { match: 'null', result: { text } } });
      else options[textOf(value)] = { text, index: i };
    });
    if (Object.keys(options).length > 0) out.unshift({ type: 'value', options });
  }
  if (!useValues || type === 2) {
    rangeMaps.forEach((m, i) => {
      const from = m['from'] === 'null' ? undefined : asNumber(m['from']);
      const to = m['to'] === 'null' ? undefined : asNumber(m['to']);
      const text = asString(m['text']) ?? '';
      if (m['from'] === 'null' && m['to'] === 'null') {
        out.push({ type: 'special', options: { match: 'null', result: { text, index: i } } });
        return;
      }
      out.push({
        type: 'range',
        options: { from: from ?? null, to: to ?? null, result: { text, index: i } },
      });
    });
  }
  if (useValues && type !== 2 && rangeMaps.length > 0 && valueMaps.length > 0)
    ctx.warn(
      `${at}.rangeMaps`,
      'range maps are ignored because the mapping type is "value to text"',
      src,
    );
  return out;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
