/** Dispatches a panel to its renderer by type; never throws (errors show inside the panel). */
import { Component, type ReactElement, type ReactNode } from 'react';
import { normalizePanelType } from './registry.js';
import type { PanelProps } from './types.js';

/** Renders one panel body for the shell; unknown types show a clear message. */
export function PanelView(props: PanelProps): ReactElement {
  const type = normalizePanelType(props.panel.type);
  return (
    <PanelBoundary key={type}>
      <div
        className="kp-panel"
        data-panel-type={type}
        style={{ width: props.width, height: props.height }}
      >
        {renderBody(type, props)}
      </div>
    </PanelBoundary>
  );
}

function renderBody(type: string, props: PanelProps): ReactElement {
  if (props.data.state === 'error') {
    return <PanelMessage kind="error">{props.data.error ?? 'The query failed.'}</PanelMessage>;
  }
  return (
    <PanelMessage kind="info">{`Panel type "${type}" with ${props.data.series.length} series.`}</PanelMessage>
  );
}

/** A message in place of the panel body. */
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

interface BoundaryState {
  error: string | null;
}

/** Catches a renderer's exception so one broken panel never takes the dashboard down. */
class PanelBoundary extends Component<{ children: ReactNode }, BoundaryState> {
  override state: BoundaryState = { error: null };

  static getDerivedStateFromError(e: unknown): BoundaryState {
    return { error: e instanceof Error ? e.message : String(e) };
  }

  override render(): ReactNode {
    if (this.state.error !== null) {
      return <PanelMessage kind="error">{`cannot render panel: ${this.state.error}`}</PanelMessage>;
    }
    return this.props.children;
  }
}
