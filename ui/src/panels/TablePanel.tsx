/**
 * The table panel: one row per series (labels as columns, a value column per query) or one
 * row per sample; sortable columns, units, mappings, threshold colours and cell gauges per
 * column through the field config and its overrides.
 */
import { type ReactElement, useMemo, useState } from 'react';
import { withAlpha } from './colors.js';
import { getDisplayValue } from './display.js';
import { displayName, fieldConfigFor, optBool, optString } from './fieldconfig.js';
import { hiddenFrom } from './fields.js';
import { PanelMessage } from './PanelMessage.js';
import { reduce, reducerName } from './reducers.js';
import { buildTable, compareCells, type TableCell, type TableColumn } from './table.js';
import { formatDateTime } from './timefmt.js';
import { applyTransforms } from './transforms.js';
import type { FieldConfig, PanelProps } from './types.js';

const PAGE = 500;

interface Column {
  col: TableColumn;
  /** Position of the column's cells in a row. */
  at: number;
  config: FieldConfig;
  name: string;
}

function cellType(config: FieldConfig): string {
  const c = config.custom ?? {};
  const opts = c['cellOptions'];
  if (typeof opts === 'object' && opts !== null) {
    const t = (opts as Record<string, unknown>)['type'];
    if (typeof t === 'string') return t;
  }
  return typeof c['displayMode'] === 'string' ? c['displayMode'] : 'auto';
}

