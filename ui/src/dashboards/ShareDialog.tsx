/**
 * The dashboard's Share dialog: a link to the dashboard or one panel (current time range, time
 * zone and variables; optionally locked to absolute times), and — for editors and admins when
 * sign-in is on — public share links with an optional expiry, listed and revocable here.
 */
import { type ReactElement, useEffect, useState } from 'react';
import { createShare, listShares, revokeShare, type Share } from '../auth/session.js';
import { useSession } from '../auth/useSession.js';
import type { PanelModel } from '../panels/types.js';
import type { Scope } from './interpolate.js';
import type { DashboardModel } from './model.js';
import {
  dashboardLink,
  encodeLayout,
  publicLink,
  SHARE_EXPIRIES,
  sharedLayout,
  shareVariables,
} from './shareurl.js';
import type { RawTimeRange, ResolvedRange } from './timerange.js';

/** Props of {@link ShareDialog}. */
export interface ShareDialogProps {
  readonly uid: string;
  readonly dash: DashboardModel;
  readonly raw: RawTimeRange;
  readonly range: ResolvedRange;
  readonly timezone: string;
  readonly scope: Scope;
  readonly urlVars: Readonly<Record<string, readonly string[]>>;
  /** The panel shown full screen, preselected as the link target. */
  readonly viewPanel: number | undefined;
  readonly onClose: () => void;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function when(ms: number): string {
  return ms === 0 ? 'never' : new Date(ms).toLocaleString();
}

function flat(panels: readonly PanelModel[]): PanelModel[] {
  return panels.flatMap((p) => [p, ...flat(p.panels ?? [])]);
}

function CopyField(props: { label: string; value: string }): ReactElement {
  const [copied, setCopied] = useState(false);
  return (
    <div className="db-share-field">
      <input
        readOnly
        aria-label={props.label}
        value={props.value}
        onFocus={(e) => {
          e.target.select();
        }}
      />
      <button
        type="button"
        onClick={() => {
          const clip = navigator.clipboard as Clipboard | undefined;
          if (!clip) return;
          clip.writeText(props.value).then(
            () => {
              setCopied(true);
            },
            () => undefined,
          );
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

/** The Share dialog. */
export function ShareDialog(props: ShareDialogProps): ReactElement {
  const session = useSession();
  const panels = flat(props.dash.panels).filter((p) => p.type !== 'row' && p.id !== undefined);
  const [panelId, setPanelId] = useState<number | undefined>(props.viewPanel);
  const [lock, setLock] = useState(false);
  const [expires, setExpires] = useState('');
  const [created, setCreated] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [shares, setShares] = useState<Share[] | undefined>(undefined);
  const canShare =
    session?.authEnabled === true &&
    (session.user?.role === 'editor' || session.user?.role === 'admin');

  const origin = window.location.origin;
  const link = dashboardLink(origin, props.uid, {
    raw: props.raw,
    resolved: props.range,
    timezone: props.timezone,
    vars: props.urlVars,
    lockTime: lock,
    ...(panelId === undefined ? {} : { viewPanel: panelId }),
  });

  const reload = (): void => {
    listShares().then(
      (all) => {
        setShares(all.filter((s) => s.target.dashboard === props.uid));
      },
      (e: unknown) => {
        setError(message(e));
      },
    );
  };
  useEffect(() => {
    if (canShare) reload();
  }, [canShare]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') props.onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [props.onClose]);

  const create = async (): Promise<void> => {
    setBusy(true);
    setError('');
    try {
      const variables = shareVariables(props.dash.templating.list, props.scope);
      const r = await createShare(
        {
          kind: panelId === undefined ? 'dashboard' : 'panel',
          dashboard: props.uid,
          ...(panelId === undefined ? {} : { panel: String(panelId) }),
          variables,
          queries: [],
          title: '',
        },
        expires,
      );
      const layout = sharedLayout(
        { ...props.dash, time: props.raw, timezone: props.timezone },
        panelId,
      );
      setCreated(publicLink(origin, r.path, await encodeLayout(layout)));
      reload();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="db-modal" role="dialog" aria-modal="true" aria-label="Share">
      <div className="db-modal-body db-share">
        <h2>Share</h2>
        <label>
          Share{' '}
          <select
            aria-label="What to share"
            value={panelId === undefined ? '' : String(panelId)}
            onChange={(e) => {
              setPanelId(e.target.value === '' ? undefined : Number(e.target.value));
              setCreated('');
            }}
          >
            <option value="">The whole dashboard</option>
            {panels.map((p) => (
              <option key={p.id} value={String(p.id)}>
                Panel: {p.title === undefined || p.title === '' ? `#${p.id}` : p.title}
              </option>
            ))}
          </select>
        </label>
        <h3>Link</h3>
        <label className="db-check">
          <input
            type="checkbox"
            checked={lock}
            onChange={(e) => {
              setLock(e.target.checked);
            }}
          />{' '}
          Lock time range (use the absolute times shown now)
        </label>
        <CopyField label="Link" value={link} />
        <h3>Public link</h3>
        {session === undefined ? (
          <p className="meta">Checking your permissions…</p>
        ) : !session.authEnabled ? (
          <p className="meta">
            Public links need sign-in to be enabled on the server (they are read-only tokens).
          </p>
        ) : !canShare ? (
          <p className="meta">Only editors and administrators can create public links.</p>
        ) : (
          <>
            <p className="meta">
              Anyone with the link sees {panelId === undefined ? 'this dashboard' : 'this panel'}{' '}
              with the current variable values, read-only, without signing in. It can run only this
              dashboard’s queries.
            </p>
            <label>
              Expires{' '}
              <select
                value={expires}
                onChange={(e) => {
                  setExpires(e.target.value);
                }}
              >
                {SHARE_EXPIRIES.map((x) => (
                  <option key={x.value} value={x.value}>
                    {x.label}
                  </option>
                ))}
              </select>
            </label>
            <div className="db-share-create">
              <button
                type="button"
                className="primary"
                disabled={busy}
                onClick={() => void create()}
              >
                Create public link
              </button>
            </div>
            {created !== '' && (
              <>
                <p className="meta">Copy the link now: its secret is shown only once.</p>
                <CopyField label="Public link" value={created} />
              </>
            )}
            <h3>Public links of this dashboard</h3>
            {shares === undefined ? (
              <p className="meta">Loading…</p>
            ) : shares.length === 0 ? (
              <p className="meta">None yet.</p>
            ) : (
              <table className="db-share-list">
                <thead>
                  <tr>
                    <th>Shows</th>
                    <th>Created by</th>
                    <th>Created</th>
                    <th>Expires</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {shares.map((s) => (
                    <tr key={s.id}>
                      <td>
                        {s.target.kind === 'panel' ? `Panel: ${s.target.title}` : 'Dashboard'}
                      </td>
                      <td>{s.user}</td>
                      <td>{when(s.createdAt)}</td>
                      <td>{when(s.expiresAt)}</td>
                      <td>
                        <button
                          type="button"
                          aria-label={`Revoke share link ${s.id}`}
                          onClick={() => {
                            revokeShare(s.id).then(reload, (e: unknown) => {
                              setError(message(e));
                            });
                          }}
                        >
                          Revoke
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
        {error !== '' && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="db-modal-actions">
          <button type="button" onClick={props.onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
