/**
 * Import of Grafana dashboard JSON (pasted or uploaded): a dry run first shows what the server
 * could not map, then the user confirms.
 */
import { type ReactElement, useState } from 'react';
import { navigate } from '../route.js';
import { FolderSelect } from './FolderSelect.js';
import { type FolderInfo, importDashboard, type ImportResult } from './api.js';

/** Props of {@link ImportDialog}. */
export interface ImportDialogProps {
  readonly folders: readonly FolderInfo[];
  readonly onClose: () => void;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The import dialog. */
export function ImportDialog(props: ImportDialogProps): ReactElement {
  const [text, setText] = useState('');
  const [folder, setFolder] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [checked, setChecked] = useState<ImportResult | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const parse = (): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new Error(`cannot import dashboard: the text is not valid JSON (${message(e)})`);
    }
  };
  const run = async (dryRun: boolean): Promise<void> => {
    setBusy(true);
    setError('');
    try {
      const r = await importDashboard(parse(), { folder, overwrite, dryRun });
      if (dryRun) setChecked(r);
      else {
        props.onClose();
        navigate(`/dashboards/d/${encodeURIComponent(r.uid)}`);
      }
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="db-modal" role="dialog" aria-modal="true" aria-label="Import dashboard">
      <div className="db-modal-body">
        <h2>Import dashboard</h2>
        <label>
          Upload a JSON file{' '}
          <input
            type="file"
            accept=".json,application/json"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (!f) return;
              f.text().then(
                (t) => {
                  setText(t);
                  setChecked(null);
                },
                (err: unknown) => {
                  setError(message(err));
                },
              );
            }}
          />
        </label>
        <label className="db-wide">
          or paste the dashboard JSON{' '}
          <textarea
            aria-label="Dashboard JSON"
            className="db-json"
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setChecked(null);
            }}
          />
        </label>
        <label>
          Folder <FolderSelect folders={props.folders} value={folder} onChange={setFolder} />
        </label>
        <label>
          <input
            type="checkbox"
            checked={overwrite}
            onChange={(e) => {
              setOverwrite(e.target.checked);
            }}
          />{' '}
          Overwrite a dashboard with the same uid
        </label>
        {checked && (
          <div className="db-import-check" aria-live="polite">
            <p>
              <strong>{checked.dashboard.title}</strong>: {checked.dashboard.panels.length} panels,{' '}
              {checked.dashboard.templating.list.length} variables.
            </p>
            {checked.warnings.length === 0 ? (
              <p className="meta">Everything can be mapped.</p>
            ) : (
              <>
                <p className="warning">
                  These parts cannot be mapped and will be left out or shown as messages:
                </p>
                <ul className="db-warnings">
                  {checked.warnings.map((w, i) => (
                    <li key={i}>
                      <code>{w.path}</code>
                      {w.panel !== undefined && ` (panel “${w.panel}”)`}: {w.message}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="db-modal-actions">
          {checked ? (
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => void run(false)}
            >
              Import
            </button>
          ) : (
            <button
              type="button"
              className="primary"
              disabled={busy || text.trim() === ''}
              onClick={() => void run(true)}
            >
              Check
            </button>
          )}
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
