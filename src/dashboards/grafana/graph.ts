/**
 * The old `graph` panel becomes `timeseries`: draw style, fill, stacking, axes, legend, tooltip,
 * thresholds, series colours and per-series overrides move into `fieldConfig` and `options`.
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
import {
  aliasMatcher,
  customDefaults,
  fieldDefaults,
  fieldOverrides,
  panelOptions,
  unitOf,
} from './panels.js';

/** Fields of the old graph panel that this migration consumes. */
const GRAPH_FIELDS = [
  'bars',
  'lines',
  'points',
  'linewidth',
  'fill',
  'fillGradient',
  'pointradius',
  'stack',
  'percentage',
  'legend',
  'tooltip',
  'yaxes',
  'xaxis',
  'yaxis',
  'seriesOverrides',
  'aliasColors',
  'nullPointMode',
  'steppedLine',
  'thresholds',
  'timeRegions',
  'dashes',
  'dashLength',
  'spaceLength',
  'renderer',
  'decimals',
  'grid',
  'hiddenSeries',
  'y-axis',
  'x-axis',
  'legendType',
  'isNew',
  'error',
  'leftYAxisLabel',
  'rightYAxisLabel',
  'zIndex',
];

/** Legend values of the old graph and their reducer ids today. */
const LEGEND_CALCS: readonly (readonly [string, string])[] = [
  ['min', 'min'],
  ['max', 'max'],
  ['avg', 'mean'],
  ['current', 'lastNotNull'],
  ['total', 'sum'],
];

/** Migrates a `graph` panel to `timeseries`. */
export function migrateGraph(src: JsonObject, at: string, ctx: MigrationContext): JsonObject {
  const p: JsonObject = { ...omit(src, GRAPH_FIELDS), type: 'timeseries' };
  const defaults = fieldDefaults(p);
  const custom = customDefaults(p);
  const bars = asBool(src['bars']) === true;
  const lines = asBool(src['lines']) !== false;
  const points = asBool(src['points']) === true;
  custom['drawStyle'] = bars ? 'bars' : lines ? 'line' : 'points';
  custom['lineWidth'] = asNumber(src['linewidth']) ?? 1;
  custom['fillOpacity'] = bars ? 100 : (asNumber(src['fill']) ?? 1) * 10;
  custom['gradientMode'] = (asNumber(src['fillGradient']) ?? 0) > 0 ? 'opacity' : 'none';
  custom['showPoints'] = points ? 'always' : 'never';
  custom['pointSize'] = (asNumber(src['pointradius']) ?? 2) * 2 + 1;
  custom['lineInterpolation'] = asBool(src['steppedLine']) === true ? 'stepAfter' : 'linear';
  custom['spanNulls'] = src['nullPointMode'] === 'connected';
  if (src['nullPointMode'] === 'null as zero') custom['insertNulls'] = false;
  if (asBool(src['dashes']) === true)
    custom['lineStyle'] = {
      fill: 'dash',
      dash: [asNumber(src['dashLength']) ?? 10, asNumber(src['spaceLength']) ?? 10],
    };
  const stack = asBool(src['stack']) === true;
  custom['stacking'] = {
    mode: stack ? (asBool(src['percentage']) === true ? 'percent' : 'normal') : 'none',
    group: 'A',
  };
  const decimals = asNumber(src['decimals']);
  if (decimals !== undefined) defaults['decimals'] = decimals;
  migrateAxes(src, p, defaults, custom, at, ctx);
  migrateLegendTooltip(src, p, at, ctx);
  migrateThresholds(src, defaults, custom, at, ctx, p);
  migrateColors(src, p);
  migrateSeriesOverrides(src, p, at, ctx);
  const xaxis = asObject(src['xaxis']);
  const mode = asString(xaxis?.['mode']);
  if (mode !== undefined && mode !== 'time')
    ctx.warn(
      `${at}.xaxis.mode`,
      `x axis mode "${mode}" is not supported; the panel shows a time series instead`,
      src,
    );
  if (asArray(src['timeRegions']).length > 0)
    ctx.warn(`${at}.timeRegions`, 'time regions are not supported and were dropped', src);
  return p;
}

