/**
 * Converts panels of Grafana's older schemas (`graph`, `singlestat`, `table-old`,
 * `grafana-piechart-panel`) to the current model our renderers read: axes, legend, stacking,
 * series overrides, thresholds, value maps and table styles. Panels of current types are
 * returned as they are. DOM-free; never mutates its input.
 */
import { normalizeMappings } from './display.js';
import { normalizeReducerId } from './reducers.js';
import { normalizePanelType } from './registry.js';
import type {
  FieldConfig,
  FieldOverride,
  PanelModel,
  ThresholdStep,
  ValueMapping,
} from './types.js';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? (v as unknown[]) : [];
}

function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A matcher for a legacy alias or pattern: `/re/` becomes byRegexp, anything else byName. */
function matcherFor(alias: string): FieldOverride['matcher'] {
  return /^\/.*\/[a-z]*$/.test(alias)
    ? { id: 'byRegexp', options: alias }
    : { id: 'byName', options: alias };
}

/** Legacy `"50,80"` thresholds with `colors[3]` as steps. */
function stepsFromLegacy(thresholds: unknown, colors: unknown): ThresholdStep[] {
  const cs = arr(colors).filter((c): c is string => typeof c === 'string');
  const values = (typeof thresholds === 'string' ? thresholds.split(',') : arr(thresholds))
    .map(num)
    .filter((v): v is number => v !== null);
  const steps: ThresholdStep[] = [{ color: cs[0] ?? 'green', value: null }];
  values.forEach((v, i) =>
    steps.push({ color: cs[i + 1] ?? cs[cs.length - 1] ?? 'red', value: v }),
  );
  return steps;
}

const LEGEND_CALCS: readonly (readonly [string, string])[] = [
  ['min', 'min'],
  ['max', 'max'],
  ['avg', 'mean'],
  ['current', 'lastNotNull'],
  ['total', 'sum'],
];

