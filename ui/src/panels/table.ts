/**
 * Table rows from query results: one row per label set with a value column per query (joined
 * on labels, like Grafana's merge), or one row per sample (`format: table` on a range query).
 * Transformations are applied afterwards (transforms.ts). DOM-free.
 */
import { reduce } from './reducers.js';
import type { PanelModel, SeriesData } from './types.js';

/** A table column. */
export interface TableColumn {
  /** The column's original name (what overrides and `organize` refer to). */
  key: string;
  /** The header shown. */
  name: string;
  kind: 'time' | 'label' | 'value';
  /** For value columns: the query the values come from. */
  refId?: string;
}

/** A cell: a label string, a number (NaN when absent) or a time in ms. */
export type TableCell = string | number;

/** A table ready to render. */
export interface TableData {
  columns: TableColumn[];
  rows: TableCell[][];
}

/** Whether the panel's queries ask for one row per sample. */
function wantsRowsPerSample(panel: PanelModel, series: readonly SeriesData[]): boolean {
  const targets = panel.targets ?? [];
  const rangeTable = targets.some((t) => t.format === 'table' && t.instant !== true);
  return rangeTable && series.some((s) => s.timestamps.length > 1);
}

function labelKeys(series: readonly SeriesData[]): string[] {
  const keys = new Set<string>();
  for (const s of series) for (const k of Object.keys(s.labels)) keys.add(k);
  return [...keys].sort((a, b) =>
    a === '__name__' ? -1 : b === '__name__' ? 1 : a.localeCompare(b),
  );
}

/** Builds the table of a panel's data; the reducer picks the value of a range series per row. */
export function buildTable(
  panel: PanelModel,
  series: readonly SeriesData[],
  calc = 'lastNotNull',
): TableData {
  const keys = labelKeys(series);
  const refIds = [...new Set(series.map((s) => s.refId))];
  const valueName = (refId: string): string => (refIds.length > 1 ? `Value #${refId}` : 'Value');
  const labelCols: TableColumn[] = keys.map((k) => ({ key: k, name: k, kind: 'label' }));
  let table: TableData;
  if (wantsRowsPerSample(panel, series)) {
    const columns: TableColumn[] = [{ key: 'Time', name: 'Time', kind: 'time' }, ...labelCols];
    for (const r of refIds)
      columns.push({ key: valueName(r), name: valueName(r), kind: 'value', refId: r });
    const rows: TableCell[][] = [];
    for (const s of series) {
      const vi = 1 + keys.length + refIds.indexOf(s.refId);
      for (let i = 0; i < s.timestamps.length; i++) {
        const row: TableCell[] = [s.timestamps[i]!, ...keys.map((k) => s.labels[k] ?? '')];
        for (let j = 0; j < refIds.length; j++) row.push(NaN);
        row[vi] = s.values[i]!;
        rows.push(row);
      }
    }
    rows.sort((a, b) => (b[0] as number) - (a[0] as number));
    table = { columns, rows };
  } else {
    const columns: TableColumn[] = [...labelCols];
    for (const r of refIds)
      columns.push({ key: valueName(r), name: valueName(r), kind: 'value', refId: r });
    const byLabels = new Map<string, TableCell[]>();
    for (const s of series) {
      const id = JSON.stringify(keys.map((k) => s.labels[k] ?? ''));
      let row = byLabels.get(id);
      if (!row) {
        row = [...keys.map((k) => s.labels[k] ?? ''), ...refIds.map(() => NaN)];
        byLabels.set(id, row);
      }
      row[keys.length + refIds.indexOf(s.refId)] = reduce(s.values, s.timestamps, calc) ?? NaN;
    }
    table = { columns, rows: [...byLabels.values()] };
  }
  return table;
}

/** Compares two cells for sorting: numbers numerically (NaN last), strings naturally. */
export function compareCells(a: TableCell | undefined, b: TableCell | undefined): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
    if (Number.isNaN(b)) return -1;
    return a - b;
  }
  return String(a ?? '').localeCompare(String(b ?? ''), undefined, { numeric: true });
}
