/**
 * Validation of dashboards coming in through the API or from files: the structure Kansoku relies
 * on is checked and every problem is reported with its JSON path. Unknown fields are kept.
 */
import { DashboardValidationError } from './errors.js';
import { asArray, isObject, type JsonObject } from './json.js';
import { SCHEMA_VERSION, type Dashboard, type Panel, type Variable } from './model.js';

/** Dashboard uids: Grafana's rule (letters, digits, `-`, `_`, at most 40 characters). */
export const UID_RE = /^[A-Za-z0-9_-]{1,40}$/;

/** Longest dashboard title accepted. */
const MAX_TITLE = 255;

/** Grid width of a dashboard in columns. */
const GRID_COLUMNS = 24;

/**
 * Checks a dashboard in the current model (after migration) and returns it typed, with defaults
 * for missing optional parts. `at` is the path of the dashboard in the request (`dashboard`).
 * Throws `DashboardValidationError` at the first problem.
 */
export function validateDashboard(v: unknown, at = 'dashboard'): Dashboard {
  if (!isObject(v)) fail(at, `must be a JSON object, got ${kind(v)}`);
  const d = v;
  const title = d['title'];
  if (typeof title !== 'string' || title.trim() === '')
    fail(`${at}.title`, 'must be a non-empty string');
  if (title.length > MAX_TITLE) fail(`${at}.title`, `must be at most ${MAX_TITLE} characters`);
  const uid = d['uid'];
  if (uid !== undefined && uid !== null && uid !== '') {
    if (typeof uid !== 'string' || !UID_RE.test(uid))
      fail(`${at}.uid`, 'must be 1 to 40 letters, digits, "-" or "_"');
  }
  const tags = d['tags'] ?? [];
  if (!Array.isArray(tags)) fail(`${at}.tags`, 'must be an array of strings');
  (tags as unknown[]).forEach((t, i) => {
    if (typeof t !== 'string') fail(`${at}.tags[${i}]`, 'must be a string');
  });
  const panels = d['panels'] ?? [];
  if (!Array.isArray(panels)) fail(`${at}.panels`, 'must be an array');
  (panels as unknown[]).forEach((p, i) => {
    checkPanel(p, `${at}.panels[${i}]`, true);
  });
  const templating = d['templating'] ?? { list: [] };
  if (!isObject(templating)) fail(`${at}.templating`, 'must be an object with a "list" array');
  const list = templating['list'] ?? [];
  if (!Array.isArray(list)) fail(`${at}.templating.list`, 'must be an array');
  const names = new Set<string>();
  (list as unknown[]).forEach((x, i) => {
    const name = checkVariable(x, `${at}.templating.list[${i}]`);
    if (names.has(name))
      fail(`${at}.templating.list[${i}].name`, `variable "${name}" is defined twice`);
    names.add(name);
  });
  const time = d['time'] ?? { from: 'now-6h', to: 'now' };
  if (!isObject(time) || typeof time['from'] !== 'string' || typeof time['to'] !== 'string')
    fail(
      `${at}.time`,
      'must be an object with "from" and "to" strings, like {"from":"now-6h","to":"now"}',
    );
  const refresh = d['refresh'] ?? '';
  if (typeof refresh !== 'string' && refresh !== false)
    fail(`${at}.refresh`, 'must be a duration string like "30s", "" or false');
  const timezone = d['timezone'] ?? '';
  if (typeof timezone !== 'string') fail(`${at}.timezone`, 'must be a string');
  for (const k of ['version', 'schemaVersion'] as const) {
    const n = d[k];
    if (n !== undefined && n !== null && (typeof n !== 'number' || !Number.isInteger(n) || n < 0))
      fail(`${at}.${k}`, 'must be a non-negative integer');
  }
  return {
    ...d,
    uid: typeof uid === 'string' ? uid : '',
    title: title.trim(),
    version: typeof d['version'] === 'number' ? d['version'] : 0,
    schemaVersion: typeof d['schemaVersion'] === 'number' ? d['schemaVersion'] : SCHEMA_VERSION,
    tags: tags as string[],
    panels: panels as Panel[],
    templating: { ...templating, list: list as Variable[] },
    time: { ...time, from: time['from'], to: time['to'] },
    refresh,
    timezone,
  };
}

