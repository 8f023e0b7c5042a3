/** Label chips shared by the Alerts pages. */
import type { ReactElement } from 'react';
import type { LabelSet } from './model.js';

/** A list of `name="value"` chips, sorted by name (optionally without `alertname`). */
export function LabelChips(props: { labels: LabelSet; skipName?: boolean }): ReactElement {
  const names = Object.keys(props.labels)
    .sort()
    .filter((k) => !(props.skipName === true && k === 'alertname'));
  return (
    <span className="label-list">
      {names.map((k) => (
        <span key={k} className="label-chip mono">
          {k}="{props.labels[k]}"
        </span>
      ))}
    </span>
  );
}
