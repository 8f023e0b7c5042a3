/**
 * The graph view: uPlot with a legend that shows values under the cursor, series toggled by
 * clicking their legend entry, drag to zoom (double-click resets).
 */
import { type ReactElement, useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import type { RangeSeries } from '../api/types.js';
import type { Theme } from '../theme.js';
import { formatDateTime, timeAxisLabels } from '../time/format.js';
import { ianaZone } from '../time/zone.js';
import { formatMetric, formatValue } from './format.js';

/** Props of the graph. */
export interface GraphProps {
  readonly series: readonly RangeSeries[];
  /** The queried range in seconds; the x axis shows all of it until the user zooms. */
  readonly start: number;
  readonly end: number;
  readonly theme: Theme;
  /** The zone of the time axis and legend: `browser` (default), `utc` or an IANA name. */
  readonly timeZone?: string;
}

const PALETTE = [
  '#2f6fdb',
  '#e8710a',
  '#1e8e3e',
  '#d93025',
  '#9334e6',
  '#12b5cb',
  '#e52592',
  '#7cb342',
  '#f9ab00',
  '#5f6368',
];

/** Puts every series on one shared, sorted time axis; missing points become null (gaps). */
export function alignSeries(series: readonly RangeSeries[]): uPlot.AlignedData {
  const ts = new Set<number>();
  for (const s of series) for (const t of s.times) ts.add(t);
  const xs = [...ts].sort((a, b) => a - b);
  const index = new Map<number, number>();
  xs.forEach((t, i) => index.set(t, i));
  const ys = series.map((s) => {
    const col = new Array<number | null>(xs.length).fill(null);
    for (let i = 0; i < s.times.length; i++) {
      const v = s.values[i]!;
      const at = index.get(s.times[i]!);
      if (at !== undefined) col[at] = Number.isFinite(v) ? v : null;
    }
    return col;
  });
  return [xs, ...ys];
}

/** The uPlot chart; re-created when the series or the theme change, resized with its box. */
export function Graph({ series, start, end, theme, timeZone }: GraphProps): ReactElement {
  const host = useRef<HTMLDivElement>(null);
  const data = useMemo(() => alignSeries(series), [series]);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const zone = ianaZone(timeZone);
    // Capture-phase listeners run before uPlot's own, so the range function sees the intent.
    let zoomed = false;
    const onDown = (): void => {
      zoomed = true;
    };
    const onDouble = (): void => {
      zoomed = false;
    };
    el.addEventListener('mousedown', onDown, true);
    el.addEventListener('dblclick', onDouble, true);
    const css = getComputedStyle(document.documentElement);
    const fg = css.getPropertyValue('--muted').trim() || '#666';
    const grid = css.getPropertyValue('--grid').trim() || '#ddd';
    const axis: uPlot.Axis = {
      stroke: fg,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
    };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: 320,
      cursor: { drag: { x: true, y: false, setScale: true } },
      legend: { show: true, live: true },
      scales: {
        x: {
          time: true,
          // Show the whole queried range until the user drags to zoom; a double-click resets.
          range: (_u, min, max) => (zoomed ? [min, max] : [start, end]),
        },
      },
      ...(zone ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), zone) } : {}),
      axes: [
        {
          ...axis,
          values: (_u, splits) => {
            const labels = timeAxisLabels(
              splits.map((s) => s * 1000),
              timeZone,
            );
            // Drawn on the canvas; the attribute lets tests and tools read them.
            el.dataset['xTicks'] = labels.join('|');
            return labels;
          },
        },
        { ...axis, size: 60, values: (_u, vals) => vals.map((v) => formatValue(v)) },
      ],
      series: [
        {
          value: (_u: uPlot, v: number | null) =>
            v === null ? '' : formatDateTime(v * 1000, timeZone),
        },
        ...series.map((s, i) => ({
          label: formatMetric(s.metric),
          stroke: PALETTE[i % PALETTE.length]!,
          width: 1.5,
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => formatValue(v),
        })),
      ],
    };
    const plot = new uPlot(opts, data, el);
    makeLegendKeyboardAccessible(plot, el);
    const ro = new ResizeObserver(() => {
      plot.setSize({ width: Math.max(200, el.clientWidth), height: 320 });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      el.removeEventListener('mousedown', onDown, true);
      el.removeEventListener('dblclick', onDouble, true);
      plot.destroy();
    };
  }, [data, series, start, end, theme, timeZone]);

  return (
    <div
      className="graph"
      ref={host}
      role="img"
      aria-label={`Graph of ${series.length} series; drag to zoom, double-click to reset, click a legend entry to toggle its series`}
    />
  );
}

/** Lets legend entries be focused with Tab and toggled with Enter or Space. */
function makeLegendKeyboardAccessible(plot: uPlot, el: HTMLElement): void {
  const rows = el.querySelectorAll<HTMLElement>('.u-legend .u-series');
  rows.forEach((row, i) => {
    if (i === 0) return; // the time column
    const sync = (): void => {
      row.setAttribute('aria-pressed', String(plot.series[i]?.show !== false));
    };
    row.tabIndex = 0;
    row.setAttribute('role', 'button');
    sync();
    row.addEventListener('click', sync);
    row.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      plot.setSeries(i, { show: plot.series[i]?.show === false });
      sync();
    });
  });
}
