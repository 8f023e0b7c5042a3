/**
 * Migration of one panel: its type (old types mapped to current ones), its datasource and
 * targets, and the fields every panel shares. Type-specific option mapping lives in
 * `graph.ts`, `singlestat.ts` and `other-panels.ts`.
 */
import {
  asArray,
  asNumber,
  asObject,
  asString,
  isObject,
  textOf,
  type JsonObject,
} from '../json.js';
import { KANSOKU_DATASOURCE, SUPPORTED_PANEL_TYPES } from '../model.js';
import type { MigrationContext } from './context.js';
import { classifyDatasource } from './datasource.js';
import { migrateDiscrete } from './discrete.js';
import { migrateGraph } from './graph.js';
import {
  migrateFieldOptions,
  migrateHeatmap,
  migratePiechart,
  migrateTableOld,
  migrateText,
} from './other-panels.js';
import { migrateSinglestat } from './singlestat.js';

/** Default size of a panel without `gridPos`. */
const DEFAULT_GRID = { x: 0, y: 0, w: 12, h: 8 };

/** Migrates one panel at `at`; undefined when it is not an object (with a warning). */
export function migratePanel(
  input: unknown,
  at: string,
  ctx: MigrationContext,
): JsonObject | undefined {
  if (!isObject(input)) {
    ctx.warn(at, 'panel is not an object; skipped');
    return undefined;
  }
  let p: JsonObject = { ...input };
  const type = asString(p['type']) ?? '';
  switch (type) {
    case 'graph':
      p = migrateGraph(p, at, ctx);
      break;
    case 'singlestat':
    case 'grafana-singlestat-panel':
      p = migrateSinglestat(p, at, ctx);
      break;
    case 'table-old':
      p = migrateTableOld(p, at, ctx);
      break;
    case 'table':
      if (Array.isArray(p['styles'])) p = migrateTableOld(p, at, ctx);
      break;
    case 'grafana-piechart-panel':
      p = migratePiechart(p, at, ctx);
      break;
    case 'text':
      p = migrateText(p);
      break;
    case 'natel-discrete-panel':
      p = migrateDiscrete(p, at, ctx);
      break;
    case 'heatmap':
      p = migrateHeatmap(p, at, ctx);
      break;
    case 'stat':
    case 'gauge':
    case 'bargauge':
    case 'state-timeline':
    case 'timeseries':
    case 'piechart':
      p = migrateFieldOptions(p);
      break;
    case 'row':
      break;
    default:
      ctx.warn(
        `${at}.type`,
        type === ''
          ? 'panel has no type; shown as an unsupported panel'
          : `panel type "${type}" is not supported by Kansoku; the panel is kept and shown as unsupported`,
        p,
      );
  }
  if (!isObject(p['gridPos'])) {
    if (p['type'] !== 'row' || p['gridPos'] !== undefined)
      ctx.warn(`${at}.gridPos`, 'panel has no position; placed at the top left', p);
    p['gridPos'] = { ...DEFAULT_GRID, ...(p['type'] === 'row' ? { w: 24, h: 1 } : {}) };
  } else p['gridPos'] = normalizeGrid(p['gridPos']);
  if (p['title'] !== undefined && typeof p['title'] !== 'string')
    p['title'] = textOrEmpty(p['title']);
  if (p['type'] !== 'row') migrateQueries(p, at, ctx);
  if (p['alert'] !== undefined) {
    ctx.warn(
      `${at}.alert`,
      'legacy panel alert not imported: write it as an alerting rule in a rule file',
      p,
    );
    delete p['alert'];
  }
  if (p['type'] === 'row' && !Array.isArray(p['panels'])) p['panels'] = [];
  if (p['type'] === 'row' && typeof p['collapsed'] !== 'boolean') p['collapsed'] = false;
  return p;
}

/** Whether Kansoku renders a panel type. */
export function isSupportedPanelType(type: string): boolean {
  return SUPPORTED_PANEL_TYPES.includes(type);
}

/** Points the panel and its targets at Kansoku; warns about targets of other datasources. */
function migrateQueries(p: JsonObject, at: string, ctx: MigrationContext): void {
  const panelDs = classifyDatasource(p['datasource'], ctx);
  const targets = asArray(p['targets']);
  if (panelDs.kind === 'other') {
    ctx.warn(
      `${at}.datasource`,
      `datasource "${panelDs.name}" is not Prometheus; its queries cannot run in Kansoku`,
      p,
    );
    return;
  }
  if (panelDs.kind === 'grafana' || panelDs.kind === 'dashboard') {
    ctx.warn(
      `${at}.datasource`,
      `the ${panelDs.name} datasource (built-in test data or another panel's results) is not available in Kansoku`,
      p,
    );
    return;
  }
  p['datasource'] = { ...KANSOKU_DATASOURCE };
  const out: JsonObject[] = [];
  targets.forEach((t, i) => {
    const tat = `${at}.targets[${i}]`;
    if (!isObject(t)) {
      ctx.warn(tat, 'target is not an object; skipped', p);
      return;
    }
    const ds = t['datasource'] === undefined ? panelDs : classifyDatasource(t['datasource'], ctx);
    if (ds.kind !== 'prometheus' && ds.kind !== 'mixed') {
      ctx.warn(
        `${tat}.datasource`,
        `query ${asString(t['refId']) ?? i} uses datasource "${ds.name}", which is not Prometheus; it cannot run in Kansoku`,
        p,
      );
      out.push(t);
      return;
    }
    out.push(migrateTarget(t, tat, p, ctx));
  });
  if (targets.length > 0 || p['targets'] !== undefined) p['targets'] = out;
}

