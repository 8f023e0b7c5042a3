/** The dashboard toolbar's buttons: share and edit in view mode; add, settings, versions, save and exit in edit mode. */
import type { ReactElement } from 'react';

/** Props of {@link DashboardActions}. */
export interface DashboardActionsProps {
  readonly editing: boolean;
  /** Whether the dashboard is stored (versions and exit need a stored one). */
  readonly saved: boolean;
  readonly onShare: () => void;
  readonly onEdit: () => void;
  readonly onAddPanel: () => void;
  readonly onAddRow: () => void;
  readonly onSettings: () => void;
  readonly onVersions: () => void;
  readonly onSave: () => void;
  readonly onExit: () => void;
}

/** The buttons. */
export function DashboardActions(p: DashboardActionsProps): ReactElement {
  return (
    <div className="db-actions">
      <button
        type="button"
        onClick={p.onShare}
        aria-haspopup="dialog"
        title="Link to this view, or create a public link"
      >
        Share
      </button>
      {!p.editing && (
        <button type="button" onClick={p.onEdit}>
          Edit
        </button>
      )}
      {p.editing && (
        <>
          <button type="button" onClick={p.onAddPanel}>
            Add panel
          </button>
          <button type="button" onClick={p.onAddRow}>
            Add row
          </button>
          <button type="button" onClick={p.onSettings}>
            Settings
          </button>
          {p.saved && (
            <button type="button" onClick={p.onVersions}>
              Versions
            </button>
          )}
          <button type="button" className="primary" onClick={p.onSave}>
            Save
          </button>
          {p.saved && (
            <button type="button" onClick={p.onExit}>
              Exit edit
            </button>
          )}
        </>
      )}
    </div>
  );
}
