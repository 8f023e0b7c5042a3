/** The save dialog: a message, and on a version conflict the choice to reload or overwrite. */
import { type ReactElement, useState } from 'react';
import { ApiError } from '../api/client.js';
import { createDashboard, type DashboardMeta, saveDashboard, VersionConflictError } from './api.js';
import type { DashboardModel } from './model.js';

function message(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

/** Props of {@link SaveDialog}. */
export interface SaveDialogProps {
  /** The dashboard's uid, undefined for a new one (created on save). */
  readonly uid: string | undefined;
  readonly dash: DashboardModel;
  readonly folder: string;
  /** The version the edit started from; a newer one on the server gives a conflict. */
  readonly version: number | undefined;
  readonly onSaved: (d: DashboardModel, meta: DashboardMeta, uid: string) => void;
  readonly onReload: () => void;
  readonly onCancel: () => void;
}

/** Saves the working copy. */
export function SaveDialog(props: SaveDialogProps): ReactElement {
  const [msg, setMsg] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [conflict, setConflict] = useState(false);
  const save = async (force: boolean): Promise<void> => {
    setBusy(true);
    setError('');
    try {
      const opts: { folder?: string; message?: string; version?: number } = {
        folder: props.folder,
        message: msg,
      };
      if (!force && props.version !== undefined) opts.version = props.version;
      const r =
        props.uid === undefined
          ? await createDashboard(props.dash, props.folder, msg)
          : await saveDashboard(props.uid, props.dash, opts);
      const saved = { ...props.dash, uid: r.uid, version: r.version };
      props.onSaved(
        saved,
        {
          version: r.version,
          updatedAt: new Date().toISOString(),
          folder: props.folder,
          provisioned: false,
        },
        r.uid,
      );
    } catch (e) {
      if (e instanceof VersionConflictError) setConflict(true);
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="db-modal" role="dialog" aria-modal="true" aria-label="Save dashboard">
      <div className="db-modal-body">
        <h2>Save dashboard</h2>
        <label>
          Message{' '}
          <input
            value={msg}
            placeholder="What changed"
            onChange={(e) => {
              setMsg(e.target.value);
            }}
          />
        </label>
        {error && (
          <p className="error" role="alert">
            {conflict ? `Someone else saved this dashboard meanwhile: ${error}` : error}
          </p>
        )}
        <div className="db-modal-actions">
          {conflict ? (
            <>
              <button type="button" onClick={props.onReload}>
                Reload (discard my changes)
              </button>
              <button type="button" disabled={busy} onClick={() => void save(true)}>
                Overwrite
              </button>
            </>
          ) : (
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => void save(false)}
            >
              Save
            </button>
          )}
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
