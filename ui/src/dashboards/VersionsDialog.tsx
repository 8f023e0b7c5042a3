/** The version history of a dashboard, with restore. */
import { type ReactElement, useState } from 'react';
import { useApi } from '../useApi.js';
import { listVersions, restoreVersion } from './api.js';

/** Props of {@link VersionsDialog}. */
export interface VersionsDialogProps {
  readonly uid: string;
  readonly onClose: () => void;
  readonly onRestored: () => void;
}

/** Lists versions newest first; restoring saves the old content as a new version. */
export function VersionsDialog(props: VersionsDialogProps): ReactElement {
  const versions = useApi((s) => listVersions(props.uid, s), props.uid);
  const [error, setError] = useState('');
  return (
    <div className="db-modal" role="dialog" aria-modal="true" aria-label="Versions">
      <div className="db-modal-body">
        <h2>Versions</h2>
        {versions.kind === 'loading' && <p className="meta">Loading…</p>}
        {versions.kind === 'error' && <p className="error">{versions.message}</p>}
        {versions.kind === 'done' && (
          <table className="data">
            <thead>
              <tr>
                <th>Version</th>
                <th>Saved</th>
                <th>Message</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {versions.data.map((v, i) => (
                <tr key={v.version}>
                  <td className="num">{v.version}</td>
                  <td>{v.createdAt ? new Date(v.createdAt).toLocaleString() : ''}</td>
                  <td>{v.message}</td>
                  <td>
                    {i === 0 ? (
                      <span className="meta">current</span>
                    ) : (
                      <button
                        type="button"
                        onClick={() => {
                          if (!window.confirm(`Restore version ${v.version}?`)) return;
                          restoreVersion(props.uid, v.version).then(
                            props.onRestored,
                            (e: unknown) => {
                              setError(e instanceof Error ? e.message : String(e));
                            },
                          );
                        }}
                      >
                        Restore
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {error && (
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
