/** Editors for thresholds and value mappings of a panel's field defaults. */
import type { ReactElement } from 'react';
import { resolveColor } from './colors.js';
import { normalizeMappings } from './display.js';
import { setPanel } from './edit.js';
import type {
  MappingResult,
  PanelModel,
  ThresholdStep,
  ThresholdsConfig,
  ValueMapping,
} from './types.js';

const DEFAULTS = ['fieldConfig', 'defaults'];

/** A colour as `#rrggbb` for the colour input (named colours resolved). */
function hexOf(color: string): string {
  const c = resolveColor(color, '#808080');
  return /^#[0-9a-f]{6}$/i.test(c) ? c : '#808080';
}

function ColorInput(props: {
  value: string;
  label: string;
  onChange: (v: string) => void;
}): ReactElement {
  return (
    <>
      <input
        type="color"
        aria-label={`${props.label} colour picker`}
        value={hexOf(props.value)}
        onChange={(e) => {
          props.onChange(e.target.value);
        }}
      />
      <input
        aria-label={`${props.label} colour`}
        size={10}
        value={props.value}
        onChange={(e) => {
          props.onChange(e.target.value);
        }}
      />
    </>
  );
}

/** Edits `fieldConfig.defaults.thresholds`: mode and steps (base step first, value-less). */
export function ThresholdsEditor({
  panel,
  onChange,
}: {
  panel: PanelModel;
  onChange: (p: PanelModel) => void;
}): ReactElement {
  const t: ThresholdsConfig = panel.fieldConfig?.defaults?.thresholds ?? {
    mode: 'absolute',
    steps: [{ color: 'green', value: null }],
  };
  const steps = t.steps.length > 0 ? t.steps : [{ color: 'green', value: null }];
  const save = (next: ThresholdsConfig): void => {
    const sorted = [...next.steps].sort((a, b) => (a.value ?? -Infinity) - (b.value ?? -Infinity));
    onChange(setPanel(panel, [...DEFAULTS, 'thresholds'], { ...next, steps: sorted }));
  };
  const setStep = (i: number, s: ThresholdStep): void => {
    save({ ...t, steps: steps.map((x, k) => (k === i ? s : x)) });
  };
  const top = steps[steps.length - 1]?.value ?? 0;
  return (
    <fieldset>
      <legend>Thresholds</legend>
      <div className="kp-editor-list">
        {steps
          .map((s, i) => ({ s, i }))
          .reverse()
          .map(({ s, i }) => (
            <div className="kp-editor-item" key={i}>
              <ColorInput
                label={`Threshold ${i + 1}`}
                value={s.color}
                onChange={(c) => {
                  setStep(i, { ...s, color: c });
                }}
              />
              {s.value === null ? (
                <span>Base</span>
              ) : (
                <>
                  <input
                    type="number"
                    step="any"
                    aria-label={`Threshold ${i + 1} value`}
                    value={s.value}
                    onChange={(e) => {
                      setStep(i, { ...s, value: Number(e.target.value) });
                    }}
                  />
                  <button
                    type="button"
                    aria-label={`Remove threshold ${i + 1}`}
                    onClick={() => {
                      save({ ...t, steps: steps.filter((_, k) => k !== i) });
                    }}
                  >
                    ✕
                  </button>
                </>
              )}
            </div>
          ))}
        <div className="kp-editor-item">
          <button
            type="button"
            onClick={() => {
              save({ ...t, steps: [...steps, { color: 'red', value: top + 10 }] });
            }}
          >
            Add threshold
          </button>
          <label>
            <input
              type="checkbox"
              checked={t.mode === 'percentage'}
              onChange={(e) => {
                save({ ...t, mode: e.target.checked ? 'percentage' : 'absolute' });
              }}
            />{' '}
            Percentage
          </label>
        </div>
      </div>
    </fieldset>
  );
}

function resultOf(m: ValueMapping): MappingResult {
  if (m.type === 'value') return Object.values(m.options)[0] ?? {};
  return m.options.result;
}

function withResult(m: ValueMapping, r: MappingResult): ValueMapping {
  if (m.type === 'value') {
    const key = Object.keys(m.options)[0] ?? '';
    return { type: 'value', options: { [key]: r } };
  }
  return { ...m, options: { ...m.options, result: r } } as ValueMapping;
}

