/** The alert history: a timeline per alert (pending and firing stretches) and the event list. */
import { useState, type SyntheticEvent, type ReactElement } from 'react';
import { LoadState } from '../components/Status.js';
import { navigate } from '../route.js';
import { useApi } from '../useApi.js';
import { fetchHistory } from './api.js';
import { LabelChips } from './Labels.js';
import { buildTimelines, formatLabels, type AlertTimeline, type HistoryItem } from './model.js';

const RANGES: [string, number][] = [
  ['1h', 3_600],
  ['6h', 21_600],
  ['24h', 86_400],
  ['7d', 604_800],
];

const EVENT_TEXT: Record<string, string> = {
  pending: 'pending',
  firing: 'firing',
  resolved: 'resolved',
  inactive: 'went away while pending',
  silenced: 'silenced',
  unsilenced: 'silence ended',
  notified: 'notified',
  notify_failed: 'notification failed',
};

function pct(t: number, start: number, end: number): string {
  return `${(((t - start) / (end - start)) * 100).toFixed(3)}%`;
}

function Timeline(props: { t: AlertTimeline; startMs: number; endMs: number }): ReactElement {
  const { t, startMs, endMs } = props;
  const name = `${t.labels['alertname'] ?? ''} ${formatLabels(t.labels, true)}`;
  return (
    <li className="timeline-row">
      <div className="timeline-label mono" title={name}>
        {name}
      </div>
      <div className="timeline-track" role="img" aria-label={`Timeline of ${name}`}>
        {t.segments.map((s, i) => (
          <span
            key={i}
            className={`timeline-seg seg-${s.state}`}
            style={{
              left: pct(s.fromMs, startMs, endMs),
              width: pct(s.toMs - s.fromMs + startMs, startMs, endMs),
            }}
            title={`${s.state} ${new Date(s.fromMs).toLocaleString()} – ${new Date(s.toMs).toLocaleString()}`}
          />
        ))}
        {t.marks.map((m, i) => (
          <span
            key={`m${i}`}
            className={`timeline-mark mark-${m.event}`}
            style={{ left: pct(m.tMs, startMs, endMs) }}
            title={`${EVENT_TEXT[m.event] ?? m.event} ${new Date(m.tMs).toLocaleString()}`}
          />
        ))}
      </div>
    </li>
  );
}

function EventRow(props: { e: HistoryItem }): ReactElement {
  const { e } = props;
  return (
    <tr>
      <td>{new Date(e.timestamp * 1000).toLocaleString()}</td>
      <td>
        <span className={`badge event-${e.event}`}>{EVENT_TEXT[e.event] ?? e.event}</span>
      </td>
      <td>
        <strong>{e.labels['alertname'] ?? ''}</strong> <LabelChips labels={e.labels} skipName />
      </td>
      <td>
        {e.receiver !== '' && <span className="mono">{e.receiver} </span>}
        <span className={e.event === 'notify_failed' ? 'error-text' : 'meta'}>{e.detail}</span>
      </td>
    </tr>
  );
}

/** The history view; its range and matcher live in the URL (`?range=6h&matcher=…`). */
export function HistoryView(props: { search: string }): ReactElement {
  const params = new URLSearchParams(props.search);
  const rangeName = params.get('range') ?? '24h';
  const rangeS = RANGES.find(([n]) => n === rangeName)?.[1] ?? 86_400;
  const matcher = params.get('matcher') ?? '';
  const [draft, setDraft] = useState(matcher);
  const [endS] = useState(() => Math.floor(Date.now() / 1000));
  const startS = endS - rangeS;
  const state = useApi(
    (signal) => fetchHistory(startS, endS, matcher, signal),
    `${startS}/${matcher}`,
  );
  const apply = (range: string, m: string): void => {
    const qs = new URLSearchParams();
    qs.set('range', range);
    if (m.trim() !== '') qs.set('matcher', m.trim());
    navigate(`/alerts/history?${qs.toString()}`, true);
  };
  const submit = (e: SyntheticEvent): void => {
    e.preventDefault();
    apply(rangeName, draft);
  };
  return (
    <>
      <form className="alerts-toolbar" onSubmit={submit}>
        <div role="group" aria-label="Range" className="range-buttons">
          {RANGES.map(([n]) => (
            <button
              key={n}
              type="button"
              aria-pressed={n === rangeName}
              onClick={() => {
                apply(n, draft);
              }}
            >
              {n}
            </button>
          ))}
        </div>
        <label className="filter">
          <span className="visually-hidden">Matchers</span>
          <input
            className="mono"
            placeholder='{alertname="InstanceDown"}'
            value={draft}
            onChange={(e) => {
              setDraft(e.target.value);
            }}
          />
        </label>
        <button type="submit">Apply</button>
      </form>
      <LoadState state={state}>
        {(items) => {
          if (items.length === 0) return <p className="empty">No alert activity in this range.</p>;
          const startMs = startS * 1000;
          const endMs = endS * 1000;
          const timelines = buildTimelines(items, startMs, endMs);
          return (
            <>
              <h2>Timeline</h2>
              <div className="timeline-axis meta" aria-hidden="true">
                <span>{new Date(startMs).toLocaleString()}</span>
                <span>{new Date(endMs).toLocaleString()}</span>
              </div>
              <ul className="timeline" aria-label="Alert timelines">
                {timelines.map((t) => (
                  <Timeline key={t.fingerprint} t={t} startMs={startMs} endMs={endMs} />
                ))}
              </ul>
              <p className="meta timeline-legend">
                <span className="legend-swatch seg-firing" /> firing{' '}
                <span className="legend-swatch seg-pending" /> pending{' '}
                <span className="legend-swatch mark-notified" /> notified{' '}
                <span className="legend-swatch mark-silenced" /> silenced{' '}
                <span className="legend-swatch mark-notify_failed" /> failed
              </p>
              <h2>Events</h2>
              <div className="table-wrap">
                <table className="data">
                  <thead>
                    <tr>
                      <th scope="col">Time</th>
                      <th scope="col">Event</th>
                      <th scope="col">Alert</th>
                      <th scope="col">Details</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...items].reverse().map((e, i) => (
                      <EventRow key={`${e.timestamp}/${e.fingerprint}/${i}`} e={e} />
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          );
        }}
      </LoadState>
    </>
  );
}