function migrateAxes(
  src: JsonObject,
  p: JsonObject,
  defaults: JsonObject,
  custom: JsonObject,
  at: string,
  ctx: MigrationContext,
): void {
  const yaxes = asArray(src['yaxes']);
  const left = asObject(yaxes[0]);
  const right = asObject(yaxes[1]);
  if (left) {
    const unit = unitOf(left['format']);
    if (unit !== undefined) defaults['unit'] = unit;
    const min = asNumber(left['min']);
    const max = asNumber(left['max']);
    if (min !== undefined) defaults['min'] = min;
    if (max !== undefined) defaults['max'] = max;
    const dec = asNumber(left['decimals']);
    if (dec !== undefined && defaults['decimals'] === undefined) defaults['decimals'] = dec;
    const label = asString(left['label']);
    if (label !== undefined && label !== '') custom['axisLabel'] = label;
    const log = asNumber(left['logBase']);
    if (log !== undefined && log > 1) custom['scaleDistribution'] = { type: 'log', log };
    if (asBool(left['show']) === false) custom['axisPlacement'] = 'hidden';
  }
  const yaxis = asObject(src['yaxis']);
  if (yaxis && asBool(yaxis['align']) === true)
    ctx.warn(`${at}.yaxis.align`, 'aligning the zero of both y axes is not supported', src);
  // The right axis only matters for series moved to it by an override.
  if (right) p['__rightAxis'] = right;
}

function migrateLegendTooltip(
  src: JsonObject,
  p: JsonObject,
  at: string,
  ctx: MigrationContext,
): void {
  const legend = asObject(src['legend']) ?? {};
  for (const k of ['hideEmpty', 'hideZero'] as const)
    if (asBool(legend[k]) === true)
      ctx.warnOnce(
        `legend.${k}`,
        `${at}.legend.${k}`,
        `hiding ${k === 'hideEmpty' ? 'empty' : 'all-zero'} series from graph legends is not supported (said once for all panels of this dashboard)`,
        src,
      );
  const options = panelOptions(p);
  const calcs: string[] = [];
  for (const [old, now] of LEGEND_CALCS) if (asBool(legend[old]) === true) calcs.push(now);
  options['legend'] = {
    showLegend: asBool(legend['show']) !== false,
    displayMode: asBool(legend['alignAsTable']) === true ? 'table' : 'list',
    placement: asBool(legend['rightSide']) === true ? 'right' : 'bottom',
    calcs,
  };
  const sortBy = asString(legend['sort']);
  if (sortBy !== undefined && asBool(legend['sortDesc']) !== undefined) {
    const calc = LEGEND_CALCS.find(([o]) => o === sortBy)?.[1];
    if (calc !== undefined) {
      const l = options['legend'] as JsonObject;
      l['sortBy'] = calc === 'mean' ? 'Mean' : calc.charAt(0).toUpperCase() + calc.slice(1);
      l['sortDesc'] = asBool(legend['sortDesc']) === true;
    }
  }
  const tooltip = asObject(src['tooltip']) ?? {};
  const sort = asNumber(tooltip['sort']) ?? 0;
  options['tooltip'] = {
    mode: asBool(tooltip['shared']) === false ? 'single' : 'multi',
    sort: sort === 1 ? 'asc' : sort === 2 ? 'desc' : 'none',
  };
}

function migrateThresholds(
  src: JsonObject,
  defaults: JsonObject,
  custom: JsonObject,
  at: string,
  ctx: MigrationContext,
  panel: JsonObject,
): void {
  const list = asArray(src['thresholds']).filter(isObject);
  if (list.length === 0) return;
  const steps: JsonObject[] = [{ color: 'transparent', value: null }];
  let fill = false;
  for (const t of list) {
    const value = asNumber(t['value']);
    if (value === undefined) continue;
    const colorMode = asString(t['colorMode']) ?? 'critical';
    const color =
      colorMode === 'custom'
        ? (asString(t['lineColor']) ?? asString(t['fillColor']) ?? 'red')
        : colorMode === 'warning'
          ? 'orange'
          : colorMode === 'ok'
            ? 'green'
            : 'red';
    if (asBool(t['fill']) === true) fill = true;
    if (t['op'] === 'lt')
      ctx.warn(`${at}.thresholds`, `threshold "< ${value}" is drawn as "≥ ${value}"`, panel);
    steps.push({ color, value });
  }
  steps.sort((a, b) => (asNumber(a['value']) ?? -Infinity) - (asNumber(b['value']) ?? -Infinity));
  defaults['thresholds'] = { mode: 'absolute', steps };
  custom['thresholdsStyle'] = { mode: fill ? 'line+area' : 'line' };
}

