/** A message shown in place of a panel body (no data, errors, unsupported types). */
import type { ReactElement, ReactNode } from 'react';

/** A centred message; errors are announced as alerts. */
export function PanelMessage(props: { kind: 'info' | 'error'; children: ReactNode }): ReactElement {
  return (
    <div
      className={`kp-message kp-message-${props.kind}`}
      role={props.kind === 'error' ? 'alert' : 'status'}
    >
      {props.children}
    </div>
  );
}
