/** The stat panel: big reduced values coloured by thresholds, with an optional sparkline. */
import type { ReactElement } from 'react';
import { withAlpha } from './colors.js';
import { optString } from './fieldconfig.js';
import type { PanelProps } from './types.js';
import { fitFontSize, layoutDirection, reducedValues, type ReducedValue } from './values.js';
import { PanelMessage } from './PanelMessage.js';

/** Renders a `stat` panel (and legacy `singlestat` panels converted to it). */
export function StatPanel({ panel, data, width, height }: PanelProps): ReactElement {
  const values = reducedValues(panel, data.series);
  if (values.length === 0) return <PanelMessage kind="info">No data</PanelMessage>;
  const o = panel.options;
  const colorMode = optString(o, 'colorMode', 'value');
  const graphMode = optString(o, 'graphMode', 'area');
  const textMode = optString(o, 'textMode', 'auto');
  const dir = layoutDirection(optString(o, 'orientation', 'auto'), width, height);
  const n = values.length;
  const cellW = dir === 'row' ? width / n : width;
  const cellH = dir === 'column' ? height / n : height;
  return (
    <div className="kp-stat-grid" style={{ flexDirection: dir }}>
      {values.map((v, i) => (
        <StatCell
          key={`${v.field.index}-${v.calc}-${i}`}
          v={v}
          width={cellW}
          height={cellH}
          colorMode={colorMode}
          graph={graphMode !== 'none' && v.field.series.values.length > 1}
          showName={
            textMode === 'name' || textMode === 'value_and_name' || (textMode === 'auto' && n > 1)
          }
          showValue={textMode !== 'name' && textMode !== 'none'}
        />
      ))}
    </div>
  );
}

function StatCell(props: {
  v: ReducedValue;
  width: number;
  height: number;
  colorMode: string;
  graph: boolean;
  showName: boolean;
  showValue: boolean;
}): ReactElement {
  const { v, width, height, colorMode, graph, showName, showValue } = props;
  const d = v.display;
  const bg = colorMode === 'background' || colorMode === 'background_solid';
  const style = bg
    ? {
        background:
          colorMode === 'background_solid'
            ? d.color
            : `linear-gradient(120deg, ${d.color}, ${withAlpha(d.color, 0.75)})`,
        color: '#fff',
      }
    : {};
  const valueText = `${d.prefix ?? ''}${d.text}${d.suffix ?? ''}`;
  const textH = graph ? height * 0.55 : height;
  const nameSize = showName ? Math.max(10, Math.min(18, textH * 0.18)) : 0;
  const valueSize = fitFontSize(valueText.length, width - 16, textH - nameSize * 1.6);
  return (
    <div className="kp-stat" style={style} title={`${v.name}: ${valueText}`}>
      {showName && (
        <div className="kp-stat-name" style={{ fontSize: nameSize }}>
          {v.name}
        </div>
      )}
      {showValue && (
        <div
          className="kp-stat-value"
          style={{ fontSize: valueSize, color: colorMode === 'value' ? d.color : undefined }}
        >
          {d.prefix}
          {d.text}
          {d.suffix && <span className="kp-stat-suffix">{d.suffix}</span>}
        </div>
      )}
      {graph && <Sparkline v={v} color={bg ? 'rgba(255,255,255,0.6)' : d.color} />}
    </div>
  );
}

/** A small area chart of the series behind a stat value. */
export function Sparkline({ v, color }: { v: ReducedValue; color: string }): ReactElement | null {
  const { timestamps, values } = v.field.series;
  const n = values.length;
  if (n < 2) return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const y = values[i]!;
    if (!Number.isFinite(y)) continue;
    if (y < lo) lo = y;
    if (y > hi) hi = y;
  }
  if (!Number.isFinite(lo)) return null;
  if (hi === lo) hi = lo + 1;
  const t0 = timestamps[0]!;
  const span = timestamps[n - 1]! - t0 || 1;
  let d = '';
  let first = true;
  for (let i = 0; i < n; i++) {
    const y = values[i]!;
    if (!Number.isFinite(y)) continue;
    const x = ((timestamps[i]! - t0) / span) * 100;
    const yy = 100 - ((y - lo) / (hi - lo)) * 95;
    d += `${first ? 'M' : 'L'}${x.toFixed(2)},${yy.toFixed(2)}`;
    first = false;
  }
  return (
    <svg
      className="kp-sparkline"
      viewBox="0 0 100 100"
      preserveAspectRatio="none"
      aria-hidden="true"
    >
      <path d={`${d}L100,100L0,100Z`} fill={withAlpha(color, 0.2)} stroke="none" />
      <path d={d} fill="none" stroke={color} strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
    </svg>
  );
}
