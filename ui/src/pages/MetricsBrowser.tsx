/**
 * The metrics browser: every metric with its type and help; picking one opens Explore with a
 * sensible query (counters as `rate(x[5m])`, histograms as a 0.9 quantile,
 * summaries as the mean).
 */
import { type ReactElement, useState } from 'react';
import { fetchMetadata, fetchMetricNames } from '../api/client.js';
import type { MetricMeta } from '../api/types.js';
import { LoadState } from '../components/Status.js';
import { DEFAULT_STATE, formatState } from '../explore/state.js';
import { navigate } from '../route.js';
import { useApi } from '../useApi.js';

/** The default query for a metric, by its type and name. */
export function defaultQuery(m: MetricMeta): string {
  switch (m.type) {
    case 'counter':
      return `rate(${m.name}[5m])`;
    case 'histogram': {
      const base = m.name.replace(/_bucket$/, '');
      return `histogram_quantile(0.9, sum by (le) (rate(${base}_bucket[5m])))`;
    }
    case 'summary':
      return `rate(${m.name}_sum[5m]) / rate(${m.name}_count[5m])`;
    case 'unknown':
      return m.name.endsWith('_total') ? `rate(${m.name}[5m])` : m.name;
    default:
      return m.name;
  }
}

async function loadAll(signal: AbortSignal): Promise<MetricMeta[]> {
  const [meta, names] = await Promise.all([fetchMetadata(signal), fetchMetricNames(signal)]);
  const known = new Set(meta.map((m) => m.name));
  const extra: MetricMeta[] = names
    .filter((n) => !known.has(n) && !/_(bucket|sum|count)$/.test(n))
    .map((name) => ({ name, type: 'unknown', help: '', unit: '' }));
  return [...meta, ...extra].sort((a, b) => a.name.localeCompare(b.name));
}

/** The metrics browser page. */
export function MetricsBrowser(): ReactElement {
  const state = useApi(loadAll);
  const [filter, setFilter] = useState('');
  return (
    <section aria-labelledby="metrics-title">
      <h1 id="metrics-title">Metrics</h1>
      <label className="filter">
        Filter{' '}
        <input
          type="search"
          value={filter}
          placeholder="name or help text"
          onChange={(e) => {
            setFilter(e.target.value);
          }}
        />
      </label>
      <LoadState state={state}>
        {(metrics) => {
          const f = filter.toLowerCase();
          const shown = metrics.filter(
            (m) => m.name.toLowerCase().includes(f) || m.help.toLowerCase().includes(f),
          );
          return (
            <div className="table-wrap">
              <p className="meta">
                {shown.length} of {metrics.length} metrics
              </p>
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">Metric</th>
                    <th scope="col">Type</th>
                    <th scope="col">Help</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((m) => {
                    const href = `/explore${formatState({ ...DEFAULT_STATE, query: defaultQuery(m) })}`;
                    return (
                      <tr key={m.name}>
                        <td className="mono">
                          <a
                            href={href}
                            onClick={(e) => {
                              e.preventDefault();
                              navigate(href);
                            }}
                          >
                            {m.name}
                          </a>
                        </td>
                        <td>
                          <span className={`badge type-${m.type}`}>{m.type}</span>
                        </td>
                        <td>{m.help}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          );
        }}
      </LoadState>
    </section>
  );
}
