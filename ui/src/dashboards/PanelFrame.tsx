/** One panel on the dashboard: title bar with its menu, the renderer below, resize handle in edit mode. */
import { type PointerEvent as ReactPointerEvent, type ReactElement, useMemo } from 'react';
import { PanelView } from '../panels/index.js';
import type { PanelAnnotation, PanelData, PanelModel, TimeRangeMs } from '../panels/types.js';
import { interpolate, type Scope } from './interpolate.js';

/** Height of the panel title bar in pixels. */
export const PANEL_HEADER_PX = 28;

/** Props of {@link PanelFrame}. */
export interface PanelFrameProps {
  readonly panel: PanelModel;
  readonly data: PanelData | undefined;
  readonly width: number;
  readonly height: number;
  readonly timeRange: TimeRangeMs;
  readonly theme: 'light' | 'dark';
  readonly scope: Scope;
  readonly editing: boolean;
  /** Hides the panel menu (public share pages). */
  readonly readOnly?: boolean;
  /** The dashboard's time zone (`browser`, `utc` or an IANA name). */
  readonly timeZone?: string;
  /** The panel's own time label (`Last 2 hours timeshift -1d`), empty for none. */
  readonly timeInfo?: string;
  /** Annotation events to draw on time series panels. */
  readonly annotations?: readonly PanelAnnotation[];
  readonly onTimeRangeChange: (r: TimeRangeMs) => void;
  readonly onView: () => void;
  readonly onEdit: () => void;
  readonly onDuplicate: () => void;
  readonly onRemove: () => void;
  readonly onDragStart?: (e: ReactPointerEvent, mode: 'move' | 'resize') => void;
}

const LOADING: PanelData = { state: 'loading', series: [] };

/** A text panel's content with the variables replaced, as Grafana shows it. */
function withText(panel: PanelModel, scope: Scope): PanelModel {
  const content = panel.options?.['content'];
  if (typeof content !== 'string' || (!content.includes('$') && !content.includes('[[')))
    return panel;
  return { ...panel, options: { ...panel.options, content: interpolate(content, scope, 'text') } };
}

/** A panel with its chrome. */
export function PanelFrame(p: PanelFrameProps): ReactElement {
  const data = p.data ?? LOADING;
  const title = interpolate(p.panel.title ?? '', p.scope, 'text');
  const bodyH = Math.max(10, p.height - PANEL_HEADER_PX);
  const panel = useMemo(() => withText(p.panel, p.scope), [p.panel, p.scope]);
  return (
    <section
      className={`db-panel${p.panel.transparent === true ? ' db-transparent' : ''}`}
      aria-label={title || 'Panel'}
      data-panel-id={p.panel.id}
      data-state={data.state}
    >
      <header
        className={`db-panel-header${p.editing ? ' db-drag' : ''}`}
        onPointerDown={(e) => {
          if ((e.target as HTMLElement).closest('button')) return;
          p.onDragStart?.(e, 'move');
        }}
      >
        <h2 className="db-panel-title" title={p.panel.description ?? title}>
          {title}
        </h2>
        {p.timeInfo !== undefined && p.timeInfo !== '' && (
          <span className="db-panel-timeinfo" title="This panel has its own time range">
            {p.timeInfo}
          </span>
        )}
        {data.state === 'loading' && <span className="db-spinner" aria-label="Loading" />}
        {(data.warnings?.length ?? 0) > 0 && (
          <span className="warning" title={data.warnings?.join('\n')} aria-label="Warnings">
            ⚠
          </span>
        )}
        {p.readOnly !== true && (
          <span className="db-panel-menu">
            <button
              type="button"
              onClick={p.onView}
              aria-label={`View ${title || 'panel'}`}
              title="View"
            >
              ⤢
            </button>
            <button
              type="button"
              onClick={p.onEdit}
              aria-label={`Edit ${title || 'panel'}`}
              title="Edit"
            >
              ✎
            </button>
            {p.editing && (
              <>
                <button
                  type="button"
                  onClick={p.onDuplicate}
                  aria-label={`Duplicate ${title || 'panel'}`}
                  title="Duplicate"
                >
                  ⊕
                </button>
                <button
                  type="button"
                  onClick={p.onRemove}
                  aria-label={`Remove ${title || 'panel'}`}
                  title="Remove"
                >
                  ✕
                </button>
              </>
            )}
          </span>
        )}
      </header>
      <div className="db-panel-body">
        <PanelView
          panel={panel}
          data={data}
          width={Math.max(10, p.width - 2)}
          height={bodyH}
          timeRange={p.timeRange}
          theme={p.theme}
          {...(p.timeZone === undefined ? {} : { timeZone: p.timeZone })}
          {...(p.annotations === undefined ? {} : { annotations: p.annotations })}
          onTimeRangeChange={p.onTimeRangeChange}
        />
      </div>
      {p.editing && (
        <span
          className="db-resize"
          aria-hidden="true"
          onPointerDown={(e) => {
            p.onDragStart?.(e, 'resize');
          }}
        />
      )}
    </section>
  );
}
