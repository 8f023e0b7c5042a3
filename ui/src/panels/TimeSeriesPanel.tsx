/**
 * The time series panel: uPlot lines, bars or points with fill and stacking, left and right
 * axes in their units, thresholds as lines or areas, a legend (list or table with reducer
 * values, hover values, click to toggle), a tooltip, and drag to zoom.
 */
import { type ReactElement, useEffect, useMemo, useRef, useState } from 'react';
import 'uplot/dist/uPlot.min.css';
import { optObject, optString, optStrings } from './fieldconfig.js';
import { hiddenFrom, panelFields, type PanelField } from './fields.js';
import { Legend, type LegendItem } from './Legend.js';
import { reduce, REDUCERS } from './reducers.js';
import { alignFields } from './timeseries.js';
import { AnnotationMarkers } from './AnnotationMarkers.js';
import { buildPlot, type Hover, type PlotLayout } from './uplotChart.js';
import type { PanelProps } from './types.js';
import { formatDateTime, ianaZone } from './timefmt.js';
import { formatUnitString } from './units.js';

/** Renders a `timeseries` panel (and legacy `graph` panels converted to it). */
export function TimeSeriesPanel({
  panel,
  data,
  timeRange,
  theme,
  timeZone,
  annotations,
  onTimeRangeChange,
}: PanelProps): ReactElement {
  const fields = useMemo(() => panelFields(panel, data.series), [panel, data.series]);
  const aligned = useMemo(() => alignFields(fields), [fields]);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(() => new Set());
  const [hover, setHover] = useState<Hover | null>(null);
  const [layout, setLayout] = useState<PlotLayout | null>(null);
  const host = useRef<HTMLDivElement>(null);
  const onRange = useRef(onTimeRangeChange);
  useEffect(() => {
    onRange.current = onTimeRangeChange;
  }, [onTimeRangeChange]);

  const legendOpts = optObject(panel.options, 'legend');
  const showLegend =
    legendOpts['showLegend'] !== false && optString(legendOpts, 'displayMode', 'list') !== 'hidden';
  const legendMode = optString(legendOpts, 'displayMode', 'list') === 'table' ? 'table' : 'list';
  const placement = optString(legendOpts, 'placement', 'bottom') === 'right' ? 'right' : 'bottom';
  const calcs = optStrings(legendOpts, 'calcs', []);
  // Grafana sorts the legend by a reducer's display name or by "Name".
  const sortBy = optString(legendOpts, 'sortBy', '');
  const sortCalc =
    sortBy === '' || sortBy === 'Name'
      ? undefined
      : REDUCERS.find((r) => r.name === sortBy || r.id === sortBy)?.id;
  const tooltipMode = optString(optObject(panel.options, 'tooltip'), 'mode', 'single');
  const canZoom = onTimeRangeChange !== undefined;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const plot = buildPlot(el, fields, aligned, hidden, panel.fieldConfig?.defaults ?? {}, {
      from: timeRange.from / 1000,
      to: timeRange.to / 1000,
      canZoom,
      zone: ianaZone(timeZone),
      ...(annotations && annotations.length > 0 ? { annotations } : {}),
      onLayout: setLayout,
      onHover: setHover,
      onSelect: (from, to) => onRange.current?.({ from: from * 1000, to: to * 1000 }),
    });
    const ro = new ResizeObserver(() => {
      plot.setSize({ width: Math.max(50, el.clientWidth), height: Math.max(50, el.clientHeight) });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [
    fields,
    aligned,
    hidden,
    panel.fieldConfig?.defaults,
    timeRange.from,
    timeRange.to,
    canZoom,
    theme,
    timeZone,
    annotations,
  ]);

  const calcKey = calcs.join(',');
  // Reducer values change with the data, not with the cursor: computed once per data.
  const calcValues = useMemo(
    () =>
      fields.map((f) =>
        calcKey === ''
          ? []
          : calcKey.split(',').map((c) => reduce(f.series.values, f.series.timestamps, c)),
      ),
    [fields, calcKey],
  );
  const items: (LegendItem & { sortKey: number })[] = fields
    .filter((f) => !hiddenFrom(f.config, 'legend'))
    .map((f) => {
      const pos = fields.indexOf(f);
      const fmt = (v: number | null | undefined): string =>
        formatUnitString(v ?? null, f.config.unit, f.config.decimals) || '—';
      return {
        index: pos,
        name: f.name,
        color: f.color,
        hidden: hidden.has(pos),
        values: (calcValues[pos] ?? []).map(fmt),
        hover: hover ? fmt(aligned.ys[pos]?.[hover.idx]) : undefined,
        sortKey: sortCalc ? (reduce(f.series.values, f.series.timestamps, sortCalc) ?? NaN) : NaN,
      };
    });
  if (sortBy !== '') {
    const sign = legendOpts['sortDesc'] === true ? -1 : 1;
    items.sort((a, b) =>
      sortCalc
        ? sign *
          (Number.isNaN(a.sortKey) ? 1 : Number.isNaN(b.sortKey) ? -1 : a.sortKey - b.sortKey)
        : sign * a.name.localeCompare(b.name, undefined, { numeric: true }),
    );
  }

  const toggle = (index: number, isolate: boolean): void => {
    setHidden((prev) => {
      if (isolate) {
        const onlyThis = fields.every((_, i) => (i === index ? !prev.has(i) : prev.has(i)));
        return onlyThis ? new Set() : new Set(fields.map((_, i) => i).filter((i) => i !== index));
      }
      const next = new Set(prev);
      if (next.has(index)) next.delete(index);
      else next.add(index);
      return next;
    });
  };

  return (
    <div className={`kp-timeseries kp-legend-at-${placement}`}>
      <div className="kp-chart-wrap">
        <div
          className="kp-chart"
          ref={host}
          role="img"
          aria-label={`${panel.title ?? 'Time series'}: ${fields.length} series${canZoom ? '; drag to zoom' : ''}`}
        />
        {layout && annotations && annotations.length > 0 && (
          <AnnotationMarkers events={annotations} layout={layout} timeZone={timeZone} />
        )}
        {hover && tooltipMode !== 'none' && (
          <Tooltip
            fields={fields}
            aligned={aligned}
            hover={hover}
            hidden={hidden}
            single={tooltipMode === 'single'}
            timeZone={timeZone}
          />
        )}
      </div>
      {showLegend && items.length > 0 && (
        <Legend
          items={items}
          mode={legendMode}
          calcs={calcs}
          placement={placement}
          onToggle={toggle}
        />
      )}
    </div>
  );
}

function Tooltip(props: {
  fields: PanelField[];
  aligned: ReturnType<typeof alignFields>;
  hover: Hover;
  hidden: ReadonlySet<number>;
  single: boolean;
  timeZone: string | undefined;
}): ReactElement | null {
  const { fields, aligned, hover, hidden, single } = props;
  const x = aligned.xs[hover.idx];
  if (x === undefined) return null;
  let rows = fields
    .map((f, i) => ({ f, v: aligned.ys[i]?.[hover.idx] ?? null, i }))
    .filter((r) => !hidden.has(r.i) && !hiddenFrom(r.f.config, 'tooltip') && r.v !== null);
  // Single mode shows the series nearest to the cursor.
  if (single && rows.length > 1)
    rows = rows
      .slice()
      .sort((a, b) => Math.abs((a.v ?? 0) - hover.y) - Math.abs((b.v ?? 0) - hover.y))
      .slice(0, 1);
  if (rows.length > 12)
    rows = rows
      .slice()
      .sort((a, b) => (b.v ?? 0) - (a.v ?? 0))
      .slice(0, 12);
  const style = { left: hover.left + 16, top: Math.max(0, hover.top - 10) };
  return (
    <div className="kp-tooltip" style={style} role="tooltip">
      <div className="kp-tooltip-time">{formatDateTime(x * 1000, props.timeZone)}</div>
      {rows.map((r) => (
        <div key={r.i} className="kp-tooltip-row">
          <span className="kp-legend-marker" style={{ background: r.f.color }} />
          <span className="kp-tooltip-name">{r.f.name}</span>
          <b>{formatUnitString(r.v, r.f.config.unit, r.f.config.decimals)}</b>
        </div>
      ))}
    </div>
  );
}
