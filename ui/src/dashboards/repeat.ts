/**
 * Repeated panels (`repeat: "<variable>"`): one copy of the panel per selected value of the
 * variable, side by side (`repeatDirection: "h"`, at most `maxPerRow` per line) or stacked
 * (`"v"`), with the panels below moved down to make room. Copies exist only in the view; the
 * stored dashboard keeps the one source panel. Pure functions, no DOM.
 */
import type { PanelModel } from '../panels/types.js';
import type { VariableValue } from './interpolate.js';
import { GRID_COLUMNS, placePanel, posOf } from './layout.js';

/** A panel as laid out, with the variable value it repeats for. */
export interface LaidOutPanel {
  readonly panel: PanelModel;
  /** The variable and its single value for this copy, when the panel is repeated. */
  readonly repeat?: { readonly name: string; readonly value: string };
}

/** Ids of copies: far above the ids a dashboard uses, derived from the source id and the index. */
export function repeatId(sourceId: number, index: number): number {
  return 1_000_000 + sourceId * 1000 + index;
}

/** The source panel id of a copy (or the id itself for a source panel). */
export function sourceId(id: number): number {
  return id >= 1_000_000 ? Math.floor((id - 1_000_000) / 1000) : id;
}

/**
 * Expands repeated panels for the current variable values. Panels whose variable is unknown or
 * has one value stay as they are (with that value bound).
 */
export function expandRepeats(
  panels: readonly PanelModel[],
  scope: ReadonlyMap<string, VariableValue>,
): LaidOutPanel[] {
  let out: PanelModel[] = [...panels];
  const bound = new Map<number, { name: string; value: string }>();
  for (const p of panels) {
    const name = typeof p.repeat === 'string' ? p.repeat : '';
    if (name === '' || p.type === 'row' || p.id === undefined) continue;
    const values = scope.get(name)?.values ?? [];
    if (values.length === 0) continue;
    bound.set(p.id, { name, value: values[0] ?? '' });
    if (values.length === 1) continue;
    const g = posOf(p);
    const vertical = p['repeatDirection'] === 'v';
    const maxPerRow = typeof p['maxPerRow'] === 'number' && p['maxPerRow'] > 0 ? p['maxPerRow'] : 4;
    const perRow = Math.min(values.length, maxPerRow);
    const w = vertical ? g.w : Math.max(1, Math.floor(GRID_COLUMNS / perRow));
    out = out.map((x) => (x.id === p.id ? { ...x, gridPos: { ...g, w } } : x));
    values.slice(1).forEach((value, k) => {
      const i = k + 1;
      const id = repeatId(p.id ?? 0, i);
      const target = vertical
        ? { x: g.x, y: g.y + i * g.h, w, h: g.h }
        : { x: (i % perRow) * w, y: g.y + Math.floor(i / perRow) * g.h, w, h: g.h };
      out = placePanel([...out, { ...p, id, gridPos: target }], id, target);
      bound.set(id, { name, value });
    });
  }
  return out.map((panel) => {
    const r = panel.id !== undefined ? bound.get(panel.id) : undefined;
    return r ? { panel, repeat: r } : { panel };
  });
}

/** The scope of one laid-out panel: the repeat variable bound to its single value. */
export function panelScope(
  scope: ReadonlyMap<string, VariableValue>,
  lp: LaidOutPanel,
): ReadonlyMap<string, VariableValue> {
  if (!lp.repeat) return scope;
  const s = new Map(scope);
  s.set(lp.repeat.name, { values: [lp.repeat.value] });
  return s;
}
