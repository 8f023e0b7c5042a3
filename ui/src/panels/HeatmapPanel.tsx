/**
 * The heatmap panel: per-bucket counts of classic histograms (or values bucketed by range)
 * drawn on a canvas, one row per bucket, one column per time, with a hover readout.
 */
import { type MouseEvent, type ReactElement, useEffect, useMemo, useRef, useState } from 'react';
import { resolveColor } from './colors.js';
import { optObject, optString } from './fieldconfig.js';
import { heatmapFromSeries } from './histogram.js';
import { PanelMessage } from './PanelMessage.js';
import type { PanelProps } from './types.js';
import { formatClock, formatDateTime } from './timefmt.js';
import { formatUnitString } from './units.js';

const LEFT = 64;
const BOTTOM = 20;

/** Colour ramps by Grafana scheme name (low → high). */
const SCHEMES: Readonly<Record<string, readonly string[]>> = {
  Oranges: ['#fff5eb', '#fdae6b', '#e6550d', '#7f2704'],
  Blues: ['#f7fbff', '#9ecae1', '#3182bd', '#08306b'],
  Greens: ['#f7fcf5', '#a1d99b', '#31a354', '#00441b'],
  Reds: ['#fff5f0', '#fc9272', '#de2d26', '#67000d'],
  Purples: ['#fcfbfd', '#bcbddc', '#756bb1', '#3f007d'],
  Greys: ['#ffffff', '#bdbdbd', '#636363', '#000000'],
  Spectral: ['#5e4fa2', '#66c2a5', '#e6f598', '#fdae61', '#d53e4f', '#9e0142'],
  RdYlGn: ['#006837', '#a6d96a', '#ffffbf', '#fdae61', '#a50026'],
  Viridis: ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'],
  Plasma: ['#0d0887', '#7e03a8', '#cc4778', '#f89540', '#f0f921'],
  Turbo: ['#30123b', '#4686fb', '#1ae4b6', '#a2fc3c', '#faba39', '#e4460a', '#7a0403'],
};

function hexRgb(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6})/i.exec(hex);
  const n = m ? parseInt(m[1]!, 16) : 0x888888;
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The colour of t in 0..1 along a ramp. */
function ramp(colors: readonly string[], t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (colors.length - 1);
  const i = Math.min(colors.length - 2, Math.floor(x));
  const a = hexRgb(colors[i]!);
  const b = hexRgb(colors[i + 1]!);
  const f = x - i;
  const c = a.map((v, k) => Math.round(v + (b[k]! - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Renders a `heatmap` panel. */
export function HeatmapPanel({
  panel,
  data,
  width,
  height,
  timeRange,
  timeZone,
}: PanelProps): ReactElement {
  const hm = useMemo(() => heatmapFromSeries(data.series), [data.series]);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<{ t: number; b: number; x: number; y: number } | null>(null);
  const colorOpts = optObject(panel.options, 'color');
  const mode = optString(colorOpts, 'mode', 'scheme');
  const scheme = SCHEMES[optString(colorOpts, 'scheme', 'Oranges')] ?? SCHEMES['Oranges']!;
  const fill = resolveColor(optString(colorOpts, 'fill', 'dark-orange'));
  // Current heatmaps keep the bucket unit in options.yAxis.unit, old ones in yAxis.format.
  const yUnit = optString(
    optObject(panel.options, 'yAxis'),
    'unit',
    optString(optObject(panel, 'yAxis'), 'format', panel.fieldConfig?.defaults?.unit ?? 'short'),
  );
  const plotW = Math.max(10, width - LEFT - 4);
  const plotH = Math.max(10, height - BOTTOM - 4);
  const nb = hm.bounds.length;
  const nt = hm.times.length;
  const span = Math.max(1, timeRange.to - timeRange.from);
  const step = nt > 1 ? hm.times[1]! - hm.times[0]! : span;
  const xOf = (t: number): number => ((t - timeRange.from) / span) * plotW;

  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = plotW * dpr;
    c.height = plotH * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, plotW, plotH);
    const rowH = plotH / Math.max(1, nb);
    const colW = Math.max(1, (step / span) * plotW);
    const [r, g, b] = hexRgb(fill.startsWith('#') ? fill : '#FA6400');
    for (let t = 0; t < nt; t++) {
      const x = xOf(hm.times[t]!) - colW;
      for (let k = 0; k < nb; k++) {
        const v = hm.counts[t * nb + k]!;
        if (!(v > 0)) continue;
        const f = hm.maxCount > 0 ? v / hm.maxCount : 0;
        ctx.fillStyle =
          mode === 'opacity' ? `rgba(${r},${g},${b},${0.1 + 0.9 * f})` : ramp(scheme, f);
        ctx.fillRect(x + 0.5, plotH - (k + 1) * rowH + 0.5, colW - 1, rowH - 1);
      }
    }
  });

  if (nb === 0 || nt === 0) return <PanelMessage kind="info">No data</PanelMessage>;
  const lower = (k: number): number => (k === 0 ? hm.firstLower : hm.bounds[k - 1]!);
  const labelEvery = Math.max(1, Math.ceil(nb / Math.max(1, plotH / 16)));
  const onMove = (e: MouseEvent<HTMLCanvasElement>): void => {
    const rect = e.currentTarget.getBoundingClientRect();
    const px = e.clientX - rect.left;
    const py = e.clientY - rect.top;
    const k = Math.floor((plotH - py) / (plotH / nb));
    const tms = timeRange.from + (px / plotW) * span;
    let t = 0;
    while (t < nt - 1 && hm.times[t]! < tms) t++;
    setHover(k >= 0 && k < nb ? { t, b: k, x: px, y: py } : null);
  };
  const ticks = 4;
  return (
    <div className="kp-heatmap" style={{ width, height }}>
      <div className="kp-heatmap-y" style={{ width: LEFT, height: plotH }}>
        {Array.from(hm.bounds).map((ub, k) =>
          k % labelEvery === 0 ? (
            <span key={k} style={{ bottom: (k + 0.5) * (plotH / nb) - 7 }}>
              {formatUnitString(ub, yUnit)}
            </span>
          ) : null,
        )}
      </div>
      <canvas
        ref={canvas}
        style={{ left: LEFT, width: plotW, height: plotH }}
        role="img"
        aria-label={`Heatmap of ${nb} buckets over ${nt} times`}
        onMouseMove={onMove}
        onMouseLeave={() => {
          setHover(null);
        }}
      />
      <div className="kp-heatmap-x" style={{ left: LEFT, width: plotW, top: plotH + 2 }}>
        {Array.from({ length: ticks + 1 }, (_, i) => (
          <span key={i} style={{ left: `${(i / ticks) * 100}%` }}>
            {formatClock(timeRange.from + (span * i) / ticks, timeZone)}
          </span>
        ))}
      </div>
      {hover && (
        <div className="kp-tooltip" style={{ left: LEFT + hover.x + 12, top: hover.y }}>
          <div className="kp-tooltip-time">{formatDateTime(hm.times[hover.t]!, timeZone)}</div>
          <div>
            {`${formatUnitString(lower(hover.b), yUnit)} – ${formatUnitString(hm.bounds[hover.b], yUnit)}`}
            : <b>{formatUnitString(hm.counts[hover.t * nb + hover.b] ?? NaN, 'short')}</b>
          </div>
        </div>
      )}
    </div>
  );
}
