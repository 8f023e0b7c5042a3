/**
 * Status: build and runtime information, command-line flags, TSDB statistics and the cardinality
 * explorer (top metrics, labels and label pairs by series count, and metrics nothing uses).
 */
import { useState, type ReactElement } from 'react';
import { fetchCardinality, fetchInfo, fetchTsdbStatus } from '../api/client.js';
import type { Cardinality, NameCount } from '../api/types.js';
import { LoadState } from '../components/Status.js';
import { useApi } from '../useApi.js';

/** Entries per cardinality list the user can choose. */
const LIMITS = [10, 20, 50, 100, 500];

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

function TopList({
  title,
  rows,
  countLabel = 'Count',
  total,
}: {
  title: string;
  rows: readonly NameCount[];
  countLabel?: string;
  /** When given, a share column shows each count as a percentage of it. */
  total?: number;
}): ReactElement {
  return (
    <div className="table-wrap">
      <table className="data">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">{countLabel}</th>
            {total !== undefined && <th scope="col">Share</th>}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={total === undefined ? 2 : 3} className="empty">
                None
              </td>
            </tr>
          )}
          {rows.map((r) => (
            <tr key={r.name}>
              <td className="mono">{r.name}</td>
              <td className="num">{r.value}</td>
              {total !== undefined && (
                <td className="num">
                  {total > 0 ? `${((100 * r.value) / total).toFixed(1)} %` : '–'}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CardinalityView({ c }: { c: Cardinality }): ReactElement {
  return (
    <>
      <p>
        {c.numSeries} series in {c.numMetrics} metrics. {c.unusedCount} metrics ({c.unusedSeries}{' '}
        series) are used by none of the {c.dashboardsScanned} dashboards and {c.rulesScanned} rules.
      </p>
      <div className="grid2">
        <TopList
          title="Top metrics by series count"
          rows={c.seriesCountByMetricName}
          countLabel="Series"
          total={c.numSeries}
        />
        <TopList
          title="Top label names by series count"
          rows={c.seriesCountByLabelName}
          countLabel="Series"
          total={c.numSeries}
        />
        <TopList
          title="Top label names by distinct values"
          rows={c.labelValueCountByLabelName}
          countLabel="Values"
        />
        <TopList
          title="Top label pairs by series count"
          rows={c.seriesCountByLabelValuePair}
          countLabel="Series"
          total={c.numSeries}
        />
        <TopList
          title="Unused metrics (no dashboard or rule selects them)"
          rows={c.unused}
          countLabel="Series"
          total={c.numSeries}
        />
      </div>
      {c.unparsed.length > 0 && (
        <details>
          <summary>
            {c.unparsed.length} queries could not be parsed, so the metrics they use may be listed
            as unused
          </summary>
          <ul>
            {c.unparsed.map((u) => (
              <li key={u.source + u.expr}>
                {u.source}: <code>{u.expr}</code> — {u.error}
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

function CardinalitySection(): ReactElement {
  const [limit, setLimit] = useState(20);
  const card = useApi((s) => fetchCardinality(limit, s), String(limit));
  return (
    <section aria-labelledby="cardinality-title">
      <h2 id="cardinality-title">Cardinality</h2>
      <label>
        Entries per list{' '}
        <select
          value={limit}
          onChange={(e) => {
            setLimit(Number(e.target.value));
          }}
        >
          {LIMITS.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <LoadState state={card}>{(c) => <CardinalityView c={c} />}</LoadState>
    </section>
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
      <CardinalitySection />
      <h2>Flags</h2>
      <LoadState state={flags}>{(d) => <KeyValues data={d} />}</LoadState>
    </section>
  );
}
