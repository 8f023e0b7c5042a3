/**
 * Migrations of the remaining old panel shapes: `table-old` (column styles), the
 * `grafana-piechart-panel` plugin, `text` content, the old `heatmap` options and the Grafana 6
 * `options.fieldOptions` of stat, gauge and bar gauge panels.
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
import { aliasMatcher, fieldDefaults, fieldOverrides, panelOptions, unitOf } from './panels.js';

/** Old table column styles become field defaults (a pattern matching every column) or overrides per column. */
export function migrateTableOld(src: JsonObject, at: string, ctx: MigrationContext): JsonObject {
  const p: JsonObject = {
    ...omit(src, [
      'styles',
      'columns',
      'transform',
      'sort',
      'scroll',
      'fontSize',
      'pageSize',
      'showHeader',
    ]),
    type: 'table',
  };
  const defaults = fieldDefaults(p);
  const overrides = fieldOverrides(p);
  const options = panelOptions(p);
  options['showHeader'] = asBool(src['showHeader']) !== false;
  const sort = asObject(src['sort']);
  const col = asNumber(sort?.['col']);
  if (col !== undefined)
    ctx.warn(
      `${at}.sort`,
      'the initial sort column of old tables is not kept; click a header to sort',
      src,
    );
  const transform = asString(src['transform']) ?? 'timeseries_to_columns';
  if (transform !== 'table' && transform !== 'timeseries_to_columns')
    ctx.warn(
      `${at}.transform`,
      `table transform "${transform}" is not supported; the table shows one row per series`,
      src,
    );
  if (asArray(src['columns']).length > 0)
    ctx.warn(`${at}.columns`, 'aggregated table columns (avg, max, …) are not supported', src);
  asArray(src['styles']).forEach((s, i) => {
    if (!isObject(s)) return;
    const props = styleProperties(s, `${at}.styles[${i}]`, src, ctx);
    const pattern = asString(s['pattern']) ?? '';
    if (pattern === '/.*/' || pattern === '') {
      for (const pr of props) {
        const id = asString(pr['id']) ?? '';
        if (id.startsWith('custom.')) {
          const custom = asObject(defaults['custom']) ?? {};
          custom[id.slice(7)] = pr['value'];
          defaults['custom'] = custom;
        } else defaults[id] = pr['value'];
      }
    } else if (props.length > 0) {
      overrides.push({ matcher: aliasMatcher(pattern), properties: props });
    }
  });
  return p;
}

function styleProperties(
  s: JsonObject,
  at: string,
  panel: JsonObject,
  ctx: MigrationContext,
): JsonObject[] {
  const props: JsonObject[] = [];
  const type = asString(s['type']) ?? 'number';
  if (type === 'hidden') return [{ id: 'custom.hidden', value: true }];
  const alias = asString(s['alias']);
  if (alias !== undefined && alias !== '') props.push({ id: 'displayName', value: alias });
  if (type === 'number') {
    const unit = unitOf(s['unit']);
    if (unit !== undefined) props.push({ id: 'unit', value: unit });
    const dec = asNumber(s['decimals']);
    if (dec !== undefined) props.push({ id: 'decimals', value: dec });
  } else if (type === 'date') {
    props.push({ id: 'unit', value: `time:${asString(s['dateFormat']) ?? 'YYYY-MM-DD HH:mm:ss'}` });
  }
  const colorMode = asString(s['colorMode']);
  const thresholds = asArray(s['thresholds'])
    .map((t) => asNumber(t))
    .filter((n) => n !== undefined);
  if (colorMode !== undefined && colorMode !== '') {
    const colors = asArray(s['colors']).map((c) => asString(c) ?? 'green');
    const steps: JsonObject[] = [{ color: colors[0] ?? 'green', value: null }];
    thresholds.forEach((v, i) => steps.push({ color: colors[i + 1] ?? 'red', value: v }));
    props.push({ id: 'thresholds', value: { mode: 'absolute', steps } });
    props.push({ id: 'color', value: { mode: 'thresholds' } });
    props.push({
      id: 'custom.cellOptions',
      value: {
        type: colorMode === 'cell' || colorMode === 'row' ? 'color-background' : 'color-text',
      },
    });
    if (colorMode === 'row')
      ctx.warn(
        `${at}.colorMode`,
        'colouring whole rows is not supported; the cell is coloured',
        panel,
      );
  }
  const valueMaps = asArray(s['valueMaps']).filter(isObject);
  if (valueMaps.length > 0) {
    const options: JsonObject = {};
    valueMaps.forEach(
      (m, i) => (options[textOf(m['value'])] = { text: asString(m['text']) ?? '', index: i }),
    );
    props.push({ id: 'mappings', value: [{ type: 'value', options }] });
  }
  if (asBool(s['link']) === true) {
    props.push({
      id: 'links',
      value: [
        {
          title: asString(s['linkTooltip']) ?? '',
          url: asString(s['linkUrl']) ?? '',
          targetBlank: asBool(s['linkTargetBlank']) === true,
        },
      ],
    });
  }
  if (s['sanitize'] === true)
    ctx.warn(`${at}.sanitize`, 'HTML in table cells is shown as text', panel);
  return props;
}

