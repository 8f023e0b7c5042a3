/**
 * Dispatches a panel to its renderer by type. Legacy panels are converted first; unknown types,
 * failed queries, missing data and renderer exceptions show a clear message in the panel, so
 * one panel never takes the dashboard down.
 */
import { Component, type ReactElement, type ReactNode, useMemo } from 'react';
import './panels.css';
import { BarGaugePanel } from './BarGaugePanel.js';
import { GaugePanel } from './GaugePanel.js';
import { HeatmapPanel } from './HeatmapPanel.js';
import { migratePanel } from './legacy.js';
import { PanelMessage } from './PanelMessage.js';
import { PieChartPanel } from './PieChartPanel.js';
import { StatPanel } from './StatPanel.js';
import { StateTimelinePanel } from './StateTimelinePanel.js';
import { TablePanel } from './TablePanel.js';
import { TextPanel } from './TextPanel.js';
import { TimeSeriesPanel } from './TimeSeriesPanel.js';
import type { PanelProps } from './types.js';

export { PanelMessage } from './PanelMessage.js';

/** Renders one panel body for the shell, sized `width` × `height`. */
export function PanelView(props: PanelProps): ReactElement {
  const panel = useMemo(() => migratePanel(props.panel), [props.panel]);
  const p: PanelProps = { ...props, panel };
  return (
    <div
      className="kp-panel"
      data-panel-type={panel.type}
      data-state={props.data.state}
      style={{ width: props.width, height: props.height }}
    >
      <PanelBoundary key={panel.type} resetKey={props.data}>
        {renderBody(p)}
      </PanelBoundary>
    </div>
  );
}

function renderBody(p: PanelProps): ReactElement {
  const { panel, data } = p;
  if (panel.type === 'text') return <TextPanel {...p} />;
  if (panel.type === 'row')
    return <PanelMessage kind="info">Rows hold panels and draw nothing themselves.</PanelMessage>;
  if (data.state === 'error') {
    return <PanelMessage kind="error">{data.error ?? 'The query failed.'}</PanelMessage>;
  }
  if (data.series.length === 0) {
    if (data.state === 'loading') return <PanelMessage kind="info">Loading…</PanelMessage>;
    const noValue = panel.fieldConfig?.defaults?.noValue;
    return (
      <PanelMessage kind="info">
        {typeof noValue === 'string' && noValue !== '' ? noValue : 'No data'}
      </PanelMessage>
    );
  }
  switch (panel.type) {
    case 'timeseries':
      return <TimeSeriesPanel {...p} />;
    case 'stat':
      return <StatPanel {...p} />;
    case 'gauge':
      return <GaugePanel {...p} />;
    case 'bargauge':
      return <BarGaugePanel {...p} />;
    case 'table':
      return <TablePanel {...p} />;
    case 'heatmap':
      return <HeatmapPanel {...p} />;
    case 'state-timeline':
      return <StateTimelinePanel {...p} />;
    case 'piechart':
      return <PieChartPanel {...p} />;
    default:
      return (
        <PanelMessage kind="info">
          {`Panel type "${p.panel.type}" is not supported by Kansoku. Change it to one of the supported types in the panel editor.`}
        </PanelMessage>
      );
  }
}

interface BoundaryState {
  error: string | null;
}

/** Catches a renderer's exception and shows it in the panel. */
class PanelBoundary extends Component<{ children: ReactNode; resetKey: unknown }, BoundaryState> {
  override state: BoundaryState = { error: null };

  override componentDidUpdate(prev: { resetKey: unknown }): void {
    // New data gets a new chance to render.
    if (prev.resetKey !== this.props.resetKey && this.state.error !== null)
      this.setState({ error: null });
  }

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
