/** The bar gauge panel: bars per value in basic, gradient or LCD style, horizontal or vertical. */
import type { CSSProperties, ReactElement } from 'react';
import { resolveColor, withAlpha } from './colors.js';
import { activeThreshold } from './display.js';
import { optBool, optString } from './fieldconfig.js';
import { PanelMessage } from './PanelMessage.js';
import type { PanelProps } from './types.js';
import { reducedValues, type ReducedValue } from './values.js';

/** Renders a `bargauge` panel. */
export function BarGaugePanel({ panel, data, width, height }: PanelProps): ReactElement {
  const values = reducedValues(panel, data.series);
  if (values.length === 0) return <PanelMessage kind="info">No data</PanelMessage>;
  const mode = optString(panel.options, 'displayMode', 'gradient');
  const orientation = optString(panel.options, 'orientation', 'auto');
  const vertical =
    orientation === 'vertical' ||
    (orientation === 'auto' && width > height && values.length > 1 && width / values.length < 120);
  const showUnfilled = optBool(panel.options, 'showUnfilled', true);
  return (
    <div className={`kp-bargauge ${vertical ? 'kp-bargauge-v' : 'kp-bargauge-h'}`}>
      {values.map((v, i) => (
        <Bar
          key={`${v.field.index}-${v.calc}-${i}`}
          v={v}
          mode={mode}
          vertical={vertical}
          showUnfilled={showUnfilled}
        />
      ))}
    </div>
  );
}

/** The colour at a value by the field's thresholds. */
function colorAt(v: ReducedValue, x: number): string {
  const t = activeThreshold(x, v.field.config.thresholds, v.min, v.max);
  return t ? resolveColor(t.step.color) : v.display.color;
}

function Bar(props: {
  v: ReducedValue;
  mode: string;
  vertical: boolean;
  showUnfilled: boolean;
}): ReactElement {
  const { v, mode, vertical, showUnfilled } = props;
  const d = v.display;
  const pct = Math.max(0, Math.min(1, d.percent)) * 100;
  const dir = vertical ? 'to top' : 'to right';
  const text = `${d.prefix ?? ''}${d.text}${d.suffix ?? ''}`;
  let fill: ReactElement;
  if (mode === 'lcd') {
    const cells = 20;
    fill = (
      <div className="kp-bar-lcd" style={{ flexDirection: vertical ? 'column-reverse' : 'row' }}>
        {Array.from({ length: cells }, (_, k) => {
          const at = v.min + ((k + 0.5) / cells) * (v.max - v.min);
          const lit = (k + 0.5) / cells <= d.percent;
          const c = colorAt(v, at);
          return <span key={k} style={{ background: lit ? c : withAlpha(c, 0.15) }} />;
        })}
      </div>
    );
  } else {
    let background = d.color;
    if (mode === 'gradient') {
      const steps = v.field.config.thresholds?.steps ?? [];
      const stops =
        steps.length > 1
          ? steps.map((s) => resolveColor(s.color)).slice(0, Math.max(1, d.thresholdIndex + 1))
          : [];
      background =
        stops.length > 1
          ? `linear-gradient(${dir}, ${stops.join(', ')})`
          : `linear-gradient(${dir}, ${withAlpha(d.color, 0.45)}, ${d.color})`;
    }
    const size: CSSProperties = vertical
      ? { height: `${pct}%`, width: '100%' }
      : { width: `${pct}%`, height: '100%' };
    fill = (
      <div
        className="kp-bar-track"
        style={{ background: showUnfilled ? undefined : 'transparent' }}
      >
        <div className="kp-bar-fill" style={{ ...size, background }} />
      </div>
    );
  }
  return (
    <div
      className="kp-bar"
      title={`${v.name}: ${text}`}
      role="meter"
      aria-valuenow={Number.isFinite(d.numeric) ? d.numeric : undefined}
      aria-valuemin={v.min}
      aria-valuemax={v.max}
      aria-label={v.name}
    >
      <div className="kp-bar-name">{v.name}</div>
      {fill}
      <div className="kp-bar-value" style={{ color: d.color }}>
        {text}
      </div>
    </div>
  );
}