/** The piechart plugin becomes the built-in `piechart`. */
export function migratePiechart(src: JsonObject, at: string, ctx: MigrationContext): JsonObject {
  const p: JsonObject = {
    ...omit(src, [
      'pieType',
      'legend',
      'legendType',
      'valueName',
      'format',
      'decimals',
      'aliasColors',
      'combine',
      'strokeWidth',
      'fontSize',
      'breakPoint',
      'nullPointMode',
    ]),
    type: 'piechart',
  };
  const defaults = fieldDefaults(p);
  const options = panelOptions(p);
  options['pieType'] = src['pieType'] === 'donut' ? 'donut' : 'pie';
  const legend = asObject(src['legend']) ?? {};
  const values: string[] = [];
  if (asBool(legend['values']) === true) values.push('value');
  if (asBool(legend['percentage']) === true) values.push('percent');
  options['legend'] = {
    showLegend: asBool(legend['show']) !== false,
    placement: src['legendType'] === 'Right side' ? 'right' : 'bottom',
    displayMode: 'list',
    values,
  };
  const reducer = { avg: 'mean', current: 'lastNotNull', min: 'min', max: 'max', total: 'sum' }[
    asString(src['valueName']) ?? 'current'
  ];
  options['reduceOptions'] = { calcs: [reducer ?? 'lastNotNull'], fields: '', values: false };
  const unit = unitOf(src['format']);
  if (unit !== undefined) defaults['unit'] = unit;
  const dec = asNumber(src['decimals']);
  if (dec !== undefined) defaults['decimals'] = dec;
  const colors = asObject(src['aliasColors']);
  if (colors) {
    const overrides = fieldOverrides(p);
    for (const [name, color] of Object.entries(colors))
      if (typeof color === 'string')
        overrides.push({
          matcher: { id: 'byName', options: name },
          properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: color } }],
        });
  }
  const combine = asObject(src['combine']);
  if ((asNumber(combine?.['threshold']) ?? 0) > 0)
    ctx.warn(`${at}.combine`, 'combining small slices into "Others" is not supported', src);
  return p;
}

/** Old text panels keep `mode` and `content` at the top; today they sit in `options`. */
export function migrateText(src: JsonObject): JsonObject {
  const p: JsonObject = { ...src };
  const options = panelOptions(p);
  const content = asString(src['content']);
  const mode = asString(src['mode']);
  if (content !== undefined && options['content'] === undefined) options['content'] = content;
  if (mode !== undefined && options['mode'] === undefined) options['mode'] = mode;
  if (options['mode'] === undefined) options['mode'] = 'markdown';
  if (options['content'] === undefined) options['content'] = '';
  delete p['content'];
  delete p['mode'];
  return p;
}

