/**
 * Migration of any Grafana dashboard JSON from Grafana 5 on (schema versions up to the newest) to
 * Kansoku's model: the grid layout with row panels, current panel types, Prometheus variables
 * and datasource references pointing at Kansoku. Pure: JSON in, JSON and warnings out. Whatever
 * cannot be carried over is reported as a warning with its path, never dropped silently.
 */
import { DashboardValidationError } from '../errors.js';
import {
  asArray,
  asNumber,
  asObject,
  cloneJson,
  isObject,
  omit,
  type JsonObject,
} from '../json.js';
import { SCHEMA_VERSION, type ImportWarning } from '../model.js';
import { migrateAnnotations, migrateLinks } from './annotations.js';
import { dashboardExprs, intervalVariables, MetricUsage, substituteVariables } from '../exprs.js';
import { MigrationContext } from './context.js';
import { migratePanel } from './panels.js';
import { rowsToPanels } from './rows.js';
import { migrateTemplating } from './templating.js';

/** A migrated dashboard and what could not be carried over. */
export interface MigrationResult {
  readonly dashboard: JsonObject;
  readonly warnings: ImportWarning[];
}

/** Top-level fields of old exports that have no meaning in Kansoku's model. */
const DROPPED_TOP_LEVEL = [
  '__inputs',
  '__requires',
  '__elements',
  'id',
  'gnetId',
  'style',
  'hideControls',
  'rows',
  'nav',
  'sharedCrosshair',
  'originalTitle',
];

/**
 * Migrates a Grafana dashboard. Accepts the dashboard itself or an API envelope
 * `{dashboard: {…}, meta: {…}}`. Throws `DashboardValidationError` when it is not a dashboard.
 */
export function migrateGrafanaDashboard(input: unknown): MigrationResult {
  let src = asObject(input);
  if (!src)
    throw new DashboardValidationError('dashboard', 'must be a Grafana dashboard JSON object');
  if (isObject(src['dashboard']) && !('panels' in src) && !('rows' in src)) src = src['dashboard'];
  const source = stripEditorState(cloneJson(src));
  const ctx = new MigrationContext(source);
  const schema = asNumber(source['schemaVersion']) ?? 0;
  const out: JsonObject = omit(source, DROPPED_TOP_LEVEL);

  if (source['sharedCrosshair'] === true && out['graphTooltip'] === undefined)
    out['graphTooltip'] = 1;
  const nav = asArray(source['nav'])[0];
  if (isObject(nav) && out['timepicker'] === undefined) {
    out['timepicker'] = omit(nav, ['type', 'enable']);
  }

  let panels: unknown[];
  if (Array.isArray(source['rows']) && !Array.isArray(source['panels'])) {
    panels = rowsToPanels(source['rows'], ctx);
  } else {
    panels = asArray(source['panels']);
    if (Array.isArray(source['rows']) && (source['rows'] as unknown[]).length > 0)
      ctx.warn('rows', 'the dashboard has both "rows" and "panels"; the rows were ignored');
  }
  out['panels'] = migratePanels(panels, ctx);
  out['templating'] = { list: migrateTemplating(source['templating'], ctx) };
  out['annotations'] = { list: migrateAnnotations(source['annotations'], ctx) };
  out['links'] = migrateLinks(source['links'], ctx);
  if (typeof out['title'] !== 'string' || out['title'].trim() === '') {
    out['title'] = 'Imported dashboard';
    ctx.warn('title', 'the dashboard has no title; named "Imported dashboard"');
  }
  const time = asObject(out['time']);
  if (!time || typeof time['from'] !== 'string' || typeof time['to'] !== 'string') {
    if (out['time'] !== undefined)
      ctx.warn('time', 'the time range is not {from, to} text; using the last 6 hours');
    out['time'] = { from: 'now-6h', to: 'now' };
  }
  // Old dashboards wrote `refresh: true/false/null`; only a duration or '' means something.
  if (typeof out['refresh'] !== 'string') out['refresh'] = '';
  if (typeof out['timezone'] !== 'string') out['timezone'] = '';
  if (!Array.isArray(out['tags'])) out['tags'] = [];
  else out['tags'] = (out['tags'] as unknown[]).filter((t) => typeof t === 'string');
  if (typeof out['uid'] !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(out['uid'])) {
    if (typeof out['uid'] === 'string' && out['uid'] !== '')
      ctx.warn(
        'uid',
        `uid "${out['uid']}" is not valid in Kansoku (1 to 40 letters, digits, "-", "_"); a new uid is generated`,
      );
    out['uid'] = '';
  }
  out['schemaVersion'] = Math.max(schema, SCHEMA_VERSION);
  checkQueries(out, ctx);
  return { dashboard: out, warnings: ctx.warnings };
}

/** Migrates panels (and the panels inside rows), giving every panel a unique id. */
function migratePanels(panels: unknown[], ctx: MigrationContext): JsonObject[] {
  const used = new Set<number>();
  const all: JsonObject[] = [];
  const out: JsonObject[] = [];
  panels.forEach((p, i) => {
    const m = migratePanel(p, `panels[${i}]`, ctx);
    if (!m) return;
    out.push(m);
    all.push(m);
    if (m['type'] === 'row') {
      const inner: JsonObject[] = [];
      asArray(m['panels']).forEach((c, j) => {
        const mc = migratePanel(c, `panels[${i}].panels[${j}]`, ctx);
        if (mc) {
          inner.push(mc);
          all.push(mc);
        }
      });
      m['panels'] = inner;
    }
  });
  for (const p of all) {
    const id = asNumber(p['id']);
    if (id !== undefined && Number.isInteger(id) && !used.has(id)) {
      p['id'] = id;
      used.add(id);
    } else delete p['id'];
  }
  let next = 1;
  for (const p of all) {
    if (p['id'] !== undefined) continue;
    while (used.has(next)) next++;
    p['id'] = next;
    used.add(next);
  }
  return out;
}

/** Removes `$$hashKey` (state of Grafana's old Angular editor saved by accident) everywhere. */
function stripEditorState<T>(v: T): T {
  if (Array.isArray(v)) {
    for (const x of v as unknown[]) stripEditorState(x);
  } else if (isObject(v)) {
    if ('$$hashKey' in v) Reflect.deleteProperty(v, '$$hashKey');
    for (const x of Object.values(v)) stripEditorState(x);
  }
  return v;
}

/**
 * Reports every Prometheus query (panel targets, variable queries) that does not parse as PromQL
 * once template variables are replaced by placeholders: such a panel or variable will show an
 * error instead of data.
 */
function checkQueries(d: JsonObject, ctx: MigrationContext): void {
  const intervals = intervalVariables(d);
  const parser = new MetricUsage();
  for (const e of dashboardExprs(d)) {
    const err = parser.add(substituteVariables(e.expr, intervals));
    if (err !== undefined)
      ctx.warnings.push({
        path: e.path,
        ...(e.panel === undefined ? {} : { panel: e.panel }),
        message: `query does not parse as PromQL: ${err}`,
      });
  }
}