function migrateTarget(
  t: JsonObject,
  at: string,
  panel: JsonObject,
  ctx: MigrationContext,
): JsonObject {
  const out: JsonObject = { ...t, datasource: { ...KANSOKU_DATASOURCE } };
  if (typeof out['expr'] !== 'string') {
    if (out['expr'] === undefined && asString(out['query']) !== undefined) {
      out['expr'] = out['query'];
      delete out['query'];
    } else if (out['hide'] !== true) {
      ctx.warn(`${at}.expr`, 'query has no PromQL expression', panel);
      out['expr'] = '';
    }
  }
  const step = asNumber(out['step']);
  if (step !== undefined && (out['interval'] === undefined || out['interval'] === '')) {
    out['interval'] = `${step}s`;
  }
  delete out['step'];
  // `intervalFactor` (resolution 1/N) is kept: the step is N times the automatic interval.
  const factor = asNumber(out['intervalFactor']);
  if (factor === undefined || factor <= 1) delete out['intervalFactor'];
  else out['intervalFactor'] = Math.round(factor);
  if (typeof out['interval'] === 'number') out['interval'] = `${String(out['interval'])}s`;
  if (
    out['format'] !== undefined &&
    !['time_series', 'table', 'heatmap'].includes(textOf(out['format']))
  ) {
    ctx.warn(
      `${at}.format`,
      `format "${textOf(out['format'])}" is unknown; using time_series`,
      panel,
    );
    out['format'] = 'time_series';
  }
  if (out['refId'] === undefined) out['refId'] = 'A';
  return out;
}

/** Reads `fieldConfig.defaults` of a panel, creating the objects when missing. */
export function fieldDefaults(p: JsonObject): JsonObject {
  let fc = asObject(p['fieldConfig']);
  if (!fc) p['fieldConfig'] = fc = { defaults: {}, overrides: [] };
  let d = asObject(fc['defaults']);
  if (!d) fc['defaults'] = d = {};
  if (!Array.isArray(fc['overrides'])) fc['overrides'] = [];
  return d;
}

/** The overrides list of a panel's field config. */
export function fieldOverrides(p: JsonObject): unknown[] {
  fieldDefaults(p);
  const fc = asObject(p['fieldConfig']);
  const o = fc?.['overrides'];
  return Array.isArray(o) ? (o as unknown[]) : [];
}

/** The `custom` part of the field defaults. */
export function customDefaults(p: JsonObject): JsonObject {
  const d = fieldDefaults(p);
  let c = asObject(d['custom']);
  if (!c) d['custom'] = c = {};
  return c;
}

/** The panel's options object, created when missing. */
export function panelOptions(p: JsonObject): JsonObject {
  let o = asObject(p['options']);
  if (!o) p['options'] = o = {};
  return o;
}

/** A field matcher for a series alias as old panels wrote it: a name or `/regex/`. */
export function aliasMatcher(alias: string): JsonObject {
  const re = /^\/(.*)\/[a-z]*$/.exec(alias);
  return re ? { id: 'byRegexp', options: re[1] ?? '' } : { id: 'byName', options: alias };
}

/** Grafana's old number formats that have a different unit id today. */
export function unitOf(format: unknown): string | undefined {
  const f = asString(format);
  if (f === undefined || f === '') return undefined;
  return f === 'none' ? 'none' : f;
}

/** Grid positions as whole cells inside the 24 columns (some exports carry fractions or overflow). */
function normalizeGrid(g: JsonObject): JsonObject {
  const n = (v: unknown, min: number, max: number, dflt: number): number =>
    Math.min(max, Math.max(min, Math.round(asNumber(v) ?? dflt)));
  const w = n(g['w'], 1, 24, DEFAULT_GRID.w);
  return {
    ...g,
    x: n(g['x'], 0, 24 - w, 0),
    y: n(g['y'], 0, Number.MAX_SAFE_INTEGER, 0),
    w,
    h: n(g['h'], 1, Number.MAX_SAFE_INTEGER, DEFAULT_GRID.h),
  };
}

/** A title from a non-string value: numbers as text, anything else empty. */
function textOrEmpty(v: unknown): string {
  return typeof v === 'number' ? String(v) : '';
}
