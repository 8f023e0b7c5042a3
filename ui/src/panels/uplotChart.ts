/**
 * The uPlot chart of the time series panel: series paths by draw style, stacking bands, left
 * and right axes in their units, thresholds painted as lines or areas, cursor and drag-select
 * reported through callbacks. DOM code without React.
 */
import uPlot from 'uplot';
import { drawSettings, thresholdsStyle, tickLabels } from './chartopts.js';
import { resolveColor, withAlpha } from './colors.js';
import type { PanelField } from './fields.js';
import type { PanelAnnotation } from './types.js';
import { timeAxisLabels } from './timefmt.js';
import { type AlignedSeries, stackingOf, stackSeries } from './timeseries.js';

/** The cursor position over the chart. */
export interface Hover {
  idx: number;
  left: number;
  top: number;
  /** The left axis value under the cursor. */
  y: number;
}

/** The plot area in CSS pixels and the x scale it shows (seconds). */
export interface PlotLayout {
  left: number;
  top: number;
  width: number;
  height: number;
  min: number;
  max: number;
}

/** What the chart reports back and how its x axis is set up. */
export interface PlotCallbacks {
  from: number;
  to: number;
  canZoom: boolean;
  zone: string | undefined;
  /** Annotation events drawn as lines (points) and shaded regions. */
  annotations?: readonly PanelAnnotation[];
  onLayout?: (l: PlotLayout) => void;
  onHover: (h: Hover | null) => void;
  onSelect: (from: number, to: number) => void;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** Builds the uPlot chart of the fields inside `el`; the caller destroys it. */
export function buildPlot(
  el: HTMLElement,
  fields: readonly PanelField[],
  aligned: AlignedSeries,
  hidden: ReadonlySet<number>,
  defaults: PanelField['config'],
  cb: PlotCallbacks,
): uPlot {
  const fg = cssVar('--muted', '#666');
  const grid = cssVar('--grid', '#ddd');
  const draws = fields.map((f) => drawSettings(f.config));
  const stacking = fields.map((f) => stackingOf(f.config.custom));
  const show = fields.map((_, i) => !hidden.has(i));
  const raw = aligned.ys.map((col, i) =>
    draws[i]?.negativeY ? col.map((v) => (v === null ? null : -v)) : col,
  );
  const stacked = stackSeries(
    raw,
    stacking.map((s) => s.mode),
    stacking.map((s) => s.group),
    show,
  );
  const percent = stacking.some((s) => s.mode === 'percent');
  const left = fields.find((_, i) => draws[i]?.axis !== 'right');
  const right = fields.find((_, i) => draws[i]?.axis === 'right');
  const scaleOf = (i: number): string => (draws[i]?.axis === 'right' ? 'y2' : 'y');
  const axisFor = (f: PanelField | undefined, side: 1 | 3, scale: string): uPlot.Axis => ({
    scale,
    // uPlot declares sides as a const enum, which isolated modules cannot reference.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
    side,
    stroke: fg,
    grid: { show: side === 3, stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
    show: f !== undefined && draws[fields.indexOf(f)]?.axis !== 'hidden',
    values: (_u, splits) =>
      tickLabels(splits, percent ? 'percentunit' : f?.config.unit, f?.config.decimals),
    size: (_u, values) =>
      Math.max(
        30,
        Math.max(0, ...((values as string[] | undefined) ?? []).map((v) => v.length)) * 7.5 + 20,
      ),
  });
  const yScale = (f: PanelField | undefined): uPlot.Scale => {
    const d = f ? drawSettings(f.config) : undefined;
    const min = f?.config.min ?? null;
    const max = f?.config.max ?? null;
    const soft = f?.config.custom ?? {};
    const smin = typeof soft['axisSoftMin'] === 'number' ? soft['axisSoftMin'] : null;
    const smax = typeof soft['axisSoftMax'] === 'number' ? soft['axisSoftMax'] : null;
    return {
      // 3 is uPlot's log distribution (a const enum, as for sides).
      // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
      ...(d && d.log > 1 ? { distr: 3, log: d.log === 2 ? (2 as const) : (10 as const) } : {}),
      range: (_u, dmin, dmax): uPlot.Range.MinMax => {
        if (percent) return [0, 1];
        let lo = min ?? (smin !== null ? Math.min(smin, dmin) : dmin);
        let hi = max ?? (smax !== null ? Math.max(smax, dmax) : dmax);
        if (lo === hi) {
          lo = lo - 1;
          hi = hi + 1;
        }
        const [a, b] = uPlot.rangeNum(lo, hi, 0.1, true);
        return [min ?? a, max ?? b];
      },
    };
  };
  const bands: uPlot.Band[] = [];
  const series: uPlot.Series[] = [{}];
  fields.forEach((f, i) => {
    const d = draws[i]!;
    const fillAlpha = d.style === 'bars' && d.fillOpacity === 0 ? 0.8 : d.fillOpacity;
    const fill = fillAlpha > 0 ? withAlpha(f.color, fillAlpha) : undefined;
    const below = stacked.below[i] ?? -1;
    if (below >= 0 && fill) bands.push({ series: [i + 1, below + 1], fill });
    const paths = pathsFor(d.style, d.interpolation);
    series.push({
      label: f.name,
      scale: scaleOf(i),
      stroke: f.color,
      width: d.style === 'points' ? 0 : d.lineWidth,
      show: show[i] ?? true,
      spanGaps: d.spanNulls,
      ...(d.dashed ? { dash: [10, 10] } : {}),
      ...(fill && below < 0 ? { fill } : {}),
      ...(paths ? { paths } : {}),
      points: {
        // 'auto' leaves it to uPlot, which shows points when they are far enough apart.
        ...(d.style === 'points' || d.showPoints === 'always'
          ? { show: true }
          : d.showPoints === 'never'
            ? { show: false }
            : {}),
        size: d.style === 'points' ? Math.max(d.pointSize, 4) : d.pointSize,
        fill: f.color,
      },
    });
  });
  const th = thresholdsStyle(defaults);
  const steps = defaults.thresholds?.steps ?? [];
  const drawThresholds = (u: uPlot, what: 'line' | 'area'): void => {
    if (steps.length === 0) return;
    // Percentage steps are shares of the left axis' visible range.
    const smin = u.scales['y']?.min ?? 0;
    const smax = u.scales['y']?.max ?? 100;
    const pct = defaults.thresholds?.mode === 'percentage';
    const at = (v: number): number => (pct ? smin + ((smax - smin) * v) / 100 : v);
    const ctx = u.ctx;
    const { left: x0, width, top, height } = u.bbox;
    ctx.save();
    steps.forEach((s, k) => {
      const from = s.value === null ? -Infinity : at(s.value);
      const next = steps[k + 1]?.value;
      const to = next === undefined || next === null ? Infinity : at(next);
      const color = resolveColor(s.color);
      const yFrom = Number.isFinite(from) ? u.valToPos(from, 'y', true) : top + height;
      const yTo = Number.isFinite(to) ? u.valToPos(to, 'y', true) : top;
      const y0 = Math.min(top + height, Math.max(top, yTo));
      const y1 = Math.min(top + height, Math.max(top, yFrom));
      if (what === 'area' && y1 > y0) {
        ctx.fillStyle = withAlpha(color, 0.15);
        ctx.fillRect(x0, y0, width, y1 - y0);
      } else if (what === 'line' && s.value !== null && y1 > top && y1 < top + height) {
        ctx.strokeStyle = color;
        ctx.lineWidth = 1 * devicePixelRatio;
        ctx.setLineDash(th.dashed ? [8, 6] : []);
        ctx.beginPath();
        ctx.moveTo(x0, y1);
        ctx.lineTo(x0 + width, y1);
        ctx.stroke();
      }
    });
    ctx.restore();
  };
  const drawAnnotations = (u: uPlot): void => {
    const list = cb.annotations ?? [];
    if (list.length === 0) return;
    const ctx = u.ctx;
    const { left: x0, top, width, height } = u.bbox;
    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, top, width, height);
    ctx.clip();
    for (const a of list) {
      const xa = u.valToPos(a.time / 1000, 'x', true);
      const xb = u.valToPos(a.timeEnd / 1000, 'x', true);
      const color = resolveColor(a.color);
      if (xb - xa >= 1) {
        ctx.fillStyle = withAlpha(color, 0.12);
        ctx.fillRect(xa, top, xb - xa, height);
      }
      ctx.strokeStyle = color;
      ctx.lineWidth = 1 * devicePixelRatio;
      ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
      for (const x of xb - xa >= 1 ? [xa, xb] : [xa]) {
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
      }
    }
    ctx.restore();
  };
  const layout = (u: uPlot): void => {
    const r = uPlot.pxRatio || 1;
    cb.onLayout?.({
      left: u.bbox.left / r,
      top: u.bbox.top / r,
      width: u.bbox.width / r,
      height: u.bbox.height / r,
      min: u.scales['x']?.min ?? cb.from,
      max: u.scales['x']?.max ?? cb.to,
    });
  };
  let zoomed = false;
  const opts: uPlot.Options = {
    width: Math.max(50, el.clientWidth),
    height: Math.max(50, el.clientHeight),
    legend: { show: false },
    ...(cb.zone
      ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), cb.zone ?? 'UTC') }
      : {}),
    cursor: { drag: { x: true, y: false, setScale: !cb.canZoom }, points: { size: 6 } },
    scales: {
      x: { time: true, range: (_u, min, max) => (zoomed ? [min, max] : [cb.from, cb.to]) },
      y: yScale(left),
      y2: yScale(right),
    },
    axes: [
      {
        stroke: fg,
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid, width: 1 },
        values: (_u, splits) => {
          const labels = timeAxisLabels(
            splits.map((s) => s * 1000),
            cb.zone,
          );
          // The labels are drawn on the canvas; the attribute lets tests and tools read them.
          el.dataset['xTicks'] = labels.join('|');
          return labels;
        },
      },
      axisFor(left, 3, 'y'),
      ...(right ? [axisFor(right, 1, 'y2')] : []),
    ],
    series,
    bands,
    hooks: {
      drawAxes: [
        (u) => {
          if (th.area) drawThresholds(u, 'area');
        },
      ],
      draw: [
        (u) => {
          if (th.line) drawThresholds(u, 'line');
          drawAnnotations(u);
        },
      ],
      ready: [layout],
      setSize: [layout],
      setScale: [
        (u, key) => {
          if (key === 'x') layout(u);
        },
      ],
      setCursor: [
        (u) => {
          const idx = u.cursor.idx;
          const l = u.cursor.left ?? -1;
          cb.onHover(
            idx === null || idx === undefined || l < 0
              ? null
              : { idx, left: l, top: u.cursor.top ?? 0, y: u.posToVal(u.cursor.top ?? 0, 'y') },
          );
        },
      ],
      setSelect: [
        (u) => {
          if (!cb.canZoom || u.select.width < 3) return;
          const from = u.posToVal(u.select.left, 'x');
          const to = u.posToVal(u.select.left + u.select.width, 'x');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          cb.onSelect(from, to);
        },
      ],
    },
  };
  if (!cb.canZoom) {
    el.addEventListener(
      'mousedown',
      () => {
        zoomed = true;
      },
      { capture: true },
    );
    el.addEventListener(
      'dblclick',
      () => {
        zoomed = false;
      },
      { capture: true },
    );
  }
  const plotData: uPlot.AlignedData = [aligned.xs, ...stacked.ys];
  return new uPlot(opts, plotData, el);
}

function pathsFor(
  style: 'line' | 'bars' | 'points',
  interp: string,
): uPlot.Series.PathBuilder | undefined {
  const p = uPlot.paths;
  if (style === 'bars') return p.bars?.({ size: [0.6, 100] });
  if (style === 'points') return () => null;
  if (interp === 'smooth') return p.spline?.();
  if (interp === 'stepBefore') return p.stepped?.({ align: -1 });
  if (interp === 'stepAfter') return p.stepped?.({ align: 1 });
  return undefined;
}
