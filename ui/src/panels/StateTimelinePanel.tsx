/** The state timeline panel: one row per series, bands coloured by value mappings or thresholds. */
import type { ReactElement } from 'react';
import { getDisplayValue } from './display.js';
import { optBool, optNumber, optString } from './fieldconfig.js';
import { panelFields } from './fields.js';
import { PanelMessage } from './PanelMessage.js';
import { stateBands } from './statetimeline.js';
import { formatClock, formatDateTime } from './timefmt.js';
import type { PanelProps } from './types.js';

const NAME_W = 140;
const AXIS_H = 18;

/** Renders a `state-timeline` panel (and `status-history`). */
export function StateTimelinePanel({
  panel,
  data,
  width,
  height,
  timeRange,
  timeZone,
}: PanelProps): ReactElement {
  const fields = panelFields(panel, data.series);
  if (fields.length === 0) return <PanelMessage kind="info">No data</PanelMessage>;
  const merge = optBool(panel.options, 'mergeValues', true);
  const showValue = optString(panel.options, 'showValue', 'auto');
  const rowFill = Math.min(1, Math.max(0.1, optNumber(panel.options, 'rowHeight', 0.9)));
  const nameW = Math.min(NAME_W, width * 0.3);
  const plotW = Math.max(10, width - nameW);
  const rowH = Math.max(6, (height - AXIS_H) / fields.length);
  const span = Math.max(1, timeRange.to - timeRange.from);
  const x = (t: number): number =>
    ((Math.min(Math.max(t, timeRange.from), timeRange.to) - timeRange.from) / span) * plotW;
  const ticks = 4;
  return (
    <svg
      className="kp-state"
      width={width}
      height={height}
      role="img"
      aria-label={`State timeline of ${fields.length} series`}
    >
      {fields.map((f, row) => {
        const y = row * rowH;
        const bands = stateBands(f.series, timeRange.to, merge);
        return (
          <g key={f.index}>
            <text
              x={nameW - 6}
              y={y + rowH / 2}
              textAnchor="end"
              dominantBaseline="middle"
              className="kp-state-name"
            >
              {f.name.length > 22 ? `${f.name.slice(0, 21)}…` : f.name}
            </text>
            {bands.map((b, i) => {
              const d = getDisplayValue(b.value, f.config, { baseColor: f.color });
              const bx = nameW + x(b.start);
              const bw = Math.max(2, x(b.end) - x(b.start));
              const text = `${d.prefix ?? ''}${d.text}${d.suffix ?? ''}`;
              const fits = text.length * 7 + 6 < bw && rowH >= 14;
              return (
                <g key={i}>
                  <rect
                    x={bx}
                    y={y + (rowH * (1 - rowFill)) / 2}
                    width={bw}
                    height={rowH * rowFill}
                    fill={d.color}
                    fillOpacity={0.85}
                  >
                    <title>{`${f.name}: ${text} (${formatDateTime(b.start, timeZone)} – ${formatDateTime(b.end, timeZone)})`}</title>
                  </rect>
                  {(showValue === 'always' || (showValue === 'auto' && fits)) && (
                    <text
                      x={bx + 4}
                      y={y + rowH / 2}
                      dominantBaseline="middle"
                      className="kp-state-value"
                    >
                      {text}
                    </text>
                  )}
                </g>
              );
            })}
          </g>
        );
      })}
      {Array.from({ length: ticks + 1 }, (_, i) => (
        <text
          key={`t${i}`}
          x={nameW + (plotW * i) / ticks}
          y={height - 4}
          textAnchor={i === 0 ? 'start' : i === ticks ? 'end' : 'middle'}
          className="kp-axis-label"
        >
          {formatClock(timeRange.from + (span * i) / ticks, timeZone)}
        </text>
      ))}
    </svg>
  );
}