function checkPanel(v: unknown, at: string, topLevel: boolean): void {
  if (!isObject(v)) fail(at, `must be a JSON object, got ${kind(v)}`);
  const type = v['type'];
  if (typeof type !== 'string' || type === '') fail(`${at}.type`, 'must be a non-empty string');
  const id = v['id'];
  if (id !== undefined && id !== null && (typeof id !== 'number' || !Number.isInteger(id)))
    fail(`${at}.id`, 'must be an integer');
  const title = v['title'];
  if (title !== undefined && typeof title !== 'string') fail(`${at}.title`, 'must be a string');
  const gp = v['gridPos'];
  if (gp !== undefined) checkGridPos(gp, `${at}.gridPos`);
  const targets = v['targets'];
  if (targets !== undefined) {
    if (!Array.isArray(targets)) fail(`${at}.targets`, 'must be an array');
    (targets as unknown[]).forEach((t, i) => {
      checkTarget(t, `${at}.targets[${i}]`);
    });
  }
  for (const k of ['fieldConfig', 'options'] as const) {
    const o = v[k];
    if (o !== undefined && o !== null && !isObject(o)) fail(`${at}.${k}`, 'must be an object');
  }
  const children = v['panels'];
  if (children !== undefined) {
    if (!Array.isArray(children)) fail(`${at}.panels`, 'must be an array');
    if (type !== 'row' && (children as unknown[]).length > 0)
      fail(`${at}.panels`, 'only panels of type "row" may hold panels');
    if (!topLevel && (children as unknown[]).length > 0)
      fail(`${at}.panels`, 'rows cannot be nested inside rows');
    (children as unknown[]).forEach((c, i) => {
      checkPanel(c, `${at}.panels[${i}]`, false);
    });
  }
}

function checkGridPos(v: unknown, at: string): void {
  if (!isObject(v)) fail(at, 'must be an object {x, y, w, h}');
  for (const k of ['x', 'y', 'w', 'h'] as const) {
    const n = v[k];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
      fail(`${at}.${k}`, 'must be a non-negative integer');
  }
  const x = v['x'] as number;
  const w = v['w'] as number;
  if (w < 1 || w > GRID_COLUMNS) fail(`${at}.w`, `must be between 1 and ${GRID_COLUMNS}`);
  if (x >= GRID_COLUMNS) fail(`${at}.x`, `must be less than ${GRID_COLUMNS}`);
  if ((v['h'] as number) < 1) fail(`${at}.h`, 'must be at least 1');
}

function checkTarget(v: unknown, at: string): void {
  if (!isObject(v)) fail(at, `must be a JSON object, got ${kind(v)}`);
  for (const k of ['expr', 'refId', 'legendFormat', 'format', 'interval'] as const) {
    const s = v[k];
    if (s !== undefined && s !== null && typeof s !== 'string')
      fail(`${at}.${k}`, 'must be a string');
  }
  for (const k of ['instant', 'range', 'hide'] as const) {
    const b = v[k];
    if (b !== undefined && b !== null && typeof b !== 'boolean')
      fail(`${at}.${k}`, 'must be true or false');
  }
}

function checkVariable(v: unknown, at: string): string {
  if (!isObject(v)) fail(at, `must be a JSON object, got ${kind(v)}`);
  const name = v['name'];
  if (typeof name !== 'string' || !/^\w+$/.test(name))
    fail(`${at}.name`, 'must be a variable name (letters, digits, "_")');
  const type = v['type'];
  if (typeof type !== 'string' || type === '') fail(`${at}.type`, 'must be a non-empty string');
  const options = v['options'];
  if (options !== undefined && options !== null && !Array.isArray(options))
    fail(`${at}.options`, 'must be an array');
  return name;
}

/** Checks a folder title: non-empty, at most 255 characters, no slash. */
export function validateFolderTitle(v: unknown, at = 'title'): string {
  if (typeof v !== 'string' || v.trim() === '') fail(at, 'must be a non-empty string');
  if (v.length > MAX_TITLE) fail(at, `must be at most ${MAX_TITLE} characters`);
  if (v.includes('/')) fail(at, 'must not contain "/"');
  return v.trim();
}

/** Every panel of a dashboard, including those inside collapsed rows. */
export function allPanels(panels: readonly Panel[]): Panel[] {
  const out: Panel[] = [];
  for (const p of panels) {
    out.push(p);
    for (const c of asArray(p['panels'])) if (isObject(c)) out.push(c as Panel);
  }
  return out;
}

function fail(path: string, problem: string): never {
  throw new DashboardValidationError(path, problem);
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** Re-exported for callers that only need the object check. */
export type { JsonObject };
