/**
 * Grafana's dashboard grid: 24 columns, 30 px rows with 8 px gaps, panels placed by `gridPos`,
 * rows as full-width `row` panels that own the panels below them. Collapsing a row moves its
 * panels into `row.panels` (as Grafana stores it); moving or resizing pushes overlapping panels
 * down and compacts upwards. Pure functions over copies, no DOM.
 */
import type { PanelModel } from '../panels/types.js';

/** Columns of the grid. */
export const GRID_COLUMNS = 24;
/** Height of one grid row in pixels. */
export const GRID_ROW_PX = 30;
/** Gap between cells in pixels. */
export const GRID_GAP_PX = 8;

/** A panel's position in grid units. */
export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A pixel rectangle. */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Where a grid position lands in a container `width` pixels wide. */
export function gridRect(g: GridPos, width: number): Rect {
  const col = (width - GRID_GAP_PX * (GRID_COLUMNS - 1)) / GRID_COLUMNS;
  return {
    left: g.x * (col + GRID_GAP_PX),
    top: g.y * (GRID_ROW_PX + GRID_GAP_PX),
    width: g.w * col + (g.w - 1) * GRID_GAP_PX,
    height: g.h * GRID_ROW_PX + (g.h - 1) * GRID_GAP_PX,
  };
}

/** The grid height in pixels of a list of positions. */
export function gridHeight(ps: readonly GridPos[]): number {
  const rows = ps.reduce((m, g) => Math.max(m, g.y + g.h), 0);
  return rows === 0 ? 0 : rows * (GRID_ROW_PX + GRID_GAP_PX) - GRID_GAP_PX;
}

/** Converts a pixel offset to grid units (rounded), for dragging. */
export function pixelsToGrid(dx: number, dy: number, width: number): { dx: number; dy: number } {
  const col = (width - GRID_GAP_PX * (GRID_COLUMNS - 1)) / GRID_COLUMNS;
  return {
    dx: Math.round(dx / (col + GRID_GAP_PX)),
    dy: Math.round(dy / (GRID_ROW_PX + GRID_GAP_PX)),
  };
}

/** A panel's position, with Grafana's defaults for a missing or partial one. */
export function posOf(p: PanelModel): GridPos {
  const g = p.gridPos;
  if (p.type === 'row') return { x: 0, y: g?.y ?? 0, w: GRID_COLUMNS, h: 1 };
  const w = Math.max(1, Math.min(GRID_COLUMNS, g?.w ?? 12));
  return {
    x: Math.max(0, Math.min(GRID_COLUMNS - w, g?.x ?? 0)),
    y: Math.max(0, g?.y ?? 0),
    w,
    h: Math.max(1, g?.h ?? 8),
  };
}

function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function byPosition(a: PanelModel, b: PanelModel): number {
  const pa = posOf(a);
  const pb = posOf(b);
  return pa.y - pb.y || pa.x - pb.x;
}

function withPos(p: PanelModel, g: GridPos): PanelModel {
  return { ...p, gridPos: { x: g.x, y: g.y, w: g.w, h: g.h } };
}

/** Moves every panel as far up as it goes without overlapping those above (vertical compaction). */
export function compact(panels: readonly PanelModel[]): PanelModel[] {
  const sorted = [...panels].sort(byPosition);
  const placed: GridPos[] = [];
  const out: PanelModel[] = [];
  for (const p of sorted) {
    const g = posOf(p);
    let y = g.y;
    while (y > 0 && !placed.some((q) => overlaps({ ...g, y: y - 1 }, q))) y--;
    while (placed.some((q) => overlaps({ ...g, y }, q))) y++;
    const ng = { ...g, y };
    placed.push(ng);
    out.push(withPos(p, ng));
  }
  return out;
}

/**
 * Places panel `id` at `target` (clamped to the grid), pushes panels it now overlaps below it,
 * and compacts. Returns new panel objects; the input is not changed.
 */
export function placePanel(
  panels: readonly PanelModel[],
  id: number,
  target: GridPos,
): PanelModel[] {
  const me = panels.find((p) => p.id === id);
  if (!me) return [...panels];
  const w = me.type === 'row' ? GRID_COLUMNS : Math.max(1, Math.min(GRID_COLUMNS, target.w));
  const g: GridPos = {
    x: me.type === 'row' ? 0 : Math.max(0, Math.min(GRID_COLUMNS - w, target.x)),
    y: Math.max(0, target.y),
    w,
    h: me.type === 'row' ? 1 : Math.max(1, target.h),
  };
  const others = panels.filter((p) => p.id !== id).sort(byPosition);
  const placed: GridPos[] = [g];
  const out: PanelModel[] = [withPos(me, g)];
  for (const p of others) {
    let q = posOf(p);
    while (placed.some((r) => overlaps(q, r))) q = { ...q, y: q.y + 1 };
    placed.push(q);
    out.push(withPos(p, q));
  }
  return compactKeeping(out, id);
}

