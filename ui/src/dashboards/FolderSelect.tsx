/** A folder picker: General (the top level) and the stored folders, by uid. */
import type { ReactElement } from 'react';
import type { FolderInfo } from './api.js';

/** Props of {@link FolderSelect}. */
export interface FolderSelectProps {
  readonly folders: readonly FolderInfo[];
  readonly value: string;
  readonly onChange: (uid: string) => void;
}

/** The picker; an unknown current value stays selectable. */
export function FolderSelect({ folders, value, onChange }: FolderSelectProps): ReactElement {
  return (
    <select
      aria-label="Folder"
      value={value}
      onChange={(e) => {
        onChange(e.target.value);
      }}
    >
      <option value="">General</option>
      {value !== '' && !folders.some((f) => f.uid === value) && (
        <option value={value}>{value}</option>
      )}
      {folders.map((f) => (
        <option key={f.uid} value={f.uid}>
          {f.title}
        </option>
      ))}
    </select>
  );
}
