/** The firing and pending alerts, grouped by rule, with a "Silence" action per alert. */
import { useState, type ReactElement } from 'react';
import { LoadState } from '../components/Status.js';
import { useApi } from '../useApi.js';
import { go } from './nav.js';
import { fetchAmAlerts, fetchRuleGroups } from './api.js';
import { LabelChips } from './Labels.js';
import {
  externalAlertGroups,
  groupActiveAlerts,
  labelKey,
  since,
  type ActiveAlert,
  type AlertRuleGroup,
  type AmAlert,
  type RuleGroupInfo,
} from './model.js';

interface Data {
  readonly groups: RuleGroupInfo[];
  /** Built-in Alertmanager alerts by label key (undefined when the API is unavailable). */
  readonly am: ReadonlyMap<string, AmAlert> | undefined;
  /** Alerts no local rule produced (posted through `/api/v2/alerts`). */
  readonly external: AlertRuleGroup[];
}

async function load(signal: AbortSignal): Promise<Data> {
  const [groups, am] = await Promise.all([
    fetchRuleGroups(signal),
    fetchAmAlerts(signal).catch(() => undefined),
  ]);
  return {
    groups,
    am: am && new Map(am.map((a) => [labelKey(a.labels), a])),
    external: am ? externalAlertGroups(groups, am) : [],
  };
}

/** The URL of the silence form prefilled with an alert's labels. */
export function silenceURL(labels: Readonly<Record<string, string>>): string {
  return `/alerts/silences/new?labels=${encodeURIComponent(JSON.stringify(labels))}`;
}

function Muted(props: { am: AmAlert | undefined }): ReactElement | null {
  const a = props.am;
  if (a === undefined) return null;
  if (a.silencedBy.length > 0)
    return (
      <span className="badge state-silenced" title={`silenced by ${a.silencedBy.join(', ')}`}>
        silenced
      </span>
    );
  if (a.inhibitedBy.length > 0) return <span className="badge state-silenced">inhibited</span>;
  return null;
}

function AlertRow(props: { a: ActiveAlert; am: AmAlert | undefined; now: number }): ReactElement {
  const { a } = props;
  const summary = a.annotations['summary'] ?? a.annotations['description'] ?? '';
  const other = Object.entries(a.annotations).filter(
    ([k]) => k !== 'summary' && !(k === 'description' && summary === a.annotations['description']),
  );
  return (
    <tr>
      <td>
        <span className={`badge state-${a.state}`}>{a.state}</span> <Muted am={props.am} />
      </td>
      <td>
        <LabelChips labels={a.labels} skipName />
      </td>
      <td>
        {summary !== '' && <div>{summary}</div>}
        {other.length > 0 && (
          <dl className="annotations">
            {other.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        )}
      </td>
      <td title={a.activeAt}>{since(a.activeAt, props.now)}</td>
      <td className="num mono" title={a.value}>
        {Number.isFinite(Number(a.value)) ? String(Number(a.value)) : a.value}
      </td>
      <td>
        <a
          href={silenceURL(a.labels)}
          className="button-link"
          aria-label={`Silence ${a.rule} ${JSON.stringify(a.labels)}`}
          onClick={(e) => {
            go(e, silenceURL(a.labels));
          }}
        >
          Silence
        </a>
      </td>
    </tr>
  );
}

/** The alerts list. */
export function AlertsList(props: { tick: number }): ReactElement {
  const state = useApi(load, String(props.tick));
  const [filter, setFilter] = useState('');
  const [showPending, setShowPending] = useState(true);
  const now = Date.now();
  return (
    <LoadState state={state}>
      {(data) => {
        const f = filter.trim().toLowerCase();
        const rules = [...groupActiveAlerts(data.groups), ...data.external]
          .map((g) => ({
            ...g,
            alerts: g.alerts.filter(
              (a) =>
                (showPending || a.state === 'firing') &&
                (f === '' || JSON.stringify(a.labels).toLowerCase().includes(f)),
            ),
          }))
          .filter((g) => g.alerts.length > 0);
        const firing = rules.reduce(
          (n, g) => n + g.alerts.filter((a) => a.state === 'firing').length,
          0,
        );
        const pending = rules.reduce((n, g) => n + g.alerts.length, 0) - firing;
        return (
          <>
            <div className="alerts-toolbar">
              <label className="filter">
                <span className="visually-hidden">Filter alerts by label</span>
                <input
                  type="search"
                  placeholder="Filter by label"
                  value={filter}
                  onChange={(e) => {
                    setFilter(e.target.value);
                  }}
                />
              </label>
              <label>
                <input
                  type="checkbox"
                  checked={showPending}
                  onChange={(e) => {
                    setShowPending(e.target.checked);
                  }}
                />{' '}
                Show pending
              </label>
              <span className="meta" aria-live="polite">
                {firing} firing, {pending} pending
              </span>
            </div>
            {rules.length === 0 ? (
              <p className="empty">No alerts are firing or pending.</p>
            ) : (
              rules.map((g) => (
                <section
                  key={`${g.file}\u0000${g.group}\u0000${g.rule}`}
                  className={`alert-rule state-border-${g.state}`}
                  aria-label={`Alert ${g.rule}`}
                >
                  <h2>
                    {g.rule} <span className={`badge state-${g.state}`}>{g.state}</span>{' '}
                    <span className="meta">
                      {g.alerts.length} alert{g.alerts.length === 1 ? '' : 's'} ·{' '}
                      {g.file === '' ? g.group : `group ${g.group}`}
                    </span>
                  </h2>
                  <div className="table-wrap">
                    <table className="data">
                      <thead>
                        <tr>
                          <th scope="col">State</th>
                          <th scope="col">Labels</th>
                          <th scope="col">Annotations</th>
                          <th scope="col">Active since</th>
                          <th scope="col">Value</th>
                          <th scope="col">
                            <span className="visually-hidden">Actions</span>
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {g.alerts.map((a) => (
                          <AlertRow
                            key={labelKey(a.labels)}
                            a={a}
                            am={data.am?.get(labelKey(a.labels))}
                            now={now}
                          />
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
