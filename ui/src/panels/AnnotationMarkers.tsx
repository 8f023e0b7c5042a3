/** Annotation markers under a time series chart, with their text on hover or focus. */
import { type ReactElement, useState } from 'react';
import { resolveColor } from './colors.js';
import { formatDateTime } from './timefmt.js';
import type { PanelAnnotation } from './types.js';
import type { PlotLayout } from './uplotChart.js';

/** Props of {@link AnnotationMarkers}. */
export interface AnnotationMarkersProps {
  readonly events: readonly PanelAnnotation[];
  readonly layout: PlotLayout;
  readonly timeZone: string | undefined;
}

/** One marker per event at its start (regions get a bar along their length). */
export function AnnotationMarkers({
  events,
  layout,
  timeZone,
}: AnnotationMarkersProps): ReactElement {
  const [open, setOpen] = useState<number | null>(null);
  const span = layout.max - layout.min;
  const x = (ms: number): number =>
    span > 0 ? layout.left + ((ms / 1000 - layout.min) / span) * layout.width : layout.left;
  const inside = events
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.timeEnd / 1000 >= layout.min && e.time / 1000 <= layout.max);
  const shown = open === null ? undefined : events[open];
  return (
    <div className="kp-annotations">
      {inside.map(({ e, i }) => {
        const left = Math.max(layout.left, x(e.time));
        const right = Math.min(layout.left + layout.width, x(e.timeEnd));
        const color = resolveColor(e.color);
        return (
          <button
            key={i}
            type="button"
            className={`kp-annotation-marker${e.timeEnd > e.time ? ' kp-annotation-region' : ''}`}
            style={{
              left: left - 5,
              top: layout.top + layout.height + 1,
              width: Math.max(10, right - left + 10),
              color,
            }}
            aria-label={`Annotation: ${e.title || e.source} at ${formatDateTime(e.time, timeZone)}`}
            onMouseEnter={() => {
              setOpen(i);
            }}
            onMouseLeave={() => {
              setOpen(null);
            }}
            onFocus={() => {
              setOpen(i);
            }}
            onBlur={() => {
              setOpen(null);
            }}
          />
        );
      })}
      {shown && (
        <div
          className="kp-tooltip kp-annotation-tooltip"
          role="tooltip"
          style={{
            // Right of the marker in the left half of the plot, left of it in the right half.
            ...(x(shown.time) < layout.left + layout.width / 2
              ? { left: x(shown.time) + 8 }
              : { right: Math.max(0, layout.left + layout.width - x(shown.time) + 8) }),
            top: Math.max(0, layout.top + layout.height - 80),
          }}
        >
          <div className="kp-tooltip-time">
            {formatDateTime(shown.time, timeZone)}
            {shown.timeEnd > shown.time && ` – ${formatDateTime(shown.timeEnd, timeZone)}`}
          </div>
          <b>{shown.title || shown.source}</b>
          {shown.text !== '' && <div className="kp-annotation-text">{shown.text}</div>}
          {shown.tags.length > 0 && (
            <div className="kp-annotation-tags">
              {shown.tags.map((t) => (
                <span key={t} className="kp-annotation-tag">
                  {t}
                </span>
              ))}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
