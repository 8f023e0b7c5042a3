/** The variables bar: one picker per visible template variable (single, multi with All, text box). */
import { type ReactElement, useEffect, useState } from 'react';
import type { VariableModel, VariableOption } from './model.js';
import { ALL_VALUE } from './variables.js';

/** A variable's loaded state. */
export interface VariableState {
  readonly options: readonly VariableOption[];
  readonly selected: readonly string[];
  readonly error?: string;
  readonly loading?: boolean;
}

/** Props of {@link VariablesBar}. */
export interface VariablesBarProps {
  readonly variables: readonly VariableModel[];
  readonly state: ReadonlyMap<string, VariableState>;
  readonly onChange: (name: string, values: string[]) => void;
}

function MultiPicker(props: {
  v: VariableModel;
  s: VariableState;
  onChange: (values: string[]) => void;
}): ReactElement {
  const [open, setOpen] = useState(false);
  const { v, s } = props;
  const text = s.selected.includes(ALL_VALUE)
    ? 'All'
    : s.selected.map((x) => s.options.find((o) => o.value === x)?.text ?? x).join(' + ') || 'None';
  const toggle = (value: string): void => {
    if (value === ALL_VALUE) {
      props.onChange([ALL_VALUE]);
      return;
    }
    const cur = s.selected.filter((x) => x !== ALL_VALUE);
    const next = cur.includes(value) ? cur.filter((x) => x !== value) : [...cur, value];
    props.onChange(next.length > 0 ? next : v.includeAll === true ? [ALL_VALUE] : []);
  };
  return (
    <span className="db-multi">
      <button
        type="button"
        aria-expanded={open}
        aria-label={`${v.label ?? v.name}: ${text}`}
        onClick={() => {
          setOpen(!open);
        }}
      >
        {text} ▾
      </button>
      {open && (
        <ul className="db-popover db-multi-list" role="listbox" aria-multiselectable="true">
          {s.options.map((o) => (
            <li key={o.value}>
              <label>
                <input
                  type="checkbox"
                  checked={s.selected.includes(o.value)}
                  onChange={() => {
                    toggle(o.value);
                  }}
                />{' '}
                {o.text}
              </label>
            </li>
          ))}
          <li>
            <button
              type="button"
              onClick={() => {
                setOpen(false);
              }}
            >
              Done
            </button>
          </li>
        </ul>
      )}
    </span>
  );
}

function TextBox(props: {
  value: string;
  label: string;
  onChange: (v: string) => void;
}): ReactElement {
  const [text, setText] = useState(props.value);
  useEffect(() => {
    setText(props.value);
  }, [props.value]);
  return (
    <input
      aria-label={props.label}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
      }}
      onBlur={() => {
        if (text !== props.value) props.onChange(text);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') props.onChange(text);
      }}
    />
  );
}

/** Renders the pickers; hidden variables (`hide: 2`) and constants are not shown. */
export function VariablesBar({
  variables,
  state,
  onChange,
}: VariablesBarProps): ReactElement | null {
  const shown = variables.filter((v) => v.hide !== 2 && v.type !== 'constant');
  if (shown.length === 0) return null;
  return (
    <div className="db-vars" role="group" aria-label="Variables">
      {shown.map((v) => {
        const s = state.get(v.name) ?? { options: [], selected: [] };
        const label = v.label !== undefined && v.label !== '' ? v.label : v.name;
        return (
          <div key={v.name} className="db-var" data-variable={v.name}>
            {v.hide !== 1 && <span className="db-var-label">{label}</span>}
            {v.type === 'textbox' ? (
              <TextBox
                label={label}
                value={s.selected[0] ?? ''}
                onChange={(x) => {
                  onChange(v.name, [x]);
                }}
              />
            ) : v.multi === true ? (
              <MultiPicker
                v={v}
                s={s}
                onChange={(vals) => {
                  onChange(v.name, vals);
                }}
              />
            ) : (
              <select
                aria-label={label}
                value={s.selected[0] ?? ''}
                onChange={(e) => {
                  onChange(v.name, [e.target.value]);
                }}
              >
                {s.options.length === 0 && (
                  <option value="">{s.loading === true ? 'Loading…' : 'No values'}</option>
                )}
                {s.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.text}
                  </option>
                ))}
              </select>
            )}
            {s.error !== undefined && (
              <span className="error-text" title={s.error}>
                ⚠
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
}
