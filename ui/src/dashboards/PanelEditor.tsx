/**
 * The panel editor: a live preview on top, queries (PromQL editor, legend format, min interval,
 * instant) and the panel's options (type, title, description, PanelOptionsEditor) below.
 */
import { type ReactElement, useEffect, useMemo, useState } from 'react';
import { QueryEditor } from '../explore/QueryEditor.js';
import { PANEL_TYPES, PanelOptionsEditor, PanelView } from '../panels/index.js';
import type { PanelData, PanelModel, PanelTarget } from '../panels/types.js';
import type { Scope } from './interpolate.js';
import { Limiter, prepareQueries, runPanelQueries } from './runner.js';
import type { ResolvedRange } from './timerange.js';

/** Props of {@link PanelEditor}. */
export interface PanelEditorProps {
  readonly panel: PanelModel;
  readonly range: ResolvedRange;
  readonly scope: Scope;
  /** The dashboard's time zone for the preview. */
  readonly timeZone?: string;
  readonly theme: 'light' | 'dark';
  readonly onApply: (p: PanelModel) => void;
  readonly onCancel: () => void;
}

function nextRefId(targets: readonly PanelTarget[]): string {
  for (let i = 0; i < 26; i++) {
    const id = String.fromCharCode(65 + i);
    if (!targets.some((t) => t.refId === id)) return id;
  }
  return `Q${targets.length}`;
}

