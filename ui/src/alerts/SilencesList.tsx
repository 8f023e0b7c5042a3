/** The silences: active, pending and expired, with edit and expire actions. */
import { useState, type ReactElement } from 'react';
import { ApiError } from '../api/client.js';
import { LoadState } from '../components/Status.js';
import { useApi } from '../useApi.js';
import { go } from './nav.js';
import { expireSilence, fetchSilences } from './api.js';
import { describeRecurrence, formatMatcher, since, type SilenceInfo } from './model.js';

function when(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toLocaleString() : iso;
}

function SilenceRow(props: {
  s: SilenceInfo;
  now: number;
  onExpire: (id: string) => void;
}): ReactElement {
  const { s } = props;
  const edit = `/alerts/silences/${encodeURIComponent(s.id)}/edit`;
  return (
    <tr>
      <td>
        <span className={`badge silence-${s.state}`}>{s.state}</span>
        {s.recurrence && (
          <div className="meta" title="recurring window">
            ⟳ {describeRecurrence(s.recurrence)}
          </div>
        )}
      </td>
      <td>
        {s.matchers.map((m) => (
          <span key={formatMatcher(m)} className="label-chip mono">
            {formatMatcher(m)}
          </span>
        ))}
      </td>
      <td>
        <div>{when(s.startsAt)}</div>
        <div className="meta">until {when(s.endsAt)}</div>
      </td>
      <td>
        <div>{s.comment}</div>
        <div className="meta">
          by {s.createdBy} · <span className="mono">{s.id.slice(0, 8)}</span>
        </div>
      </td>
      <td className="actions">
        {s.state !== 'expired' && (
          <>
            <a
              href={edit}
              className="button-link"
              onClick={(e) => {
                go(e, edit);
              }}
            >
              Edit
            </a>{' '}
            <button
              type="button"
              onClick={() => {
                props.onExpire(s.id);
              }}
            >
              Expire
            </button>
          </>
        )}
        {s.state === 'expired' && <span className="meta">ended {since(s.endsAt, props.now)}</span>}
      </td>
    </tr>
  );
}

/** The silences list. */
export function SilencesList(props: { tick: number }): ReactElement {
  const [bump, setBump] = useState(0);
  const [message, setMessage] = useState('');
  const [showExpired, setShowExpired] = useState(false);
  const state = useApi(fetchSilences, `${props.tick}/${bump}`);
  const now = Date.now();
  const expire = (id: string): void => {
    if (!window.confirm('Expire this silence now?')) return;
    expireSilence(id).then(
      () => {
        setMessage('Silence expired.');
        setBump((b) => b + 1);
      },
      (e: unknown) => {
        setMessage(e instanceof ApiError ? e.message : String(e));
      },
    );
  };
  return (
    <>
      <div className="alerts-toolbar">
        <a
          href="/alerts/silences/new"
          className="button-link primary"
          onClick={(e) => {
            go(e, '/alerts/silences/new');
          }}
        >
          New silence
        </a>
        <label>
          <input
            type="checkbox"
            checked={showExpired}
            onChange={(e) => {
              setShowExpired(e.target.checked);
            }}
          />{' '}
          Show expired
        </label>
        <span className="meta" role="status">
          {message}
        </span>
      </div>
      <LoadState state={state}>
        {(list) => {
          const shown = list.filter((s) => showExpired || s.state !== 'expired');
          return shown.length === 0 ? (
            <p className="empty">No silences.</p>
          ) : (
            <div className="table-wrap">
              <table className="data silences">
                <caption className="visually-hidden">Silences</caption>
                <thead>
                  <tr>
                    <th scope="col">State</th>
                    <th scope="col">Matchers</th>
                    <th scope="col">Time</th>
                    <th scope="col">Comment</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((s) => (
                    <SilenceRow key={s.id} s={s} now={now} onExpire={expire} />
                  ))}
                </tbody>
              </table>
            </div>
          );
        }}
      </LoadState>
    </>
  );
}
