/** The rule groups with each rule's state, health, last evaluation and duration. */
import { useState, type ReactElement } from 'react';
import { LoadState } from '../components/Status.js';
import { useApi } from '../useApi.js';
import { fetchRuleGroups } from './api.js';
import { LabelChips } from './Labels.js';
import { formatDuration, ruleCounts, since, type RuleInfo } from './model.js';

function RuleRow(props: { r: RuleInfo; now: number }): ReactElement {
  const { r } = props;
  return (
    <tr>
      <td>
        <div className="rule-name">{r.name}</div>
        <code className="mono rule-expr">{r.query}</code>
        {Object.keys(r.labels).length > 0 && (
          <div>
            <LabelChips labels={r.labels} />
          </div>
        )}
      </td>
      <td>
        {r.type === 'alerting' ? (
          <span className={`badge state-${r.state || 'inactive'}`}>
            {r.state || 'inactive'}
            {r.alerts.length > 0 ? ` (${r.alerts.length})` : ''}
          </span>
        ) : (
          <span className="badge">recording</span>
        )}
        {r.type === 'alerting' && r.duration > 0 && (
          <div className="meta">for {formatDuration(r.duration)}</div>
        )}
      </td>
      <td>
        <span
          className={`badge health-${r.health === 'ok' ? 'up' : r.health === 'err' ? 'down' : 'unknown'}`}
        >
          {r.health}
        </span>
        {r.lastError !== '' && <div className="error-text">{r.lastError}</div>}
      </td>
      <td title={r.lastEvaluation}>{since(r.lastEvaluation, props.now)}</td>
      <td className="num">{formatDuration(r.evaluationTime)}</td>
    </tr>
  );
}

/** The rules list. */
export function RulesList(props: { tick: number }): ReactElement {
  const state = useApi(fetchRuleGroups, String(props.tick));
  const [filter, setFilter] = useState('');
  const now = Date.now();
  return (
    <LoadState state={state}>
      {(groups) => {
        const c = ruleCounts(groups);
        const f = filter.trim().toLowerCase();
        const shown = groups
          .map((g) => ({
            ...g,
            rules: g.rules.filter(
              (r) =>
                f === '' || r.name.toLowerCase().includes(f) || r.query.toLowerCase().includes(f),
            ),
          }))
          .filter((g) => g.rules.length > 0);
        return (
          <>
            <div className="alerts-toolbar">
              <label className="filter">
                <span className="visually-hidden">Filter rules</span>
                <input
                  type="search"
                  placeholder="Filter by name or expression"
                  value={filter}
                  onChange={(e) => {
                    setFilter(e.target.value);
                  }}
                />
              </label>
              <span className="meta">
                {c['firing']} firing, {c['pending']} pending, {c['inactive']} inactive,{' '}
                {c['recording']} recording, {c['err']} with errors
              </span>
            </div>
            {groups.length === 0 ? (
              <p className="empty">
                No rules loaded. Add rule files with <code>rule_files</code> in the configuration
                file.
              </p>
            ) : (
              shown.map((g) => (
                <section key={`${g.file}\u0000${g.name}`} aria-label={`Rule group ${g.name}`}>
                  <h2>
                    {g.name}{' '}
                    <span className="meta">
                      {g.file} · every {formatDuration(g.interval)} · last{' '}
                      {since(g.lastEvaluation, now)} in {formatDuration(g.evaluationTime)}
                    </span>
                  </h2>
                  <div className="table-wrap">
                    <table className="data">
                      <thead>
                        <tr>
                          <th scope="col">Rule</th>
                          <th scope="col">State</th>
                          <th scope="col">Health</th>
                          <th scope="col">Last evaluation</th>
                          <th scope="col">Duration</th>
                        </tr>
                      </thead>
                      <tbody>
                        {g.rules.map((r, i) => (
                          <RuleRow key={`${i}\u0000${r.name}`} r={r} now={now} />
                        ))}
                      </tbody>
                    </table>
                  </div>
                </section>
              ))
            )}
          </>
        );
      }}
    </LoadState>
  );
}