function migrateGraph(p: PanelModel): PanelModel {
  const yaxes = arr(p['yaxes']).map(obj);
  const y0 = yaxes[0] ?? {};
  const legend = obj(p['legend']);
  const stack = p['stack'] === true;
  const custom: Obj = {
    drawStyle:
      p['bars'] === true
        ? 'bars'
        : p['lines'] === false && p['points'] === true
          ? 'points'
          : 'line',
    lineWidth: num(p['linewidth']) ?? 1,
    fillOpacity: Math.min(100, (num(p['fill']) ?? 1) * 10),
    showPoints: p['points'] === true ? 'always' : 'never',
    pointSize: num(p['pointradius']) ?? 5,
    lineInterpolation: p['steppedLine'] === true ? 'stepAfter' : 'linear',
    spanNulls: p['nullPointMode'] === 'connected',
    stacking: {
      mode: stack ? (p['percentage'] === true ? 'percent' : 'normal') : 'none',
      group: 'A',
    },
  };
  if ((num(y0['logBase']) ?? 1) > 1)
    custom['scaleDistribution'] = { type: 'log', log: num(y0['logBase']) };
  const defaults: FieldConfig = {
    ...p.fieldConfig?.defaults,
    custom: { ...p.fieldConfig?.defaults?.custom, ...custom },
  };
  if (str(y0['format'])) defaults.unit = str(y0['format'])!;
  const min = num(y0['min']);
  const max = num(y0['max']);
  if (min !== null) defaults.min = min;
  if (max !== null) defaults.max = max;
  const decimals = num(p['decimals']) ?? num(y0['decimals']);
  if (decimals !== null) defaults.decimals = decimals;
  const overrides: FieldOverride[] = [...(p.fieldConfig?.overrides ?? [])];
  const y1 = yaxes[1];
  for (const o of arr(p['seriesOverrides']).map(obj)) {
    const alias = str(o['alias']);
    if (!alias) continue;
    const props: FieldOverride['properties'] = [];
    if (o['yaxis'] === 2) {
      props.push({ id: 'custom.axisPlacement', value: 'right' });
      if (y1 && str(y1['format'])) props.push({ id: 'unit', value: y1['format'] });
    }
    if (typeof o['color'] === 'string')
      props.push({ id: 'color', value: { mode: 'fixed', fixedColor: o['color'] } });
    if (num(o['fill']) !== null)
      props.push({ id: 'custom.fillOpacity', value: num(o['fill'])! * 10 });
    if (num(o['linewidth']) !== null)
      props.push({ id: 'custom.lineWidth', value: num(o['linewidth']) });
    if (o['bars'] === true) props.push({ id: 'custom.drawStyle', value: 'bars' });
    if (o['lines'] === false && o['points'] === true)
      props.push({ id: 'custom.drawStyle', value: 'points' });
    if (o['transform'] === 'negative-Y')
      props.push({ id: 'custom.transform', value: 'negative-Y' });
    if (o['stack'] === false)
      props.push({ id: 'custom.stacking', value: { mode: 'none', group: 'A' } });
    if (o['dashes'] === true)
      props.push({ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } });
    if (o['legend'] === false)
      props.push({ id: 'custom.hideFrom', value: { legend: true, tooltip: false, viz: false } });
    if (props.length > 0) overrides.push({ matcher: matcherFor(alias), properties: props });
  }
  for (const [name, color] of Object.entries(obj(p['aliasColors']))) {
    if (typeof color === 'string') {
      overrides.push({
        matcher: { id: 'byName', options: name },
        properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: color } }],
      });
    }
  }
  const ths = arr(p['thresholds'])
    .map(obj)
    .filter((t) => num(t['value']) !== null);
  if (ths.length > 0) {
    const color = (t: Obj): string =>
      str(t['colorMode']) === 'custom'
        ? (str(t['fillColor']) ?? str(t['lineColor']) ?? 'red')
        : str(t['colorMode']) === 'ok'
          ? 'green'
          : str(t['colorMode']) === 'warning'
            ? 'orange'
            : 'red';
    const gt = ths
      .filter((t) => t['op'] !== 'lt')
      .sort((a, b) => num(a['value'])! - num(b['value'])!);
    defaults.thresholds = {
      mode: 'absolute',
      steps: [
        { color: 'transparent', value: null },
        ...gt.map((t) => ({ color: color(t), value: num(t['value']) })),
      ],
    };
    const fill = ths.some((t) => t['fill'] !== false);
    const line = ths.some((t) => t['line'] !== false);
    defaults.custom = {
      ...defaults.custom,
      thresholdsStyle: { mode: fill && line ? 'line+area' : fill ? 'area' : 'line' },
    };
  }
  const calcs = LEGEND_CALCS.filter(([k]) => legend[k] === true).map(([, c]) => c);
  const shared = obj(p['tooltip'])['shared'] !== false;
  return {
    ...p,
    type: 'timeseries',
    fieldConfig: { defaults, overrides },
    options: {
      legend: {
        showLegend: legend['show'] !== false,
        displayMode: legend['alignAsTable'] === true ? 'table' : 'list',
        placement: legend['rightSide'] === true ? 'right' : 'bottom',
        calcs: legend['values'] === true || calcs.length > 0 ? calcs : [],
      },
      tooltip: { mode: shared ? 'multi' : 'single' },
      ...p.options,
    },
  };
}

function legacyValueMaps(p: Obj): ValueMapping[] {
  const maps: Obj[] = [
    ...arr(p['valueMaps']).map((m): Obj => ({ ...obj(m), type: 1 })),
    ...arr(p['rangeMaps']).map((m): Obj => ({ ...obj(m), type: 2 })),
  ].filter((m) => m['text'] !== undefined);
  return normalizeMappings(maps);
}

function migrateSinglestat(p: PanelModel): PanelModel {
  const defaults: FieldConfig = { ...p.fieldConfig?.defaults };
  if (str(p['format'])) defaults.unit = str(p['format'])!;
  const decimals = num(p['decimals']);
  if (decimals !== null) defaults.decimals = decimals;
  defaults.thresholds = { mode: 'absolute', steps: stepsFromLegacy(p['thresholds'], p['colors']) };
  const mappings = legacyValueMaps(p);
  if (mappings.length > 0) defaults.mappings = mappings;
  if (typeof p['nullText'] === 'string' && p['nullText'] !== '') defaults.noValue = p['nullText'];
  const gauge = obj(p['gauge']);
  const calc = normalizeReducerId(str(p['valueName']) ?? 'avg');
  const reduceOptions = { calcs: [calc], fields: '', values: false };
  if (gauge['show'] === true) {
    const gmin = num(gauge['minValue']);
    const gmax = num(gauge['maxValue']);
    if (gmin !== null) defaults.min = gmin;
    if (gmax !== null) defaults.max = gmax;
    return {
      ...p,
      type: 'gauge',
      fieldConfig: { defaults, overrides: p.fieldConfig?.overrides ?? [] },
      options: {
        reduceOptions,
        showThresholdMarkers: gauge['thresholdMarkers'] !== false,
        showThresholdLabels: gauge['thresholdLabels'] === true,
        ...p.options,
      },
    };
  }
  const colorMode =
    p['colorBackground'] === true ? 'background' : p['colorValue'] === true ? 'value' : 'none';
  return {
    ...p,
    type: 'stat',
    fieldConfig: { defaults, overrides: p.fieldConfig?.overrides ?? [] },
    options: {
      reduceOptions,
      colorMode,
      graphMode: obj(p['sparkline'])['show'] === true ? 'area' : 'none',
      textMode: 'value',
      orientation: 'auto',
      ...p.options,
    },
  };
}