/** Edits `fieldConfig.defaults.mappings`: value, range, regex and special mappings. */
export function MappingsEditor({
  panel,
  onChange,
}: {
  panel: PanelModel;
  onChange: (p: PanelModel) => void;
}): ReactElement {
  // One mapping per entry in the editor: multi-value mappings are split.
  const mappings = normalizeMappings(panel.fieldConfig?.defaults?.mappings).flatMap(
    (m): ValueMapping[] =>
      m.type === 'value'
        ? Object.entries(m.options).map(([k, r]) => ({ type: 'value', options: { [k]: r } }))
        : [m],
  );
  const save = (next: ValueMapping[]): void => {
    onChange(setPanel(panel, [...DEFAULTS, 'mappings'], next));
  };
  const update = (i: number, m: ValueMapping): void => {
    save(mappings.map((x, k) => (k === i ? m : x)));
  };
  const num = (v: string): number | null => (v === '' ? null : Number(v));
  return (
    <fieldset>
      <legend>Value mappings</legend>
      <div className="kp-editor-list">
        {mappings.map((m, i) => {
          const r = resultOf(m);
          return (
            <div className="kp-editor-item" key={i}>
              <span>{m.type}</span>
              {m.type === 'value' && (
                <input
                  aria-label="Value"
                  size={8}
                  value={Object.keys(m.options)[0] ?? ''}
                  onChange={(e) => {
                    update(i, { type: 'value', options: { [e.target.value]: r } });
                  }}
                />
              )}
              {m.type === 'range' && (
                <>
                  <input
                    aria-label="From"
                    type="number"
                    step="any"
                    value={m.options.from ?? ''}
                    onChange={(e) => {
                      update(i, {
                        type: 'range',
                        options: { ...m.options, from: num(e.target.value) },
                      });
                    }}
                  />
                  <input
                    aria-label="To"
                    type="number"
                    step="any"
                    value={m.options.to ?? ''}
                    onChange={(e) => {
                      update(i, {
                        type: 'range',
                        options: { ...m.options, to: num(e.target.value) },
                      });
                    }}
                  />
                </>
              )}
              {m.type === 'regex' && (
                <input
                  aria-label="Pattern"
                  value={m.options.pattern}
                  onChange={(e) => {
                    update(i, {
                      type: 'regex',
                      options: { ...m.options, pattern: e.target.value },
                    });
                  }}
                />
              )}
              {m.type === 'special' && (
                <select
                  aria-label="Match"
                  value={m.options.match}
                  onChange={(e) => {
                    update(i, {
                      type: 'special',
                      options: { ...m.options, match: e.target.value as typeof m.options.match },
                    });
                  }}
                >
                  {(['null', 'nan', 'null+nan', 'true', 'false', 'empty'] as const).map((x) => (
                    <option key={x} value={x}>
                      {x}
                    </option>
                  ))}
                </select>
              )}
              <span>→</span>
              <input
                aria-label="Display text"
                size={10}
                placeholder="text"
                value={r.text ?? ''}
                onChange={(e) => {
                  update(i, withResult(m, { ...r, text: e.target.value }));
                }}
              />
              <ColorInput
                label="Mapping"
                value={r.color ?? ''}
                onChange={(c) => {
                  update(i, withResult(m, { ...r, color: c }));
                }}
              />
              <button
                type="button"
                aria-label={`Remove mapping ${i + 1}`}
                onClick={() => {
                  save(mappings.filter((_, k) => k !== i));
                }}
              >
                ✕
              </button>
            </div>
          );
        })}
        <div className="kp-editor-item">
          <button
            type="button"
            onClick={() => {
              save([...mappings, { type: 'value', options: { '': { text: '' } } }]);
            }}
          >
            Add value
          </button>
          <button
            type="button"
            onClick={() => {
              save([
                ...mappings,
                { type: 'range', options: { from: null, to: null, result: { text: '' } } },
              ]);
            }}
          >
            Add range
          </button>
          <button
            type="button"
            onClick={() => {
              save([
                ...mappings,
                { type: 'regex', options: { pattern: '', result: { text: '' } } },
              ]);
            }}
          >
            Add regex
          </button>
          <button
            type="button"
            onClick={() => {
              save([
                ...mappings,
                { type: 'special', options: { match: 'null', result: { text: '' } } },
              ]);
            }}
          >
            Add special
          </button>
        </div>
      </div>
    </fieldset>
  );
}
