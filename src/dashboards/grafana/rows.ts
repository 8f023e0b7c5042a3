/**
 * The layout of dashboards before Grafana 5's grid: `rows[]`, each with a height and panels
 * sized by `span` (of 12 columns), becomes flat `panels[]` with `gridPos` on the 24-column grid
 * and a `row` panel per row (collapsed rows hold their panels inside).
 */
import {
  asArray,
  asBool,
  asNumber,
  asObject,
  asString,
  isObject,
  type JsonObject,
} from '../json.js';
import type { MigrationContext } from './context.js';

/** Pixels per grid row. */
const GRID_CELL_HEIGHT = 30;
/** Vertical margin between grid rows in pixels. */
const GRID_CELL_MARGIN = 8;
/** Row height when a row gives none, in pixels (Grafana's default). */
const DEFAULT_ROW_HEIGHT = 250;
/** Columns of the old layout and of the grid. */
const OLD_COLUMNS = 12;
const GRID_COLUMNS = 24;

/** Converts `rows` to `panels`; returns the panels (empty when there are no rows). */
export function rowsToPanels(rows: unknown, ctx: MigrationContext): JsonObject[] {
  const list = asArray(rows);
  const out: JsonObject[] = [];
  let y = 0;
  const onlyOneUntitled = list.length === 1 && asBool(asObject(list[0])?.['showTitle']) !== true;
  list.forEach((r, ri) => {
    const row = asObject(r);
    if (!row) {
      ctx.warn(`rows[${ri}]`, 'row is not an object; skipped');
      return;
    }
    const heightPx = parseHeight(row['height']) ?? DEFAULT_ROW_HEIGHT;
    const collapsed = asBool(row['collapse']) === true;
    let rowPanel: JsonObject | undefined;
    if (!onlyOneUntitled) {
      rowPanel = {
        type: 'row',
        title: asString(row['title']) ?? '',
        collapsed,
        gridPos: { x: 0, y, w: GRID_COLUMNS, h: 1 },
        panels: [],
      };
      if (asBool(row['showTitle']) === false && asString(row['title']) !== undefined)
        rowPanel['title'] = asString(row['title']) ?? '';
      const repeat = asString(row['repeat']);
      if (repeat !== undefined && repeat !== '') rowPanel['repeat'] = repeat;
      out.push(rowPanel);
      y += 1;
    }
    const placed = placePanels(asArray(row['panels']), heightPx, y, `rows[${ri}]`, ctx);
    y = placed.nextY;
    if (rowPanel && collapsed) rowPanel['panels'] = placed.panels;
    else out.push(...placed.panels);
  });
  return out;
}

function placePanels(
  panels: unknown[],
  rowHeightPx: number,
  startY: number,
  at: string,
  ctx: MigrationContext,
): { panels: JsonObject[]; nextY: number } {
  const out: JsonObject[] = [];
  let x = 0;
  let y = startY;
  let lineHeight = 0;
  panels.forEach((p, pi) => {
    if (!isObject(p)) {
      ctx.warn(`${at}.panels[${pi}]`, 'panel is not an object; skipped');
      return;
    }
    const span = asNumber(p['span']) ?? 4;
    const w = Math.max(1, Math.min(GRID_COLUMNS, Math.round((span / OLD_COLUMNS) * GRID_COLUMNS)));
    const h = heightToRows(parseHeight(p['height']) ?? rowHeightPx);
    if (x + w > GRID_COLUMNS) {
      x = 0;
      y += lineHeight;
      lineHeight = 0;
    }
    const panel: JsonObject = { ...p, gridPos: { x, y, w, h } };
    delete panel['span'];
    delete panel['height'];
    out.push(panel);
    x += w;
    lineHeight = Math.max(lineHeight, h);
  });
  return { panels: out, nextY: y + lineHeight };
}

/** Pixels from `250`, `"250"` or `"250px"`. */
function parseHeight(v: unknown): number | undefined {
  if (typeof v === 'string') return asNumber(v.replace(/px$/, ''));
  return asNumber(v);
}

/** Grid rows for a height in pixels, as Grafana computes them. */
function heightToRows(px: number): number {
  return Math.max(1, Math.ceil(px / (GRID_CELL_HEIGHT + GRID_CELL_MARGIN)));
}
