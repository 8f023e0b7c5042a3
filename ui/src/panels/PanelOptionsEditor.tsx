/** The panel editor's options pane: type-specific options and the common field config. */
import type { ReactElement } from 'react';
import type { PanelModel } from './types.js';

/** Props of {@link PanelOptionsEditor}. */
export interface PanelOptionsEditorProps {
  panel: PanelModel;
  /** Receives a new panel object (the given one is never mutated). */
  onChange: (p: PanelModel) => void;
}

/** Edits a panel's options and field config. */
export function PanelOptionsEditor({ panel, onChange }: PanelOptionsEditorProps): ReactElement {
  const unit = panel.fieldConfig?.defaults?.unit ?? '';
  return (
    <div className="kp-editor">
      <label>
        Unit{' '}
        <input
          value={unit}
          onChange={(e) => {
            onChange({
              ...panel,
              fieldConfig: {
                ...panel.fieldConfig,
                defaults: { ...panel.fieldConfig?.defaults, unit: e.target.value },
              },
            });
          }}
        />
      </label>
    </div>
  );
}