/** Old heatmap options (`dataFormat`, `color`, `yAxis`, `cards`) become the current options. */
export function migrateHeatmap(src: JsonObject, at: string, ctx: MigrationContext): JsonObject {
  const options = asObject(src['options']);
  if (options && 'calculate' in options) {
    if (options['calculate'] === true)
      ctx.warn(
        `${at}.options.calculate`,
        'Kansoku draws heatmaps only from histogram buckets (format "heatmap" queries over `le` series), not from buckets it computes',
        src,
      );
    return src;
  }
  const p: JsonObject = omit(src, [
    'dataFormat',
    'color',
    'yAxis',
    'xAxis',
    'cards',
    'hideZeroBuckets',
    'highlightCards',
    'legend',
    'tooltip',
    'tooltipDecimals',
    'yBucketBound',
    'yBucketNumber',
    'yBucketSize',
    'xBucketNumber',
    'xBucketSize',
    'reverseYBuckets',
    'heatmap',
  ]);
  const color = asObject(src['color']) ?? {};
  const yAxis = asObject(src['yAxis']) ?? {};
  const calculate = src['dataFormat'] !== 'tsbuckets';
  if (calculate)
    ctx.warn(
      `${at}.dataFormat`,
      'Kansoku draws heatmaps only from histogram buckets (format "heatmap" queries over `le` series); this heatmap computed its buckets from raw series',
      src,
    );
  const scheme = (asString(color['colorScheme']) ?? 'interpolateOranges').replace(
    /^interpolate/,
    '',
  );
  const unit = unitOf(yAxis['format']);
  p['options'] = {
    calculate,
    color: {
      mode: color['mode'] === 'opacity' ? 'opacity' : 'scheme',
      scheme,
      fill: asString(color['cardColor']) ?? '#b4ff00',
      exponent: asNumber(color['exponent']) ?? 0.5,
      scale: asString(color['colorScale']) ?? 'exponential',
      steps: 64,
      reverse: false,
    },
    yAxis: {
      axisPlacement: asBool(yAxis['show']) === false ? 'hidden' : 'left',
      reverse: asBool(src['reverseYBuckets']) === true,
      ...(unit === undefined ? {} : { unit }),
      ...(asNumber(yAxis['decimals']) === undefined
        ? {}
        : { decimals: asNumber(yAxis['decimals']) }),
      ...(asNumber(yAxis['min']) === undefined ? {} : { min: asNumber(yAxis['min']) }),
      ...(asNumber(yAxis['max']) === undefined ? {} : { max: asNumber(yAxis['max']) }),
    },
    cellGap: asNumber(asObject(src['cards'])?.['cardPadding']) ?? 1,
    ...(asBool(src['hideZeroBuckets']) === true ? { filterValues: { le: 1e-9 } } : {}),
    rowsFrame: {
      layout:
        asString(src['yBucketBound']) === 'upper'
          ? 'le'
          : asString(src['yBucketBound']) === 'lower'
            ? 'ge'
            : 'auto',
    },
    legend: { show: asBool(asObject(src['legend'])?.['show']) === true },
    tooltip: {
      mode: asBool(asObject(src['tooltip'])?.['show']) === false ? 'none' : 'single',
      yHistogram: asBool(asObject(src['tooltip'])?.['showHistogram']) === true,
    },
    exemplars: { color: 'rgba(255,0,255,0.7)' },
  };
  if (asNumber(yAxis['logBase']) !== undefined && asNumber(yAxis['logBase']) !== 1)
    ctx.warn(`${at}.yAxis.logBase`, 'a logarithmic heatmap y axis is not supported', src);
  return p;
}

/**
 * Grafana 6 stat, gauge and bar gauge panels kept their field settings in
 * `options.fieldOptions`; today they are `fieldConfig.defaults` and `options.reduceOptions`.
 */
export function migrateFieldOptions(src: JsonObject): JsonObject {
  const options = asObject(src['options']);
  const fo = asObject(options?.['fieldOptions']);
  if (!options || !fo) return src;
  const p: JsonObject = { ...src, options: { ...options } };
  const opts = panelOptions(p);
  delete opts['fieldOptions'];
  const defaults = fieldDefaults(p);
  const old = asObject(fo['defaults']) ?? {};
  for (const k of ['unit', 'decimals', 'min', 'max', 'title', 'links', 'noValue', 'color'])
    if (old[k] !== undefined) defaults[k === 'title' ? 'displayName' : k] = old[k];
  const steps = asArray(old['thresholds'] ?? fo['thresholds']).filter(isObject);
  if (steps.length > 0)
    defaults['thresholds'] = {
      mode: 'absolute',
      steps: steps.map((s) => ({
        color: s['color'],
        value: s['value'] === -Infinity ? null : (s['value'] ?? null),
      })),
    };
  const maps = asArray(old['mappings'] ?? fo['mappings']).filter(isObject);
  if (maps.length > 0) defaults['mappings'] = maps.map(oldMapping);
  opts['reduceOptions'] = {
    calcs: asArray(fo['calcs']).length > 0 ? fo['calcs'] : ['lastNotNull'],
    values: asBool(fo['values']) === true,
    ...(asNumber(fo['limit']) === undefined ? {} : { limit: asNumber(fo['limit']) }),
    fields: '',
  };
  return p;
}

function oldMapping(m: JsonObject): JsonObject {
  const text = asString(m['text']) ?? '';
  if (asNumber(m['type']) === 2 || m['from'] !== undefined)
    return {
      type: 'range',
      options: {
        from: asNumber(m['from']) ?? null,
        to: asNumber(m['to']) ?? null,
        result: { text },
      },
    };
  return { type: 'value', options: { [textOf(m['value'])]: { text } } };
}
