/** The pie chart panel: slices of reduced values (pie or donut) with a legend of values and shares. */
import { type ReactElement, useState } from 'react';
import { optObject, optString, optStrings } from './fieldconfig.js';
import { PanelMessage } from './PanelMessage.js';
import type { PanelProps } from './types.js';
import { reducedValues } from './values.js';

function slice(r: number, inner: number, a0: number, a1: number): string {
  const p = (rad: number, a: number): string =>
    `${(rad * Math.sin(a)).toFixed(3)},${(-rad * Math.cos(a)).toFixed(3)}`;
  const large = a1 - a0 > Math.PI ? 1 : 0;
  if (a1 - a0 >= Math.PI * 2 - 1e-6) a1 = a0 + Math.PI * 2 - 1e-4;
  const outer = `M${p(r, a0)}A${r},${r} 0 ${large} 1 ${p(r, a1)}`;
  if (inner <= 0) return `${outer}L0,0Z`;
  return `${outer}L${p(inner, a1)}A${inner},${inner} 0 ${large} 0 ${p(inner, a0)}Z`;
}

/** Renders a `piechart` panel (and legacy `grafana-piechart-panel`). */
export function PieChartPanel({ panel, data, width, height }: PanelProps): ReactElement {
  const [hidden, setHidden] = useState<ReadonlySet<number>>(() => new Set());
  const toggle = (i: number): void => {
    setHidden((h) => {
      const n = new Set(h);
      if (n.has(i)) n.delete(i);
      else n.add(i);
      return n;
    });
  };
  const values = reducedValues(panel, data.series).filter((v) => v.value !== null && v.value > 0);
  if (values.length === 0) return <PanelMessage kind="info">No data</PanelMessage>;
  const pieType = optString(
    panel.options,
    'pieType',
    typeof panel['pieType'] === 'string' ? panel['pieType'] : 'pie',
  );
  const legend = optObject(panel.options, 'legend');
  const showLegend =
    legend['showLegend'] !== false && optString(legend, 'displayMode', 'list') !== 'hidden';
  const legendValues = optStrings(legend, 'values', ['percent']);
  const shown = values.filter((_, i) => !hidden.has(i));
  const total = shown.reduce((s, v) => s + (v.value ?? 0), 0) || 1;
  const legendW = showLegend ? Math.min(width * 0.45, 220) : 0;
  const size = Math.max(20, Math.min(width - legendW, height) - 8);
  let angle = 0;
  return (
    <div className="kp-pie">
      <svg
        viewBox="-52 -52 104 104"
        width={size}
        height={size}
        role="img"
        aria-label={`Pie chart of ${values.length} values`}
      >
        {values.map((v, i) => {
          if (hidden.has(i)) return null;
          const a0 = angle;
          angle += ((v.value ?? 0) / total) * Math.PI * 2;
          const text = `${v.display.prefix ?? ''}${v.display.text}${v.display.suffix ?? ''}`;
          return (
            <path
              key={i}
              d={slice(50, pieType === 'donut' ? 30 : 0, a0, angle)}
              fill={v.field.color}
              stroke="var(--bg)"
              strokeWidth={0.5}
            >
              <title>{`${v.name}: ${text} (${(((v.value ?? 0) / total) * 100).toFixed(1)}%)`}</title>
            </path>
          );
        })}
      </svg>
      {showLegend && (
        <ul className="kp-legend kp-legend-list kp-legend-right" style={{ maxWidth: legendW }}>
          {values.map((v, i) => (
            <li
              key={i}
              className={hidden.has(i) ? 'kp-legend-hidden' : undefined}
              tabIndex={0}
              role="button"
              aria-pressed={!hidden.has(i)}
              onClick={() => {
                toggle(i);
              }}
              onKeyDown={(e) => {
                if (e.key !== 'Enter' && e.key !== ' ') return;
                e.preventDefault();
                toggle(i);
              }}
            >
              <span
                className="kp-legend-marker"
                style={{ background: v.field.color }}
                aria-hidden="true"
              />
              <span className="kp-legend-name">{v.name}</span>
              {legendValues.includes('value') && (
                <span className="kp-legend-calc">{`${v.display.prefix ?? ''}${v.display.text}${v.display.suffix ?? ''}`}</span>
              )}
              {legendValues.includes('percent') && !hidden.has(i) && (
                <span className="kp-legend-calc">{`${(((v.value ?? 0) / total) * 100).toFixed(1)}%`}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
