/** Dashboard settings: general fields, the time defaults, the variables editor and the JSON model. */
import { AnnotationsEditor, annotationList } from './AnnotationsEditor.js';
import { ZoneSelect } from '../time/ZoneSelect.js';
import { type ReactElement, useState } from 'react';
import { useApi } from '../useApi.js';
import { listFolders } from './api.js';
import { FolderSelect } from './FolderSelect.js';
import {
  type DashboardModel,
  DashboardFormatError,
  normalizeDashboard,
  type VariableModel,
} from './model.js';
import { REFRESH_INTERVALS } from './TimePicker.js';

/** Props of {@link SettingsEditor}. */
export interface SettingsEditorProps {
  readonly dashboard: DashboardModel;
  readonly folder: string;
  readonly onApply: (d: DashboardModel, folder: string) => void;
  readonly onCancel: () => void;
}

const VARIABLE_TYPES = ['query', 'custom', 'interval', 'constant', 'textbox'] as const;

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Record<string, unknown>)['query'] === 'string'
  ) {
    return String((v as Record<string, unknown>)['query']);
  }
  return '';
}

function VariableEditor(props: {
  v: VariableModel;
  onChange: (v: VariableModel) => void;
  onRemove: () => void;
}): ReactElement {
  const { v } = props;
  const set = (patch: Partial<VariableModel>): void => {
    props.onChange({ ...v, ...patch });
  };
  const hasOptions = v.type === 'query' || v.type === 'custom';
  return (
    <fieldset className="db-var-edit" data-variable={v.name}>
      <legend>${v.name || '(unnamed)'}</legend>
      <label>
        Name{' '}
        <input
          aria-label="Variable name"
          value={v.name}
          onChange={(e) => {
            set({ name: e.target.value.replace(/\W/g, '') });
          }}
        />
      </label>
      <label>
        Type{' '}
        <select
          aria-label="Variable type"
          value={v.type}
          onChange={(e) => {
            set({ type: e.target.value });
          }}
        >
          {VARIABLE_TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      <label>
        Label{' '}
        <input
          value={v.label ?? ''}
          onChange={(e) => {
            set({ label: e.target.value });
          }}
        />
      </label>
      <label className="db-wide">
        {v.type === 'query'
          ? 'Query (label_values(metric, label), label_names(), metrics(re), query_result(expr))'
          : v.type === 'custom'
            ? 'Values, comma separated'
            : v.type === 'interval'
              ? 'Intervals, comma separated'
              : 'Value'}{' '}
        <input
          aria-label="Variable query"
          value={text(v.query)}
          onChange={(e) => {
            set({ query: e.target.value, definition: e.target.value });
          }}
        />
      </label>
      {v.type === 'query' && (
        <>
          <label>
            Regex{' '}
            <input
              value={v.regex ?? ''}
              placeholder="/(.*)/"
              onChange={(e) => {
                set({ regex: e.target.value });
              }}
            />
          </label>
          <label>
            Sort{' '}
            <select
              value={v.sort ?? 0}
              onChange={(e) => {
                set({ sort: Number(e.target.value) });
              }}
            >
              <option value={0}>Disabled</option>
              <option value={1}>Alphabetical (asc)</option>
              <option value={2}>Alphabetical (desc)</option>
              <option value={3}>Numerical (asc)</option>
              <option value={4}>Numerical (desc)</option>
              <option value={5}>Alphabetical, case-insensitive (asc)</option>
              <option value={6}>Alphabetical, case-insensitive (desc)</option>
            </select>
          </label>
          <label>
            Refresh{' '}
            <select
              value={v.refresh ?? 1}
              onChange={(e) => {
                set({ refresh: Number(e.target.value) });
              }}
            >
              <option value={1}>On dashboard load</option>
              <option value={2}>On time range change</option>
            </select>
          </label>
        </>
      )}
      {v.type === 'interval' && (
        <label>
          <input
            type="checkbox"
            checked={v.auto === true}
            onChange={(e) => {
              set({ auto: e.target.checked });
            }}
          />{' '}
          Auto option
        </label>
      )}
      {hasOptions && (
        <>
          <label>
            <input
              type="checkbox"
              aria-label="Multi-value"
              checked={v.multi === true}
              onChange={(e) => {
                set({ multi: e.target.checked });
              }}
            />{' '}
            Multi-value
          </label>
          <label>
            <input
              type="checkbox"
              aria-label="Include All"
              checked={v.includeAll === true}
              onChange={(e) => {
                set({ includeAll: e.target.checked });
              }}
            />{' '}
            Include All
          </label>
          {v.includeAll === true && (
            <label>
              Custom all value{' '}
              <input
                value={v.allValue ?? ''}
                placeholder=".*"
                onChange={(e) => {
                  set({ allValue: e.target.value });
                }}
              />
            </label>
          )}
        </>
      )}
      <label>
        Hide{' '}
        <select
          value={v.hide ?? 0}
          onChange={(e) => {
            set({ hide: Number(e.target.value) });
          }}
        >
          <option value={0}>Show</option>
          <option value={1}>Hide label</option>
          <option value={2}>Hide variable</option>
        </select>
      </label>
      <button type="button" onClick={props.onRemove}>
        Remove variable
      </button>
    </fieldset>
  );
}

/** The settings dialog. Changes apply to the working copy; saving is separate. */
export function SettingsEditor(props: SettingsEditorProps): ReactElement {
  const [d, setD] = useState<DashboardModel>(props.dashboard);
  const [folder, setFolder] = useState(props.folder);
  const [json, setJson] = useState<string | null>(null);
  const [error, setError] = useState('');
  const folders = useApi(listFolders);
  const vars = d.templating.list;
  const setVars = (list: VariableModel[]): void => {
    setD({ ...d, templating: { ...d.templating, list } });
  };
  const apply = (): void => {
    if (json !== null) {
      try {
        props.onApply(normalizeDashboard(JSON.parse(json)), folder);
      } catch (e) {
        setError(
          e instanceof DashboardFormatError || e instanceof SyntaxError ? e.message : String(e),
        );
      }
      return;
    }
    props.onApply(d, folder);
  };
  return (
    <div className="db-modal" role="dialog" aria-modal="true" aria-label="Dashboard settings">
      <div className="db-modal-body db-settings">
        <h2>Settings</h2>
        <label>
          Title{' '}
          <input
            aria-label="Dashboard title"
            value={d.title}
            onChange={(e) => {
              setD({ ...d, title: e.target.value });
            }}
          />
        </label>
        <label>
          Description{' '}
          <input
            value={d.description ?? ''}
            onChange={(e) => {
              setD({ ...d, description: e.target.value });
            }}
          />
        </label>
        <label>
          Tags (comma separated){' '}
          <input
            aria-label="Tags"
            value={d.tags.join(', ')}
            onChange={(e) => {
              setD({
                ...d,
                tags: e.target.value
                  .split(',')
                  .map((t) => t.trim())
                  .filter((t) => t !== ''),
              });
            }}
          />
        </label>
        <label>
          Folder{' '}
          <FolderSelect
            folders={folders.kind === 'done' ? folders.data : []}
            value={folder}
            onChange={setFolder}
          />
        </label>
        <label>
          Default time from{' '}
          <input
            value={d.time.from}
            onChange={(e) => {
              setD({ ...d, time: { ...d.time, from: e.target.value } });
            }}
          />
        </label>
        <label>
          to{' '}
          <input
            value={d.time.to}
            onChange={(e) => {
              setD({ ...d, time: { ...d.time, to: e.target.value } });
            }}
          />
        </label>
        <label>
          Auto refresh{' '}
          <select
            value={typeof d.refresh === 'string' ? d.refresh : ''}
            onChange={(e) => {
              setD({ ...d, refresh: e.target.value });
            }}
          >
            {REFRESH_INTERVALS.map((r) => (
              <option key={r} value={r}>
                {r === '' ? 'Off' : r}
              </option>
            ))}
          </select>
        </label>
        <label>
          Time zone{' '}
          <ZoneSelect
            value={d.timezone ?? 'browser'}
            onChange={(tz) => {
              setD({ ...d, timezone: tz });
            }}
          />
        </label>
        <h3>Variables</h3>
        {vars.map((v, i) => (
          <VariableEditor
            key={i}
            v={v}
            onChange={(nv) => {
              setVars(vars.map((x, j) => (j === i ? nv : x)));
            }}
            onRemove={() => {
              setVars(vars.filter((_, j) => j !== i));
            }}
          />
        ))}
        <button
          type="button"
          onClick={() => {
            setVars([
              ...vars,
              { type: 'custom', name: `var${vars.length + 1}`, query: '', refresh: 1 },
            ]);
          }}
        >
          Add variable
        </button>
        <h3>Annotations</h3>
        <AnnotationsEditor
          list={annotationList(d['annotations'])}
          onChange={(list) => {
            setD({
              ...d,
              annotations: { ...(isRecord(d['annotations']) ? d['annotations'] : {}), list },
            });
          }}
        />
        <h3>JSON model</h3>
        <textarea
          aria-label="Dashboard JSON"
          className="db-json"
          value={json ?? JSON.stringify(d, null, 2)}
          onChange={(e) => {
            setJson(e.target.value);
          }}
        />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="db-modal-actions">
          <button type="button" className="primary" onClick={apply}>
            Apply settings
          </button>
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
