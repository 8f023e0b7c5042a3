/** Status: build and runtime information, command-line flags and TSDB statistics. */
import type { ReactElement } from 'react';
import { fetchInfo, fetchTsdbStatus } from '../api/client.js';
import type { NameCount } from '../api/types.js';
import { LoadState } from '../components/Status.js';
import { useApi } from '../useApi.js';

function KeyValues({ data }: { data: Record<string, string | number> }): ReactElement {
  return (
    <div className="table-wrap">
      <table className="data kv">
        <tbody>
          {Object.entries(data).map(([k, v]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td className="mono">{String(v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TopList({ title, rows }: { title: string; rows: readonly NameCount[] }): ReactElement {
  return (
    <div className="table-wrap">
      <table className="data">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Count</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name}>
              <td className="mono">{r.name}</td>
              <td className="num">{r.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The status page. */
export function Status(): ReactElement {
  const build = useApi((s) => fetchInfo('buildinfo', s));
  const runtime = useApi((s) => fetchInfo('runtimeinfo', s));
  const flags = useApi((s) => fetchInfo('flags', s));
  const tsdb = useApi(fetchTsdbStatus);
  return (
    <section aria-labelledby="status-title" className="status">
      <h1 id="status-title">Status</h1>
      <h2>Build</h2>
      <LoadState state={build}>{(d) => <KeyValues data={d} />}</LoadState>
      <h2>Runtime</h2>
      <LoadState state={runtime}>{(d) => <KeyValues data={d} />}</LoadState>
      <h2>TSDB</h2>
      <LoadState state={tsdb}>
        {(d) => (
          <>
            <KeyValues data={d.headStats} />
            <div className="grid2">
              <TopList title="Top series count by metric name" rows={d.seriesCountByMetricName} />
              <TopList
                title="Top label value count by label name"
                rows={d.labelValueCountByLabelName}
              />
              <TopList title="Top memory (bytes) by label name" rows={d.memoryInBytesByLabelName} />
              <TopList
                title="Top series count by label pair"
                rows={d.seriesCountByLabelValuePair}
              />
            </div>
          </>
        )}
      </LoadState>
      <h2>Flags</h2>
      <LoadState state={flags}>{(d) => <KeyValues data={d} />}</LoadState>
    </section>
  );
}
