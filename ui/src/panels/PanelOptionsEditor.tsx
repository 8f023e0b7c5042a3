/**
 * The panel editor's options pane: the options of the panel's type (from the option specs),
 * the standard field options (unit, min, max, decimals, display name, colour), thresholds and
 * value mappings. Every change hands a new panel to `onChange`; the given one is never mutated.
 */
import { type ReactElement, useId } from 'react';
import { getIn, setPanel, UNIT_CATEGORIES } from './edit.js';
import { MappingsEditor, ThresholdsEditor } from './FieldConfigEditor.js';
import { migratePanel } from './legacy.js';
import { OPTION_SPECS, type OptionSpec } from './optionspecs.js';
import { REDUCERS } from './reducers.js';
import type { PanelModel } from './types.js';

/** Props of {@link PanelOptionsEditor}. */
export interface PanelOptionsEditorProps {
  panel: PanelModel;
  /** Receives a new panel object (the given one is never mutated). */
  onChange: (p: PanelModel) => void;
}

const DEFAULTS = ['fieldConfig', 'defaults'];

/** Edits a panel's options and field config. Legacy panels are converted on the first edit. */
export function PanelOptionsEditor({
  panel: given,
  onChange,
}: PanelOptionsEditorProps): ReactElement {
  const panel = migratePanel(given);
  const set = (path: readonly string[], value: unknown): void => {
    onChange(setPanel(panel, path, value));
  };
  const specs = OPTION_SPECS[panel.type] ?? [];
  const hasFields = panel.type !== 'text';
  return (
    <div className="kp-editor">
      {specs.length > 0 && (
        <fieldset>
          <legend>Options</legend>
          {specs.map((s) => (
            <OptionRow key={s.path.join('.')} spec={s} panel={panel} set={set} />
          ))}
        </fieldset>
      )}
      {hasFields && (
        <fieldset>
          <legend>Standard options</legend>
          <UnitRow
            value={str(getIn(panel, [...DEFAULTS, 'unit']))}
            onChange={(v) => {
              set([...DEFAULTS, 'unit'], v || undefined);
            }}
          />
          <NumberRow
            label="Min"
            value={getIn(panel, [...DEFAULTS, 'min'])}
            onChange={(v) => {
              set([...DEFAULTS, 'min'], v);
            }}
          />
          <NumberRow
            label="Max"
            value={getIn(panel, [...DEFAULTS, 'max'])}
            onChange={(v) => {
              set([...DEFAULTS, 'max'], v);
            }}
          />
          <NumberRow
            label="Decimals"
            value={getIn(panel, [...DEFAULTS, 'decimals'])}
            min={0}
            max={10}
            onChange={(v) => {
              set([...DEFAULTS, 'decimals'], v);
            }}
          />
          <TextRow
            label="Display name"
            value={str(getIn(panel, [...DEFAULTS, 'displayName']))}
            onChange={(v) => {
              set([...DEFAULTS, 'displayName'], v || undefined);
            }}
          />
          <TextRow
            label="No value"
            value={str(getIn(panel, [...DEFAULTS, 'noValue']))}
            onChange={(v) => {
              set([...DEFAULTS, 'noValue'], v || undefined);
            }}
          />
          <SelectRow
            label="Color scheme"
            value={str(getIn(panel, [...DEFAULTS, 'color', 'mode'])) || 'palette-classic'}
            choices={[
              ['palette-classic', 'Classic palette'],
              ['thresholds', 'From thresholds'],
              ['fixed', 'Single color'],
            ]}
            onChange={(v) => {
              set([...DEFAULTS, 'color', 'mode'], v);
            }}
          />
          {getIn(panel, [...DEFAULTS, 'color', 'mode']) === 'fixed' && (
            <TextRow
              label="Color"
              value={str(getIn(panel, [...DEFAULTS, 'color', 'fixedColor']))}
              onChange={(v) => {
                set([...DEFAULTS, 'color', 'fixedColor'], v);
              }}
            />
          )}
        </fieldset>
      )}
      {hasFields && <ThresholdsEditor panel={panel} onChange={onChange} />}
      {hasFields && <MappingsEditor panel={panel} onChange={onChange} />}
    </div>
  );
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function OptionRow({
  spec,
  panel,
  set,
}: {
  spec: OptionSpec;
  panel: PanelModel;
  set: (p: readonly string[], v: unknown) => void;
}): ReactElement {
  const raw = getIn(panel, spec.path);
  const onChange = (v: unknown): void => {
    set(spec.path, v);
  };
  switch (spec.kind) {
    case 'select':
      return (
        <SelectRow
          label={spec.label}
          value={typeof raw === 'string' ? raw : String(spec.default)}
          choices={spec.choices ?? []}
          onChange={onChange}
        />
      );
    case 'number':
      return (
        <NumberRow
          label={spec.label}
          value={raw ?? spec.default}
          {...(spec.min !== undefined ? { min: spec.min } : {})}
          {...(spec.max !== undefined ? { max: spec.max } : {})}
          {...(spec.step !== undefined ? { step: spec.step } : {})}
          onChange={(v) => {
            onChange(v ?? spec.default);
          }}
        />
      );
    case 'bool':
      return (
        <CheckRow
          label={spec.label}
          value={typeof raw === 'boolean' ? raw : spec.default === true}
          onChange={onChange}
        />
      );
    case 'text':
      return (
        <TextRow
          label={spec.label}
          value={typeof raw === 'string' ? raw : String(spec.default)}
          onChange={onChange}
        />
      );
    case 'textarea':
      return (
        <TextRow
          label={spec.label}
          value={typeof raw === 'string' ? raw : ''}
          multiline
          onChange={onChange}
        />
      );
    case 'calc': {
      const first = Array.isArray(raw) && typeof raw[0] === 'string' ? raw[0] : 'lastNotNull';
      return (
        <SelectRow
          label={spec.label}
          value={first}
          choices={REDUCERS.map((r) => [r.id, r.name] as const)}
          onChange={(v) => {
            onChange([v]);
          }}
        />
      );
    }
    case 'calcs': {
      const list = Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
      return <CalcsRow label={spec.label} value={list} onChange={onChange} />;
    }
  }
}

/** A labelled select. */
export function SelectRow(props: {
  label: string;
  value: string;
  choices: readonly (readonly [string, string])[];
  onChange: (v: string) => void;
}): ReactElement {
  const id = useId();
  return (
    <div className="kp-editor-row">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value}
        onChange={(e) => {
          props.onChange(e.target.value);
        }}
      >
        {props.choices.map(([v, name]) => (
          <option key={v} value={v}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A labelled number input; empty means unset (null). */
export function NumberRow(props: {
  label: string;
  value: unknown;
  min?: number;
  max?: number;
  step?: number;
  onChange: (v: number | null) => void;
}): ReactElement {
  const id = useId();
  const v = typeof props.value === 'number' ? String(props.value) : '';
  return (
    <div className="kp-editor-row">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="number"
        value={v}
        min={props.min}
        max={props.max}
        step={props.step ?? 'any'}
        placeholder="auto"
        onChange={(e) => {
          const n = e.target.value === '' ? null : Number(e.target.value);
          props.onChange(n === null || Number.isFinite(n) ? n : null);
        }}
      />
    </div>
  );
}

/** A labelled text input or textarea. */
export function TextRow(props: {
  label: string;
  value: string;
  multiline?: boolean;
  onChange: (v: string) => void;
}): ReactElement {
  const id = useId();
  return (
    <div className="kp-editor-row">
      <label htmlFor={id}>{props.label}</label>
      {props.multiline ? (
        <textarea
          id={id}
          rows={8}
          value={props.value}
          onChange={(e) => {
            props.onChange(e.target.value);
          }}
        />
      ) : (
        <input
          id={id}
          value={props.value}
          onChange={(e) => {
            props.onChange(e.target.value);
          }}
        />
      )}
    </div>
  );
}

function CheckRow(props: {
  label: string;
  value: boolean;
  onChange: (v: boolean) => void;
}): ReactElement {
  const id = useId();
  return (
    <div className="kp-editor-row">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="checkbox"
        checked={props.value}
        onChange={(e) => {
          props.onChange(e.target.checked);
        }}
      />
    </div>
  );
}

function CalcsRow(props: {
  label: string;
  value: string[];
  onChange: (v: string[]) => void;
}): ReactElement {
  const shown = [
    'lastNotNull',
    'last',
    'mean',
    'max',
    'min',
    'sum',
    'count',
    'range',
    'delta',
    'diff',
    'firstNotNull',
  ];
  return (
    <div className="kp-editor-row">
      <span>{props.label}</span>
      <div className="kp-editor-item" role="group" aria-label={props.label}>
        {shown.map((id) => (
          <label key={id}>
            <input
              type="checkbox"
              checked={props.value.includes(id)}
              onChange={(e) => {
                props.onChange(
                  e.target.checked ? [...props.value, id] : props.value.filter((c) => c !== id),
                );
              }}
            />{' '}
            {REDUCERS.find((r) => r.id === id)?.name ?? id}
          </label>
        ))}
      </div>
    </div>
  );
}

function UnitRow({
  value,
  onChange,
}: {
  value: string;
  onChange: (v: string) => void;
}): ReactElement {
  const id = useId();
  return (
    <div className="kp-editor-row">
      <label htmlFor={id}>Unit</label>
      <span>
        <input
          id={id}
          list={`${id}-units`}
          value={value}
          placeholder="short"
          onChange={(e) => {
            onChange(e.target.value);
          }}
        />
        <datalist id={`${id}-units`}>
          {UNIT_CATEGORIES.flatMap((c) =>
            c.units.map(([u, name]) => (
              <option key={u} value={u}>
                {`${c.name} / ${name}`}
              </option>
            )),
          )}
        </datalist>
      </span>
    </div>
  );
}