function migrateColors(src: JsonObject, p: JsonObject): void {
  const colors = asObject(src['aliasColors']);
  if (!colors) return;
  const overrides = fieldOverrides(p);
  for (const [name, color] of Object.entries(colors)) {
    if (typeof color !== 'string') continue;
    overrides.push({
      matcher: { id: 'byName', options: name },
      properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: color } }],
    });
  }
}

function migrateSeriesOverrides(
  src: JsonObject,
  p: JsonObject,
  at: string,
  ctx: MigrationContext,
): void {
  const right = asObject(p['__rightAxis']);
  delete p['__rightAxis'];
  const overrides = fieldOverrides(p);
  asArray(src['seriesOverrides']).forEach((o, i) => {
    const oat = `${at}.seriesOverrides[${i}]`;
    if (!isObject(o)) return;
    const alias = asString(o['alias']);
    if (alias === undefined || alias === '') {
      ctx.warn(oat, 'series override without an alias was dropped', src);
      return;
    }
    const props: JsonObject[] = [];
    const prop = (id: string, value: unknown): void => {
      props.push({ id, value });
    };
    for (const [k, v] of Object.entries(o)) {
      switch (k) {
        case 'alias':
          break;
        case 'fill':
          prop('custom.fillOpacity', (asNumber(v) ?? 0) * 10);
          break;
        case 'linewidth':
          prop('custom.lineWidth', asNumber(v) ?? 1);
          break;
        case 'lines':
          if (v === false) prop('custom.lineWidth', 0);
          break;
        case 'bars':
          prop('custom.drawStyle', v === true ? 'bars' : 'line');
          if (v === true) prop('custom.fillOpacity', 100);
          break;
        case 'points':
          prop('custom.showPoints', v === true ? 'always' : 'never');
          break;
        case 'pointradius':
          prop('custom.pointSize', (asNumber(v) ?? 2) * 2 + 1);
          break;
        case 'stack':
          prop('custom.stacking', {
            mode: v === false ? 'none' : 'normal',
            group: v === true ? 'A' : textOf(v),
          });
          break;
        case 'color':
          prop('color', { mode: 'fixed', fixedColor: textOf(v) });
          break;
        case 'yaxis':
          if (asNumber(v) === 2) {
            prop('custom.axisPlacement', 'right');
            const unit = unitOf(right?.['format']);
            if (unit !== undefined) prop('unit', unit);
            const min = asNumber(right?.['min']);
            const max = asNumber(right?.['max']);
            if (min !== undefined) prop('min', min);
            if (max !== undefined) prop('max', max);
          }
          break;
        case 'transform':
          if (v === 'negative-Y') prop('custom.transform', 'negative-Y');
          else ctx.warn(`${oat}.transform`, `transform "${textOf(v)}" is not supported`, src);
          break;
        case 'dashes':
          if (v === true) prop('custom.lineStyle', { fill: 'dash', dash: [10, 10] });
          break;
        case 'legend':
          if (v === false) prop('custom.hideFrom', { legend: true, tooltip: false, viz: false });
          break;
        case 'hiddenSeries':
          if (v === true) prop('custom.hideFrom', { legend: false, tooltip: false, viz: true });
          break;
        case 'steppedLine':
          prop('custom.lineInterpolation', v === true ? 'stepAfter' : 'linear');
          break;
        case 'nullPointMode':
          prop('custom.spanNulls', v === 'connected');
          break;
        case 'zindex':
        case 'dashLength':
        case 'spaceLength':
          break;
        default:
          ctx.warn(`${oat}.${k}`, `series override property "${k}" is not supported`, src);
      }
    }
    if (props.length > 0) overrides.push({ matcher: aliasMatcher(alias), properties: props });
  });
}
