/**
 * Lays panels out on Grafana's 24-column grid (30 px rows, 8 px gaps); collapsible rows; in
 * edit mode panels are dragged by their title bar and resized from their corner. On narrow
 * screens panels stack in one column.
 */
import {
  type PointerEvent as ReactPointerEvent,
  type ReactElement,
  useEffect,
  useRef,
  useState,
} from 'react';
import type { PanelAnnotation, PanelData, PanelModel, TimeRangeMs } from '../panels/types.js';
import type { PanelTime } from './timeoverride.js';
import { interpolate, type Scope } from './interpolate.js';
import { type GridPos, gridHeight, gridRect, pixelsToGrid, placePanel, posOf } from './layout.js';
import { PanelFrame } from './PanelFrame.js';

/** Below this width panels stack in one column. */
export const STACK_BELOW_PX = 640;

/** Props of {@link DashboardGrid}. */
export interface DashboardGridProps {
  readonly panels: readonly PanelModel[];
  readonly width: number;
  readonly data: ReadonlyMap<number, PanelData>;
  readonly timeRange: TimeRangeMs;
  readonly theme: 'light' | 'dark';
  readonly scope: Scope;
  /** Per-panel scopes (repeated panels bind their variable), by panel id. */
  readonly scopes?: ReadonlyMap<number, Scope>;
  /** Panels with their own time range (timeFrom/timeShift), by panel id. */
  readonly panelTimes?: ReadonlyMap<number, PanelTime>;
  /** The dashboard's time zone. */
  readonly timeZone?: string;
  /** Annotation events for time series panels. */
  readonly annotations?: readonly PanelAnnotation[];
  readonly editing: boolean;
  /** Hides the panel menus (public share pages). */
  readonly readOnly?: boolean;
  readonly onPanels: (p: PanelModel[]) => void;
  readonly onToggleRow: (id: number) => void;
  readonly onTimeRangeChange: (r: TimeRangeMs) => void;
  readonly onView: (id: number) => void;
  readonly onEdit: (id: number) => void;
  readonly onDuplicate: (id: number) => void;
  readonly onRemove: (id: number) => void;
}

interface Drag {
  id: number;
  mode: 'move' | 'resize';
  x: number;
  y: number;
  orig: GridPos;
  panels: readonly PanelModel[];
}

/** Pixel boxes of the panels: the grid, or one stacked column on narrow screens. */
export function layoutBoxes(
  panels: readonly PanelModel[],
  width: number,
): Map<number, { left: number; top: number; width: number; height: number }> {
  const out = new Map<number, { left: number; top: number; width: number; height: number }>();
  if (width < STACK_BELOW_PX) {
    let top = 0;
    for (const p of panels) {
      const h = p.type === 'row' ? 30 : Math.max(200, gridRect(posOf(p), width).height);
      out.set(p.id ?? -1, { left: 0, top, width, height: h });
      top += h + 8;
    }
    return out;
  }
  for (const p of panels) out.set(p.id ?? -1, gridRect(posOf(p), width));
  return out;
}

/** The grid. */
export function DashboardGrid(props: DashboardGridProps): ReactElement {
  const [drag, setDrag] = useState<Drag | null>(null);
  const cb = useRef(props);
  cb.current = props;
  const boxes = layoutBoxes(props.panels, props.width);
  const stacked = props.width < STACK_BELOW_PX;
  const height = stacked
    ? [...boxes.values()].reduce((m, b) => Math.max(m, b.top + b.height), 0)
    : gridHeight(props.panels.map(posOf));

  useEffect(() => {
    if (!drag) return;
    const move = (e: PointerEvent): void => {
      const d = pixelsToGrid(e.clientX - drag.x, e.clientY - drag.y, cb.current.width);
      const o = drag.orig;
      const target =
        drag.mode === 'move'
          ? { ...o, x: o.x + d.dx, y: o.y + d.dy }
          : { ...o, w: o.w + d.dx, h: o.h + d.dy };
      cb.current.onPanels(placePanel(drag.panels, drag.id, target));
    };
    const up = (): void => {
      setDrag(null);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
    return () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
  }, [drag]);

  const startDrag = (p: PanelModel, e: ReactPointerEvent, mode: 'move' | 'resize'): void => {
    if (!props.editing || stacked || e.button !== 0) return;
    e.preventDefault();
    setDrag({
      id: p.id ?? -1,
      mode,
      x: e.clientX,
      y: e.clientY,
      orig: posOf(p),
      panels: props.panels,
    });
  };

  return (
    <div className={`db-grid${drag ? ' db-dragging' : ''}`} style={{ height }}>
      {props.panels.map((p) => {
        const id = p.id ?? -1;
        const b = boxes.get(id);
        if (!b) return null;
        const style = { left: b.left, top: b.top, width: b.width, height: b.height };
        if (p.type === 'row') {
          const collapsed = p.collapsed === true;
          const title = interpolate(p.title ?? '', props.scope, 'text') || 'Row';
          return (
            <div
              key={id}
              className={`db-row${props.editing ? ' db-drag' : ''}`}
              style={style}
              data-panel-id={id}
              onPointerDown={(e) => {
                if ((e.target as HTMLElement).closest('button')) return;
                startDrag(p, e, 'move');
              }}
            >
              <button
                type="button"
                className="db-row-toggle"
                aria-expanded={!collapsed}
                onClick={() => {
                  props.onToggleRow(id);
                }}
              >
                {collapsed ? '▸' : '▾'} {title}
                {collapsed && ` (${p.panels?.length ?? 0} panels)`}
              </button>
              {props.editing && (
                <button
                  type="button"
                  aria-label={`Remove row ${title}`}
                  onClick={() => {
                    props.onRemove(id);
                  }}
                >
                  ✕
                </button>
              )}
            </div>
          );
        }
        const own = props.panelTimes?.get(id);
        return (
          <div key={id} className="db-item" style={style}>
            <PanelFrame
              panel={p}
              data={props.data.get(id)}
              width={b.width}
              height={b.height}
              timeRange={own?.range ?? props.timeRange}
              {...(own ? { timeInfo: own.info } : {})}
              {...(props.timeZone === undefined ? {} : { timeZone: props.timeZone })}
              {...(props.annotations === undefined ? {} : { annotations: props.annotations })}
              theme={props.theme}
              scope={props.scopes?.get(id) ?? props.scope}
              editing={props.editing}
              readOnly={props.readOnly === true}
              onTimeRangeChange={props.onTimeRangeChange}
              onView={() => {
                props.onView(id);
              }}
              onEdit={() => {
                props.onEdit(id);
              }}
              onDuplicate={() => {
                props.onDuplicate(id);
              }}
              onRemove={() => {
                props.onRemove(id);
              }}
              onDragStart={(e, mode) => {
                startDrag(p, e, mode);
              }}
            />
          </div>
        );
      })}
    </div>
  );
}