/** Renders a `table` panel (and legacy `table-old` panels). */
export function TablePanel({ panel, data, timeZone }: PanelProps): ReactElement {
  const { table, skipped } = useMemo(
    () => applyTransforms(buildTable(panel, data.series), panel),
    [panel, data.series],
  );
  const columns: Column[] = useMemo(
    () =>
      table.columns
        .map((col, at) => {
          const id = { name: col.name, refId: col.refId ?? '', labels: {}, aliases: [col.key] };
          const config = fieldConfigFor(panel.fieldConfig, id);
          return { col, at, config, name: displayName(config, id) };
        })
        .filter((c) => !hiddenFrom(c.config, 'viz') && c.config.custom?.['hidden'] !== true),
    [table, panel.fieldConfig],
  );
  const initial = Array.isArray(panel.options?.['sortBy'])
    ? (panel.options['sortBy'] as unknown[])[0]
    : undefined;
  const initialSort =
    typeof initial === 'object' && initial !== null
      ? {
          name: optString(initial as Record<string, unknown>, 'displayName', ''),
          desc: optBool(initial as Record<string, unknown>, 'desc', false),
        }
      : null;
  const footer = footerCalc(panel);
  const [sort, setSort] = useState<{ name: string; desc: boolean } | null>(initialSort);
  const [limit, setLimit] = useState(PAGE);
  const rows = useMemo(() => {
    const c = sort ? columns.find((x) => x.name === sort.name) : undefined;
    if (!c || !sort) return table.rows;
    const sign = sort.desc ? -1 : 1;
    return table.rows.slice().sort((a, b) => sign * compareCells(a[c.at], b[c.at]));
  }, [table, columns, sort]);
  if (table.rows.length === 0) return <PanelMessage kind="info">No data</PanelMessage>;
  const showHeader = optBool(panel.options, 'showHeader', true);
  const clickSort = (name: string): void => {
    setSort((s) =>
      s?.name !== name ? { name, desc: false } : s.desc ? null : { name, desc: true },
    );
  };
  return (
    <div className="kp-table-wrap">
      <table className="kp-table">
        {showHeader && (
          <thead>
            <tr>
              {columns.map((c) => {
                const sorted =
                  sort?.name === c.name ? (sort.desc ? 'descending' : 'ascending') : 'none';
                const width = c.config.custom?.['width'];
                return (
                  <th
                    key={c.at}
                    aria-sort={sorted}
                    style={typeof width === 'number' ? { width } : undefined}
                  >
                    <button
                      type="button"
                      onClick={() => {
                        clickSort(c.name);
                      }}
                    >
                      {c.name}
                      {sorted === 'ascending' ? ' ▲' : sorted === 'descending' ? ' ▼' : ''}
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
        )}
        <tbody>
          {rows.slice(0, limit).map((row, r) => (
            <tr key={r}>
              {columns.map((c) => (
                <Cell key={c.at} column={c} value={row[c.at]} timeZone={timeZone} />
              ))}
            </tr>
          ))}
        </tbody>
        {footer && (
          <tfoot>
            <tr>
              {columns.map((c, i) => (
                <FooterCell key={c.at} column={c} rows={rows} calc={footer} first={i === 0} />
              ))}
            </tr>
          </tfoot>
        )}
      </table>
      {skipped.length > 0 && (
        <p
          className="kp-table-note"
          role="note"
        >{`Not applied: ${skipped.join(', ')} transformation${skipped.length > 1 ? 's' : ''}.`}</p>
      )}
      {rows.length > limit && (
        <button
          type="button"
          className="kp-table-more"
          onClick={() => {
            setLimit((l) => l + PAGE);
          }}
        >
          {`Show more (${rows.length - limit} more rows)`}
        </button>
      )}
    </div>
  );
}

/** The footer's reducer: `options.footer` ({show, reducer}) of current Grafana tables, or null. */
function footerCalc(panel: PanelProps['panel']): string | null {
  const f = panel.options?.['footer'];
  if (typeof f !== 'object' || f === null) return null;
  const o = f as Record<string, unknown>;
  if (o['show'] !== true) return null;
  const r = Array.isArray(o['reducer']) ? (o['reducer'] as unknown[])[0] : undefined;
  return typeof r === 'string' ? r : 'sum';
}

function FooterCell(props: {
  column: Column;
  rows: TableCell[][];
  calc: string;
  first: boolean;
}): ReactElement {
  const { column, rows, calc, first } = props;
  if (column.col.kind !== 'value') return <th>{first ? reducerName(calc) : ''}</th>;
  const vs = Float64Array.from(rows, (r) => {
    const v = r[column.at];
    return typeof v === 'number' ? v : NaN;
  });
  const v = reduce(vs, new Float64Array(vs.length), calc);
  const d = getDisplayValue(v, { ...column.config, noValue: '' });
  return <th className="kp-cell-num">{`${d.prefix ?? ''}${d.text}${d.suffix ?? ''}`}</th>;
}

function Cell({
  column,
  value,
  timeZone,
}: {
  column: Column;
  value: TableCell | undefined;
  timeZone: string | undefined;
}): ReactElement {
  const { col, config } = column;
  if (col.kind === 'time' && typeof value === 'number') {
    return <td className="kp-cell-time">{formatDateTime(value, timeZone)}</td>;
  }
  if (typeof value === 'string' || value === undefined) {
    const mapped = config.mappings?.find((m) => m.type === 'value')?.options as
      Record<string, { text?: string }> | undefined;
    const text = value !== undefined ? (mapped?.[value]?.text ?? value) : '';
    return <td>{text}</td>;
  }
  const d = getDisplayValue(Number.isNaN(value) ? null : value, {
    ...config,
    noValue: config.noValue ?? '',
  });
  const text = `${d.prefix ?? ''}${d.text}${d.suffix ?? ''}`;
  const type = cellType(config);
  if (type === 'color-text') {
    return (
      <td className="kp-cell-num" style={{ color: d.color }}>
        {text}
      </td>
    );
  }
  if (type === 'color-background' || type === 'color-background-solid') {
    const bg =
      type === 'color-background'
        ? `linear-gradient(120deg, ${withAlpha(d.color, 0.75)}, ${d.color})`
        : d.color;
    return (
      <td className="kp-cell-num" style={{ background: bg, color: '#fff' }}>
        {text}
      </td>
    );
  }
  if (type === 'gauge' || type.endsWith('-gauge') || type === 'basic') {
    const min = config.min ?? 0;
    const max = config.max ?? 100;
    const pct =
      Number.isFinite(d.numeric) && max > min
        ? Math.min(1, Math.max(0, (d.numeric - min) / (max - min)))
        : 0;
    return (
      <td className="kp-cell-gauge">
        <span className="kp-cell-bar">
          <span style={{ width: `${pct * 100}%`, background: d.color }} />
        </span>
        <span className="kp-cell-gauge-text">{text}</span>
      </td>
    );
  }
  return <td className="kp-cell-num">{text}</td>;
}