/** The editor, as a full-screen dialog. */
export function PanelEditor(props: PanelEditorProps): ReactElement {
  const [panel, setPanel] = useState<PanelModel>(props.panel);
  const [limiter] = useState(() => new Limiter(4));
  const [runKey, setRunKey] = useState(0);
  const [data, setData] = useState<PanelData>({ state: 'loading', series: [] });
  const targets = panel.targets ?? [];
  const queries = useMemo(
    () => prepareQueries(panel, 900, props.range, props.scope),
    [JSON.stringify(targets), panel['interval'], panel['maxDataPoints'], props.range, props.scope],
  );

  useEffect(() => {
    const ac = new AbortController();
    setData((d) => ({ ...d, state: 'loading' }));
    runPanelQueries(queries, limiter, ac.signal).then(
      (d) => {
        if (!ac.signal.aborted) setData(d);
      },
      (e: unknown) => {
        if (!ac.signal.aborted)
          setData({
            state: 'error',
            series: [],
            error: e instanceof Error ? e.message : String(e),
          });
      },
    );
    return () => {
      ac.abort();
    };
  }, [runKey, props.range, props.scope]);

  const setTarget = (i: number, t: PanelTarget): void => {
    setPanel({ ...panel, targets: targets.map((x, j) => (j === i ? t : x)) });
  };

  return (
    <div className="db-modal db-editor" role="dialog" aria-modal="true" aria-label="Edit panel">
      <div className="db-modal-body">
        <div className="db-editor-head">
          <h2>Edit panel</h2>
          <button
            type="button"
            className="primary"
            onClick={() => {
              props.onApply(panel);
            }}
          >
            Apply
          </button>
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        </div>
        <div className="db-editor-preview">
          <PanelView
            panel={panel}
            data={data}
            width={900}
            height={260}
            timeRange={props.range}
            theme={props.theme}
            {...(props.timeZone === undefined ? {} : { timeZone: props.timeZone })}
          />
        </div>
        <div className="db-editor-cols">
          <div className="db-editor-queries">
            <h3>Queries</h3>
            {targets.map((t, i) => (
              <fieldset key={t.refId ?? i} className="db-target">
                <legend>{t.refId ?? String.fromCharCode(65 + i)}</legend>
                <QueryEditor
                  value={t.expr ?? ''}
                  onChange={(v) => {
                    setTarget(i, { ...t, expr: v });
                  }}
                  onRun={(v) => {
                    setTarget(i, { ...t, expr: v });
                    setRunKey((n) => n + 1);
                  }}
                />
                <label>
                  Legend{' '}
                  <input
                    value={t.legendFormat ?? ''}
                    placeholder="{{label}} or empty for the series labels"
                    onChange={(e) => {
                      setTarget(i, { ...t, legendFormat: e.target.value });
                    }}
                  />
                </label>
                <label>
                  Min interval{' '}
                  <input
                    value={t.interval ?? ''}
                    placeholder="15s"
                    size={6}
                    onChange={(e) => {
                      setTarget(i, { ...t, interval: e.target.value });
                    }}
                  />
                </label>
                <label>
                  <input
                    type="checkbox"
                    checked={t.instant === true}
                    onChange={(e) => {
                      setTarget(i, { ...t, instant: e.target.checked, range: !e.target.checked });
                    }}
                  />{' '}
                  Instant
                </label>
                <label>
                  <input
                    type="checkbox"
                    checked={t.hide === true}
                    onChange={(e) => {
                      setTarget(i, { ...t, hide: e.target.checked });
                    }}
                  />{' '}
                  Hide
                </label>
                <button
                  type="button"
                  aria-label={`Remove query ${t.refId ?? i}`}
                  onClick={() => {
                    setPanel({ ...panel, targets: targets.filter((_, j) => j !== i) });
                  }}
                >
                  Remove
                </button>
              </fieldset>
            ))}
            <button
              type="button"
              onClick={() => {
                setPanel({
                  ...panel,
                  targets: [...targets, { refId: nextRefId(targets), expr: '' }],
                });
              }}
            >
              Add query
            </button>{' '}
            <button
              type="button"
              onClick={() => {
                setRunKey((n) => n + 1);
              }}
            >
              Run queries
            </button>
          </div>
          <div className="db-editor-options">
            <h3>Panel</h3>
            <label>
              Type{' '}
              <select
                aria-label="Panel type"
                value={panel.type}
                onChange={(e) => {
                  setPanel({ ...panel, type: e.target.value });
                }}
              >
                {!PANEL_TYPES.some((p) => p.type === panel.type) && (
                  <option value={panel.type}>{panel.type}</option>
                )}
                {PANEL_TYPES.map((p) => (
                  <option key={p.type} value={p.type}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Title{' '}
              <input
                aria-label="Panel title"
                value={panel.title ?? ''}
                onChange={(e) => {
                  setPanel({ ...panel, title: e.target.value });
                }}
              />
            </label>
            <label>
              Description{' '}
              <textarea
                value={panel.description ?? ''}
                onChange={(e) => {
                  setPanel({ ...panel, description: e.target.value });
                }}
              />
            </label>
            <label>
              Min interval (panel){' '}
              <input
                value={typeof panel['interval'] === 'string' ? panel['interval'] : ''}
                placeholder="auto"
                size={6}
                onChange={(e) => {
                  setPanel({ ...panel, interval: e.target.value });
                }}
              />
            </label>
            <label>
              Max data points{' '}
              <input
                type="number"
                min={10}
                value={typeof panel['maxDataPoints'] === 'number' ? panel['maxDataPoints'] : ''}
                placeholder="width"
                onChange={(e) => {
                  const n = Number(e.target.value);
                  const next = { ...panel };
                  if (e.target.value === '' || !Number.isFinite(n)) delete next['maxDataPoints'];
                  else next['maxDataPoints'] = n;
                  setPanel(next);
                }}
              />
            </label>
            <label>
              Relative time{' '}
              <input
                value={typeof panel['timeFrom'] === 'string' ? panel['timeFrom'] : ''}
                placeholder="e.g. 2h"
                size={6}
                onChange={(e) => {
                  const next = { ...panel };
                  if (e.target.value.trim() === '') delete next['timeFrom'];
                  else next['timeFrom'] = e.target.value.trim();
                  setPanel(next);
                }}
              />
            </label>
            <label>
              Time shift{' '}
              <input
                value={typeof panel['timeShift'] === 'string' ? panel['timeShift'] : ''}
                placeholder="e.g. 1d"
                size={6}
                onChange={(e) => {
                  const next = { ...panel };
                  if (e.target.value.trim() === '') delete next['timeShift'];
                  else next['timeShift'] = e.target.value.trim();
                  setPanel(next);
                }}
              />
            </label>
            <label>
              <input
                type="checkbox"
                checked={panel['hideTimeOverride'] === true}
                onChange={(e) => {
                  const next = { ...panel };
                  if (e.target.checked) next['hideTimeOverride'] = true;
                  else delete next['hideTimeOverride'];
                  setPanel(next);
                }}
              />{' '}
              Hide time info
            </label>
            <PanelOptionsEditor panel={panel} onChange={setPanel} />
          </div>
        </div>
      </div>
    </div>
  );
}