/** Compacts, but keeps the moved panel where the user dropped it when space allows. */
function compactKeeping(panels: PanelModel[], id: number): PanelModel[] {
  const me = panels.find((p) => p.id === id);
  const rest = compact(panels.filter((p) => p.id !== id));
  if (!me) return rest;
  const g = posOf(me);
  let y = g.y;
  while (y > 0 && !rest.some((q) => overlaps({ ...g, y: y - 1 }, posOf(q)))) y--;
  return placePanelNoCompact(rest, withPos(me, { ...g, y }));
}

function placePanelNoCompact(rest: PanelModel[], me: PanelModel): PanelModel[] {
  const g = posOf(me);
  const out: PanelModel[] = [me];
  const placed: GridPos[] = [g];
  for (const p of [...rest].sort(byPosition)) {
    let q = posOf(p);
    while (placed.some((r) => overlaps(q, r))) q = { ...q, y: q.y + 1 };
    placed.push(q);
    out.push(withPos(p, q));
  }
  return out.sort(byPosition);
}

/** The next free panel id. */
export function nextPanelId(panels: readonly PanelModel[]): number {
  let max = 0;
  for (const p of panels) {
    max = Math.max(max, p.id ?? 0);
    for (const c of p.panels ?? []) max = Math.max(max, c.id ?? 0);
  }
  return max + 1;
}

/** Adds a panel at the top left (as Grafana does), pushing the others down. */
export function addPanel(panels: readonly PanelModel[], p: PanelModel): PanelModel[] {
  const id = typeof p.id === 'number' ? p.id : nextPanelId(panels);
  const g = posOf(p);
  return placePanel([...panels, { ...p, id }], id, { ...g, x: 0, y: 0 });
}

/** Removes a panel (a row takes its collapsed panels with it; an expanded row's panels stay). */
export function removePanel(panels: readonly PanelModel[], id: number): PanelModel[] {
  return compact(panels.filter((p) => p.id !== id));
}

/** Duplicates a panel next to (or below) itself with a new id. */
export function duplicatePanel(panels: readonly PanelModel[], id: number): PanelModel[] {
  const src = panels.find((p) => p.id === id);
  if (!src) return [...panels];
  const copy = JSON.parse(JSON.stringify(src)) as PanelModel;
  const nid = nextPanelId(panels);
  copy.id = nid;
  for (const [i, c] of (copy.panels ?? []).entries()) c.id = nid + 1 + i;
  const g = posOf(src);
  const right = g.x + 2 * g.w <= GRID_COLUMNS;
  const target = right ? { ...g, x: g.x + g.w } : { ...g, y: g.y + g.h };
  return placePanel([...panels, copy], nid, target);
}

/**
 * The panels an expanded row owns: those after it (in position order) up to the next row.
 * Collapsed rows own `row.panels` instead.
 */
export function rowChildren(panels: readonly PanelModel[], rowId: number): PanelModel[] {
  const sorted = [...panels].sort(byPosition);
  const i = sorted.findIndex((p) => p.id === rowId);
  if (i < 0) return [];
  const out: PanelModel[] = [];
  for (const p of sorted.slice(i + 1)) {
    if (p.type === 'row') break;
    out.push(p);
  }
  return out;
}

/** Collapses or expands a row the way Grafana stores it. */
export function toggleRow(panels: readonly PanelModel[], rowId: number): PanelModel[] {
  const row = panels.find((p) => p.id === rowId && p.type === 'row');
  if (!row) return [...panels];
  const rowY = posOf(row).y;
  if (row.collapsed === true) {
    const children = row.panels ?? [];
    const minY = children.reduce((m, c) => Math.min(m, posOf(c).y), Infinity);
    const base = Number.isFinite(minY) ? minY : 0;
    const height = children.reduce((m, c) => Math.max(m, posOf(c).y - base + posOf(c).h), 0);
    const moved = panels.map((p) => {
      if (p.id === rowId) return { ...p, collapsed: false, panels: [] };
      const g = posOf(p);
      return g.y > rowY ? withPos(p, { ...g, y: g.y + height }) : p;
    });
    const inserted = children.map((c) => {
      const g = posOf(c);
      return withPos(c, { ...g, y: rowY + 1 + (g.y - base) });
    });
    return [...moved, ...inserted].sort(byPosition);
  }
  const children = rowChildren(panels, rowId);
  const ids = new Set(children.map((c) => c.id));
  const rest = panels
    .filter((p) => !ids.has(p.id))
    .map((p) => (p.id === rowId ? { ...p, collapsed: true, panels: children } : p));
  return compact(rest);
}

/** The panels drawn on the grid: everything except the children of collapsed rows. */
export function visiblePanels(panels: readonly PanelModel[]): PanelModel[] {
  return [...panels].sort(byPosition);
}
