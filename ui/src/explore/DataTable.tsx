/** The table view of an instant query: one row per series (or one row for a scalar or string). */
import type { ReactElement } from 'react';
import type { QueryResult } from '../api/types.js';
import { formatMetric } from './format.js';

/** Props of the table. */
export interface DataTableProps {
  readonly result: QueryResult;
}

/** Shows a query result as a table. */
export function DataTable({ result }: DataTableProps): ReactElement {
  let rows: { key: string; name: string; value: string }[];
  switch (result.kind) {
    case 'vector':
      rows = result.samples.map((s, i) => ({
        key: String(i),
        name: formatMetric(s.metric),
        value: s.value,
      }));
      break;
    case 'matrix':
      rows = result.series.map((s, i) => ({
        key: String(i),
        name: formatMetric(s.metric),
        value: Array.from(s.values, (v, j) => `${v} @${s.times[j]}`).join('\n'),
      }));
      break;
    case 'scalar':
    case 'string':
      rows = [{ key: '0', name: result.kind, value: result.value }];
      break;
  }
  if (rows.length === 0) return <p className="empty">Empty query result.</p>;
  return (
    <div className="table-wrap">
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Series</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <td className="mono">{r.name}</td>
              <td className="mono num">{r.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