function migrateTableOld(p: PanelModel): PanelModel {
  const defaults: FieldConfig = {
    ...p.fieldConfig?.defaults,
    custom: { ...p.fieldConfig?.defaults?.custom },
  };
  const overrides: FieldOverride[] = [...(p.fieldConfig?.overrides ?? [])];
  for (const s of arr(p['styles']).map(obj)) {
    const pattern = str(s['pattern']);
    if (!pattern) continue;
    const props: FieldOverride['properties'] = [];
    if (s['type'] === 'hidden') props.push({ id: 'custom.hidden', value: true });
    if (str(s['unit'])) props.push({ id: 'unit', value: s['unit'] });
    if (num(s['decimals']) !== null) props.push({ id: 'decimals', value: num(s['decimals']) });
    if (str(s['alias'])) props.push({ id: 'displayName', value: s['alias'] });
    if (s['thresholds'] !== undefined && arr(s['thresholds']).length > 0) {
      props.push({
        id: 'thresholds',
        value: { mode: 'absolute', steps: stepsFromLegacy(s['thresholds'], s['colors']) },
      });
      const mode =
        s['colorMode'] === 'value'
          ? 'color-text'
          : s['colorMode'] === 'cell' || s['colorMode'] === 'row'
            ? 'color-background'
            : undefined;
      if (mode) props.push({ id: 'custom.cellOptions', value: { type: mode } });
    }
    const mappings = legacyValueMaps({ valueMaps: s['valueMaps'], rangeMaps: s['rangeMaps'] });
    if (mappings.length > 0) props.push({ id: 'mappings', value: mappings });
    if (props.length === 0) continue;
    if (pattern === '/.*/') {
      for (const pr of props) {
        if (pr.id.startsWith('custom.'))
          defaults.custom = { ...defaults.custom, [pr.id.slice(7)]: pr.value };
        else defaults[pr.id] = pr.value;
      }
    } else overrides.push({ matcher: matcherFor(pattern), properties: props });
  }
  return { ...p, type: 'table', fieldConfig: { defaults, overrides } };
}

function migratePiechart(p: PanelModel): PanelModel {
  const legend = obj(p['legend']);
  const values: string[] = [];
  if (legend['values'] === true) values.push('value');
  if (legend['percentage'] === true) values.push('percent');
  const defaults: FieldConfig = { ...p.fieldConfig?.defaults };
  if (str(p['format'])) defaults.unit = str(p['format'])!;
  return {
    ...p,
    type: 'piechart',
    fieldConfig: { defaults, overrides: p.fieldConfig?.overrides ?? [] },
    options: {
      pieType: str(p['pieType']) === 'donut' ? 'donut' : 'pie',
      reduceOptions: {
        calcs: [normalizeReducerId(str(p['valueName']) ?? 'current')],
        fields: '',
        values: false,
      },
      legend: {
        showLegend: legend['show'] !== false,
        displayMode: 'list',
        placement: 'right',
        values,
      },
      ...p.options,
    },
  };
}

/**
 * A panel in the current schema: legacy types are converted (with their options); other
 * panels come back with only their type normalized. Idempotent.
 */
export function migratePanel(p: PanelModel): PanelModel {
  switch (p.type) {
    case 'graph':
      return migrateGraph(p);
    case 'singlestat':
    case 'grafana-singlestat-panel':
      return migrateSinglestat(p);
    case 'table-old':
      return migrateTableOld(p);
    case 'table':
      // Grafana 6 tables (`styles`, no fieldConfig) are the old table under the current name.
      return Array.isArray(p['styles']) && p.fieldConfig === undefined ? migrateTableOld(p) : p;
    case 'grafana-piechart-panel':
      return migratePiechart(p);
    default: {
      const type = normalizePanelType(p.type);
      return type === p.type ? p : { ...p, type };
    }
  }
}
