/** The gauge panel: SVG arcs with the value, threshold markers and optional threshold labels. */
import type { ReactElement } from 'react';
import { resolveColor } from './colors.js';
import { optBool, optString } from './fieldconfig.js';
import { PanelMessage } from './PanelMessage.js';
import type { PanelProps } from './types.js';
import { formatUnitString } from './units.js';
import { fitFontSize, layoutDirection, reducedValues, type ReducedValue } from './values.js';

const START = (-120 * Math.PI) / 180;
const SWEEP = (240 * Math.PI) / 180;

/** An SVG arc path on a circle around (0,0) between fractions a..b of the sweep. */
function arc(r: number, a: number, b: number): string {
  const p = (f: number): string => {
    const t = START + SWEEP * f;
    return `${(r * Math.sin(t)).toFixed(3)},${(-r * Math.cos(t)).toFixed(3)}`;
  };
  const large = (b - a) * SWEEP > Math.PI ? 1 : 0;
  return `M${p(a)}A${r},${r} 0 ${large} 1 ${p(b)}`;
}

/** Renders a `gauge` panel. */
export function GaugePanel({ panel, data, width, height }: PanelProps): ReactElement {
  const values = reducedValues(panel, data.series);
  if (values.length === 0) return <PanelMessage kind="info">No data</PanelMessage>;
  const markers = optBool(panel.options, 'showThresholdMarkers', true);
  const labels = optBool(panel.options, 'showThresholdLabels', false);
  const dir = layoutDirection(optString(panel.options, 'orientation', 'auto'), width, height);
  const n = values.length;
  const w = dir === 'row' ? width / n : width;
  const h = dir === 'column' ? height / n : height;
  return (
    <div className="kp-stat-grid" style={{ flexDirection: dir }}>
      {values.map((v, i) => (
        <Gauge
          key={`${v.field.index}-${v.calc}-${i}`}
          v={v}
          width={w}
          height={h}
          markers={markers}
          labels={labels}
          showName={n > 1}
        />
      ))}
    </div>
  );
}

function Gauge(props: {
  v: ReducedValue;
  width: number;
  height: number;
  markers: boolean;
  labels: boolean;
  showName: boolean;
}): ReactElement {
  const { v, width, height, markers, labels, showName } = props;
  const d = v.display;
  const nameH = showName ? Math.min(20, height * 0.15) : 0;
  const size = Math.max(20, Math.min(width, (height - nameH) * 1.15));
  const text = `${d.prefix ?? ''}${d.text}${d.suffix ?? ''}`;
  const span = v.max - v.min;
  const frac = (x: number): number => Math.min(1, Math.max(0, (x - v.min) / span));
  const steps = v.field.config.thresholds?.steps ?? [];
  const pct = v.field.config.thresholds?.mode === 'percentage';
  const stepValue = (x: number | null, first: boolean): number =>
    first || x === null ? v.min : pct ? v.min + (x / 100) * span : x;
  const fontSize = fitFontSize(text.length, 72, 26, 30);
  return (
    <div className="kp-gauge" title={`${v.name}: ${text}`}>
      <svg
        viewBox="-60 -60 120 100"
        width={size}
        height={(size * 100) / 120}
        role="img"
        aria-label={`${v.name}: ${text}`}
      >
        <path d={arc(44, 0, 1)} className="kp-gauge-track" strokeWidth={10} fill="none" />
        {Number.isFinite(d.numeric) && (
          <path
            d={arc(44, 0, Math.max(0.002, d.percent))}
            stroke={d.color}
            strokeWidth={10}
            fill="none"
          />
        )}
        {markers &&
          steps.map((s, k) => {
            const a = frac(stepValue(s.value, k === 0));
            const next = steps[k + 1];
            const b = next ? frac(stepValue(next.value, false)) : 1;
            return b > a ? (
              <path
                key={k}
                d={arc(53, a, b)}
                stroke={resolveColor(s.color)}
                strokeWidth={4}
                fill="none"
              />
            ) : null;
          })}
        {labels &&
          steps.slice(1).map((s, k) => {
            const x = stepValue(s.value, false);
            const t = START + SWEEP * frac(x);
            return (
              <text
                key={k}
                x={58 * Math.sin(t)}
                y={-58 * Math.cos(t)}
                className="kp-gauge-label"
                fontSize={6}
                textAnchor="middle"
              >
                {formatUnitString(x, v.field.config.unit, v.field.config.decimals)}
              </text>
            );
          })}
        <text
          x={0}
          y={8}
          textAnchor="middle"
          fontSize={fontSize}
          fill={d.color}
          className="kp-gauge-value"
        >
          {text}
        </text>
      </svg>
      {showName && (
        <div className="kp-stat-name" style={{ fontSize: Math.max(10, nameH * 0.7) }}>
          {v.name}
        </div>
      )}
    </div>
  );
}
