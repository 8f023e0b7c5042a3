/** The latest value of each query of a share link, as a table per query. */
import { type ReactElement, useEffect, useState } from 'react';
import { queryInstant } from '../api/client.js';

interface Latest {
  readonly query: string;
  readonly rows: { labels: string; value: string }[];
  readonly error: string;
}

async function latest(query: string, signal: AbortSignal): Promise<Latest> {
  try {
    const r = await queryInstant(query, Date.now() / 1000, signal);
    if (r.data.kind !== 'vector')
      return {
        query,
        rows: r.data.kind === 'matrix' ? [] : [{ labels: '', value: r.data.value }],
        error: '',
      };
    const rows = r.data.samples.map((s) => ({
      labels: Object.entries(s.metric)
        .map(([k, v]) => `${k}="${v}"`)
        .join(', '),
      value: s.value,
    }));
    return { query, rows, error: '' };
  } catch (e) {
    return { query, rows: [], error: e instanceof Error ? e.message : String(e) };
  }
}

/** Tables of the queries' latest values (queries with time variables are left out). */
export function LatestValues(props: { queries: readonly string[] }): ReactElement {
  const [results, setResults] = useState<Latest[]>([]);
  useEffect(() => {
    const ac = new AbortController();
    const qs = props.queries.filter((q) => !q.includes('$'));
    void Promise.all(qs.map((q) => latest(q, ac.signal))).then((rs) => {
      if (!ac.signal.aborted) setResults(rs);
    });
    return () => {
      ac.abort();
    };
  }, [props.queries]);
  return (
    <div className="shared-latest">
      {results.map((r) => (
        <div key={r.query} className="table-wrap">
          <h2 className="mono">{r.query}</h2>
          {r.error !== '' ? (
            <p className="error-text">{r.error}</p>
          ) : (
            <table>
              <tbody>
                {r.rows.map((row) => (
                  <tr key={row.labels}>
                    <td className="mono">{row.labels}</td>
                    <td className="num">{row.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </div>
  );
}
